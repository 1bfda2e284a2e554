import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Kind, parse, print, visit, type FieldNode, type OperationTypeNode } from 'graphql';

/**
 * Registered operations (trusted documents), the pure part that the gateway, which serves them
 * (gateway/src/registered-operations.ts), and @finsam/schema, which writes their manifest
 * (`npm run operations`), both need: here, so that the schema tools depend on the kit and not on
 * the gateway, which depends on the schema (docs/registered-operations.md).
 */
export interface RegisteredOperation {
  /** SHA-256 (hex) of `body`: what Apollo's PersistedQueryLink sends as `sha256Hash`. */
  id: string;
  name: string;
  type: OperationTypeNode;
  body: string;
}

export interface OperationManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: RegisteredOperation[];
}

/**
 * The most tokens a document may have: the gateway refuses a longer one before parsing it
 * (its LIMITS.maxTokens), and a registered operation's text is held to the same.
 */
export const MAX_OPERATION_TOKENS = 2000;

/**
 * The gateway's metric of field usage (`graphql_field_usage_total{coordinate, operation, client}`),
 * which `npm run usage` reads from its /metrics.
 */
export const FIELD_USAGE_METRIC = 'graphql_field_usage_total';

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

export const operationId = (body: string): string => createHash('sha256').update(body).digest('hex');

/**
 * The text a standard client sends for a document: `__typename` added to every selection set
 * but the operation's own, as Apollo Client's InMemoryCache does (the same rules: not where the
 * set already has a `__`-field, not under an `@export` field), printed by graphql's `print`.
 * A client's text with or without those `__typename`s, in any layout, with or without comments,
 * comes out the same; the manifest holds this form, so its hash is the one Apollo Client sends.
 * Throws graphql's syntax error; a text of more than MAX_OPERATION_TOKENS tokens is one.
 */
export function canonicalOperation(source: string): string {
  const document = parse(source, { noLocation: true, maxTokens: MAX_OPERATION_TOKENS });
  return print(visit(document, {
    SelectionSet(node, _key, parent) {
      if (!parent || Array.isArray(parent) || (parent as { kind?: string }).kind === Kind.OPERATION_DEFINITION) return undefined;
      if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'))) return undefined;
      const field = parent as FieldNode;
      if (field.kind === Kind.FIELD && field.directives?.some((d) => d.name.value === 'export')) return undefined;
      return { ...node, selections: [...node.selections, TYPENAME] };
    },
  }));
}

export function readManifest(file: string): OperationManifest {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as OperationManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw new Error(`${file} is not an Apollo persisted query manifest (version 1): run \`npm run operations\``);
  }
  for (const operation of manifest.operations) {
    // A manifest edited by hand, or a body changed without its id, would register text no one reviewed under a known hash.
    if (operationId(operation.body) !== operation.id) throw new Error(`${file}: the id of ${operation.name} is not the SHA-256 of its body: run \`npm run operations\``);
  }
  return manifest;
}

/** The body of a request naming a registered operation by its hash alone, as Apollo's PersistedQueryLink sends it. */
export function requestByHash(operation: RegisteredOperation, variables: unknown) {
  return { operationName: operation.name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: operation.id } } };
}
