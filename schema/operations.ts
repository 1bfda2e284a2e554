/**
 * `npm run operations`: registers the coordinator client's operations, the top-level
 * schema/operations/*.graphql files (not analyst/: analysts keep ad hoc queries), by writing
 * schema/operations/manifest.json: each operation's canonical text and its SHA-256, in the format
 * of Apollo's persisted query manifest. The gateway serves coordinators those and nothing else
 * (gateway/src/registered-operations.ts, docs/registered-operations.md). Exits non-zero, naming
 * the file, when an operation does not parse, does not validate against schema/supergraph.graphql,
 * or is not the one operation named as its file. `--check` writes nothing and fails when the
 * committed manifest is not what the files give. `--request <Name> ['<variables as JSON>']` prints
 * the body of a request naming a registered operation by its hash, for curl.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphQLError, Kind, buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { MANIFEST_FILE, OPERATIONS_DIR, SUPERGRAPH_FILE, repositoryRoot } from './files.ts';
import {
  canonicalOperation, operationId, readManifest, requestByHash, type OperationManifest, type RegisteredOperation,
} from '@finsam/kit/operations';

export { MANIFEST_FILE, OPERATIONS_DIR };
const REPOSITORY = repositoryRoot();
const RUN = 'run `npm run operations`';

export type ManifestResult = { ok: true; manifest: OperationManifest; text: string } | { ok: false; errors: string[] };

/** Where an operation's file is, as a developer finds it from the repository's root. */
export const operationFile = (name: string) => path.relative(REPOSITORY, path.join(OPERATIONS_DIR, `${name}.graphql`));

export function generateManifest(): ManifestResult {
  // The supergraph's join__ and link__ definitions are plain SDL here; the client-visible types validate as the gateway's do.
  const schema = buildSchema(fs.readFileSync(SUPERGRAPH_FILE, 'utf8'), { assumeValidSDL: true });
  const files = fs.readdirSync(OPERATIONS_DIR, { withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.graphql')).map((f) => f.name).sort();
  const errors: string[] = [];
  const operations: RegisteredOperation[] = [];
  for (const file of files) {
    const where = operationFile(path.basename(file, '.graphql'));
    const text = fs.readFileSync(path.join(OPERATIONS_DIR, file), 'utf8');
    let body: string;
    try {
      body = canonicalOperation(text);
    } catch (error) {
      errors.push(`${where}: ${(error as GraphQLError).message}`);
      continue;
    }
    const document = parse(body);
    const definitions = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const name = path.basename(file, '.graphql');
    if (definitions.length !== 1 || definitions[0]!.name?.value !== name) {
      errors.push(`${where}: must hold exactly one operation, named ${name} as its file (found ${definitions.map((d) => d.name?.value ?? '(anonymous)').join(', ') || 'none'})`);
      continue;
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) {
      errors.push(...invalid.map((e) => `${where}: ${e.message}`));
      continue;
    }
    operations.push({ id: operationId(body), name, type: definitions[0]!.operation, body });
  }
  if (errors.length > 0) return { ok: false, errors };
  const manifest: OperationManifest = { format: 'apollo-persisted-query-manifest', version: 1, operations };
  return { ok: true, manifest, text: `${JSON.stringify(manifest, null, 2)}\n` };
}

/** What differs between a committed manifest and the one the files give, one line per operation file, each saying what to run. */
export function manifestDifferences(committed: OperationManifest, generated: OperationManifest): string[] {
  const differences: string[] = [];
  const before = new Map(committed.operations.map((o) => [o.name, o]));
  for (const operation of generated.operations) {
    const registered = before.get(operation.name);
    if (!registered) differences.push(`${operationFile(operation.name)} is not in the manifest: ${RUN}`);
    else if (registered.id !== operation.id || registered.body !== operation.body || registered.type !== operation.type) {
      differences.push(`${operationFile(operation.name)} has changed since the manifest was written: ${RUN}`);
    }
    before.delete(operation.name);
  }
  for (const name of before.keys()) differences.push(`${operationFile(name)} is in the manifest but no longer a file: ${RUN}`);
  return differences;
}

/** The committed manifest's differences from the files, or the files' errors; empty when it is fresh. */
export function staleManifest(): string[] {
  const generated = generateManifest();
  if (!generated.ok) return generated.errors;
  if (!fs.existsSync(MANIFEST_FILE)) return [`${path.relative(REPOSITORY, MANIFEST_FILE)} is missing: ${RUN}`];
  const committed = JSON.parse(fs.readFileSync(MANIFEST_FILE, 'utf8')) as OperationManifest;
  const differences = manifestDifferences(committed, generated.manifest);
  if (differences.length === 0 && fs.readFileSync(MANIFEST_FILE, 'utf8') !== generated.text) differences.push(`${path.relative(REPOSITORY, MANIFEST_FILE)} is not as written: ${RUN}`);
  return differences;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const requestAt = process.argv.indexOf('--request');
  if (requestAt >= 0) {
    const name = process.argv[requestAt + 1];
    const manifest = readManifest(MANIFEST_FILE);
    const operation = manifest.operations.find((o) => o.name === name);
    if (!operation) {
      console.error(`No registered operation named ${name ?? '(none given)'}; registered: ${manifest.operations.map((o) => o.name).join(', ')}`);
      process.exit(2);
    }
    const variables = JSON.parse(process.argv[requestAt + 2] ?? '{}') as unknown;
    console.log(JSON.stringify(requestByHash(operation, variables)));
    process.exit(0);
  }
  if (process.argv.includes('--check')) {
    const stale = staleManifest();
    for (const line of stale) console.error(`- ${line}`);
    process.exit(stale.length > 0 ? 1 : 0);
  }
  const result = generateManifest();
  if (!result.ok) {
    console.error(`No manifest written: ${result.errors.length} error(s) in schema/operations/:`);
    for (const error of result.errors) console.error(`- ${error}`);
    process.exit(1);
  }
  fs.writeFileSync(MANIFEST_FILE, result.text);
  console.log(`Wrote ${path.relative(process.cwd(), MANIFEST_FILE)}: ${result.manifest.operations.map((o) => o.name).join(', ')}`);
}
