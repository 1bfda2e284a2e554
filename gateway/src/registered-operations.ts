import { createRequire } from 'node:module';
import type { Role } from '@finsam/kit/caller';
import type { Refusal } from '@finsam/kit/errors';
import {
  canonicalOperation, operationId, readManifest as readKitManifest, requestByHash, type OperationManifest, type RegisteredOperation,
} from '@finsam/kit/operations';
import type { GraphQLParams } from '@finsam/kit/request-plugin';

/**
 * Registered operations (trusted documents) for the coordinator role, docs/registered-operations.md.
 * The coordinator client's operations are the files in schema/operations/; `npm run operations`
 * writes their canonical text and its SHA-256 to schema/operations/manifest.json, in the format
 * of Apollo's persisted query manifest. A coordinator's request is served only when it names a
 * registered operation by hash or sends a text whose canonical form is registered; it then runs
 * with the registered text. Anything else is refused here, before Apollo Server parses, plans or
 * calls a subgraph.
 */
/** The coordinator client's registered operations, as the @finsam/schema package exports them. */
export const MANIFEST_FILE = createRequire(import.meta.url).resolve('@finsam/schema/operations/manifest.json');

/** Roles whose users write their own queries. Any other role, today's and any added later, is served registered operations only. */
export const AD_HOC_ROLES: ReadonlySet<Role> = new Set<Role>(['analyst', 'auditor']);

// The manifest's pure pieces live in the kit (@finsam/kit/operations), which @finsam/schema's tools share;
// served from here too, for the gateway's callers, and with this package's manifest by default.
export { canonicalOperation, operationId, requestByHash, type OperationManifest, type RegisteredOperation };

export const readManifest = (file: string = MANIFEST_FILE): OperationManifest => readKitManifest(file);

/** Why a coordinator's request was refused, as a /metrics label (its client error is OPERATION_NOT_REGISTERED or PERSISTED_QUERY_NOT_FOUND). */
export type RefusalLabel = 'not_registered' | 'unknown_hash' | 'hash_mismatch' | 'malformed';

export type Resolution = { ok: true; operation: RegisteredOperation } | { ok: false; reason: RefusalLabel; refusal: Refusal };

/** GraphQL request parameters as a client sends them (a POST body, or a GET's search parameters decoded). */
export interface RequestParameters {
  query?: unknown;
  extensions?: unknown;
}

const NOT_REGISTERED = 'Coordinators may run only the coordinator client\'s registered operations (schema/operations/), sent by their hash or as their registered text.';

function refusal(reason: RefusalLabel, detail?: string): Resolution {
  if (reason === 'unknown_hash') {
    // Apollo's PersistedQueryLink then resends with the full text; the status and cache header are Apollo Server's for this code.
    return { ok: false, reason, refusal: { status: 200, code: 'PERSISTED_QUERY_NOT_FOUND', message: 'PersistedQueryNotFound', headers: { 'cache-control': 'private, no-cache, must-revalidate' } } };
  }
  return { ok: false, reason, refusal: { status: 403, code: 'OPERATION_NOT_REGISTERED', message: detail ? `${NOT_REGISTERED} ${detail}` : NOT_REGISTERED } };
}

/**
 * How many texts a gateway remembers the operation of (registered-operations.ts byText): a
 * client's few operations in its few layouts fit many times over; a client inventing variants
 * only turns the oldest out.
 */
const TEXTS_REMEMBERED = 1000;

export class RegisteredOperations {
  private readonly byId: Map<string, RegisteredOperation>;
  /**
   * Each text not in its canonical form, by its SHA-256, with the operation it names (null: none).
   * Parsing and printing it again on every request was a tenth of the gateway's CPU per
   * PersonOverview sent as its .graphql file reads (docs/performance.md, 2026-12-07 fifth).
   */
  private readonly byTextHash = new Map<string, RegisteredOperation | null>();

  constructor(
    readonly manifest: OperationManifest,
    /** A text's canonical form (canonicalOperation; a test counts its calls). */
    private readonly canonical: (text: string) => string = canonicalOperation,
  ) {
    this.byId = new Map(manifest.operations.map((o) => [o.id, o]));
  }

  static load(file: string = MANIFEST_FILE): RegisteredOperations {
    return new RegisteredOperations(readManifest(file));
  }

  /** The registered operation a request names (by hash, by text, or both, agreeing), or why it names none. */
  resolve(parameters: RequestParameters): Resolution {
    // null stands for absent, as in the HTTP front's check of the request's shape (@finsam/kit's request-shape.ts) and in Apollo Server.
    const persisted = (parameters.extensions as { persistedQuery?: unknown } | null | undefined)?.persistedQuery ?? undefined;
    const query = parameters.query ?? undefined;
    if (query !== undefined && typeof query !== 'string') return refusal('malformed', '`query` must be a string.');
    let hash: string | undefined;
    if (persisted !== undefined) {
      const { version, sha256Hash } = (persisted ?? {}) as { version?: unknown; sha256Hash?: unknown };
      if (version !== 1 || typeof sha256Hash !== 'string') return refusal('malformed', 'extensions.persistedQuery must be { version: 1, sha256Hash }.');
      hash = sha256Hash.toLowerCase();
    }
    if (query === undefined || query === '') {
      if (hash === undefined) return refusal('malformed', 'The request names no operation.');
      const operation = this.byId.get(hash);
      return operation ? { ok: true, operation } : refusal('unknown_hash');
    }
    const operation = this.byText(query);
    if (!operation) return refusal('not_registered');
    if (hash !== undefined && hash !== operation.id) return refusal('hash_mismatch', 'The query sent is not the one its persistedQuery hash names.');
    return { ok: true, operation };
  }

  /** How many texts byText remembers now (at most TEXTS_REMEMBERED). */
  get cachedTexts(): number {
    return this.byTextHash.size;
  }

  private byText(query: string): RegisteredOperation | undefined {
    // Apollo Client sends the registered text itself: found without parsing.
    const hash = operationId(query);
    const exact = this.byId.get(hash);
    if (exact) return exact;
    const remembered = this.byTextHash.get(hash);
    if (remembered !== undefined) return remembered ?? undefined;
    let operation: RegisteredOperation | null;
    try {
      operation = this.byId.get(operationId(this.canonical(query))) ?? null;
    } catch {
      operation = null;
    }
    // The oldest goes first (a Map iterates in insertion order).
    if (this.byTextHash.size >= TEXTS_REMEMBERED) this.byTextHash.delete(this.byTextHash.keys().next().value!);
    this.byTextHash.set(hash, operation);
    return operation ?? undefined;
  }
}

/**
 * A coordinator's request as it is to run: its parameters with the registered text as `query`
 * and no `persistedQuery` extension (Apollo Server's own persisted queries stay off, apollo.ts),
 * or why it names no registered operation.
 */
export function asRegistered(operations: RegisteredOperations, request: GraphQLParams): { ok: true; value: GraphQLParams } | { ok: false; reason: RefusalLabel; refusal: Refusal } {
  const get = request.method === 'GET';
  const search = new URLSearchParams(request.search);
  const parameters = get ? searchParameters(search) : request.body;
  const resolution = parameters !== null && typeof parameters === 'object' && !Array.isArray(parameters)
    ? operations.resolve(parameters as RequestParameters)
    : refusal('malformed', 'Send one operation as a JSON object.');
  if (!resolution.ok) return { ok: false, reason: resolution.reason, refusal: resolution.refusal };
  if (get) {
    search.set('query', resolution.operation.body);
    const extensions = withoutPersistedQuery(jsonParameter(search.get('extensions')));
    if (extensions) search.set('extensions', JSON.stringify(extensions));
    else search.delete('extensions');
    return { ok: true, value: { ...request, search: `?${search}` } };
  }
  const body = parameters as Record<string, unknown>;
  const extensions = withoutPersistedQuery(body.extensions);
  const { extensions: _dropped, ...rest } = body;
  return { ok: true, value: { ...request, body: { ...rest, query: resolution.operation.body, ...(extensions ? { extensions } : {}) } } };
}

function searchParameters(search: URLSearchParams): RequestParameters | null {
  const extensions = jsonParameter(search.get('extensions'));
  if (extensions === INVALID_JSON) return null;
  return { query: search.get('query') ?? undefined, extensions };
}

const INVALID_JSON = Symbol('invalid JSON');

function jsonParameter(value: string | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return INVALID_JSON;
  }
}

function withoutPersistedQuery(extensions: unknown): Record<string, unknown> | undefined {
  if (extensions === null || typeof extensions !== 'object' || Array.isArray(extensions)) return undefined;
  const { persistedQuery: _dropped, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
