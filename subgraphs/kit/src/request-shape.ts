import type { Refusal } from './errors.ts';

/**
 * Whether a request is a GraphQL request at all, decided once in the HTTP front (http.ts) before
 * any plugin's `onParams`, so that a malformed body gets the same 400 BAD_REQUEST, with the same
 * body, whoever sends it. Before, each role's own step met it first: the gateway's
 * registered-operation step dropped a coordinator's `"extensions": "x"` and served the request,
 * answered other shapes 403 OPERATION_NOT_REGISTERED, while Apollo Server answered an analyst's
 * or an auditor's 400 (docs/edges.md). The rules are Apollo Server's own (GraphQL over HTTP), and
 * a little stricter where a role's step would otherwise have been the first to look:
 *
 * - a POST carries one JSON object (`content-type: application/json`), not a list (no batches);
 * - `query` and `operationName` are strings if present, `variables` and `extensions` objects;
 * - `extensions.persistedQuery`, if present, is `{ version: 1, sha256Hash: "<string>" }`;
 * - a `query` that is not empty, or a persisted query, names the operation;
 * - a GET gives each parameter at most once, and `variables` and `extensions` as JSON objects.
 *
 * `null` stands for absent, as in Apollo Server. What a well-formed request may then do is each
 * role's to decide (a coordinator's hash resolves to a registered operation, an analyst's gets
 * PERSISTED_QUERY_NOT_SUPPORTED).
 */
export function malformedRequest(method: string, body: unknown, search: string): Refusal | null {
  const fields = method === 'GET' ? searchFields(new URLSearchParams(search)) : bodyFields(body);
  if (typeof fields === 'string') return badRequest(fields);
  const { query, operationName, variables, extensions } = fields;
  if (!absentOr(query, isString)) return badRequest('`query` must be a string.');
  if (!absentOr(operationName, isString)) return badRequest('`operationName` must be a string.');
  if (!absentOr(variables, isObject)) return badRequest('`variables` must be a JSON object.');
  if (!absentOr(extensions, isObject)) return badRequest('`extensions` must be a JSON object.');
  const persistedQuery = (extensions as Record<string, unknown> | null | undefined)?.persistedQuery ?? undefined;
  if (persistedQuery !== undefined) {
    const { version, sha256Hash } = (isObject(persistedQuery) ? persistedQuery : {}) as Record<string, unknown>;
    if (version !== 1 || typeof sha256Hash !== 'string') return badRequest('`extensions.persistedQuery` must be { "version": 1, "sha256Hash": "<hex>" }.');
  }
  if (!query && persistedQuery === undefined) return badRequest('The request names no operation: send a non-empty `query` (or, for registered operations, a persisted query\'s hash).');
  return null;
}

interface Fields { query?: unknown; operationName?: unknown; variables?: unknown; extensions?: unknown }

function bodyFields(body: unknown): Fields | string {
  // A body that is still text was not sent as application/json (http.ts parses only that).
  if (typeof body === 'string') return 'Send the request as a JSON object with `content-type: application/json`.';
  if (Array.isArray(body)) return 'Send one operation as a JSON object: batches are not served.';
  if (!isObject(body)) return 'The body must be a JSON object: { "query": …, "variables": { … } }.';
  return body as Fields;
}

function searchFields(search: URLSearchParams): Fields | string {
  const fields: Record<string, unknown> = {};
  for (const name of ['query', 'operationName', 'variables', 'extensions'] as const) {
    const values = search.getAll(name);
    if (values.length > 1) return `The \`${name}\` parameter may be given only once.`;
    if (values.length === 0) continue;
    if (name === 'variables' || name === 'extensions') {
      try {
        fields[name] = JSON.parse(values[0]!);
      } catch {
        return `The \`${name}\` parameter is not valid JSON.`;
      }
      if (!isObject(fields[name])) return `\`${name}\` must be a JSON object.`;
    } else {
      fields[name] = values[0];
    }
  }
  return fields;
}

const isString = (value: unknown): boolean => typeof value === 'string';
const isObject = (value: unknown): boolean => value !== null && typeof value === 'object' && !Array.isArray(value);
const absentOr = (value: unknown, test: (value: unknown) => boolean): boolean => value === undefined || value === null || test(value);
const badRequest = (message: string): Refusal => ({ status: 400, code: 'BAD_REQUEST', message });
