import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, Kind, parse, type DocumentNode, type GraphQLFormattedError, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { request, type Dispatcher } from 'undici';
import { takeChainHeads } from '@finsam/kit/audit-checkpoint';
import type { ErrorCode } from '@finsam/kit/errors';
import type { GatewayTokens } from '@finsam/kit/gateway-token';
import type { Logger } from '@finsam/kit/logger';
import { fragmentsOf, selectedFields } from '@finsam/kit/selection';
import { connectionFailure, internalAgent } from '@finsam/kit/tls';
import { annotateActiveSpan, injectTraceContext, isTracing } from '@finsam/kit/tracing';
import { callerOf, noteAuditHeads, type GatewayContext } from './context.ts';

export interface SubgraphSourceOptions {
  name: string;
  url: string;
  /** The gateway's tokens for the subgraphs, shared by all sources. */
  tokens: GatewayTokens;
  /** The gateway's connections to the subgraphs (subgraphConnections()). */
  connections: Dispatcher;
  /** A call slower than this is abandoned and that part of the answer is null (SUBGRAPH_TIMEOUT). */
  timeoutMs: number;
  /**
   * The same for analysts' statistics, which at a whole förbund take seconds, not milliseconds;
   * the gateway's analyst rate limit keeps few of them in flight, so a long wait holds little.
   */
  analystTimeoutMs: number;
  /** Told of every failed call, for the metrics. */
  onFailure?: (subgraph: string, code: SubgraphFailureCode) => void;
  /** Where a failed call's reason goes (a certificate the CA did not sign, say); the response only names the subgraph. */
  logger?: Logger;
}

export type SubgraphFailureCode = Extract<ErrorCode, 'SUBGRAPH_TIMEOUT' | 'SUBGRAPH_UNAVAILABLE'>;

/**
 * A subgraph as the gateway calls it: over HTTP(S) with undici's `request` on a keep-alive agent,
 * with a token signed for this subgraph that carries the end user. The stock path (a node-fetch
 * Request per call, then `fetch` with web streams and a timeout signal) cost the gateway more
 * CPU than its query planning and merging (docs/performance.md). A subgraph that is down,
 * refuses or is too slow costs its part of the answer, never the whole: the failure becomes an
 * error naming the service, and the gateway does not retry (no retry storms on an agency that
 * is already struggling); the next request simply tries again.
 */
export class SubgraphSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly options: SubgraphSourceOptions) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    const headers: Record<string, string> = {};
    // Without a user (the gateway's own calls) no token goes, and the subgraph refuses.
    if ('user' in context && context.user) {
      const { requestId, ...subject } = callerOf(context as GatewayContext);
      headers.authorization = `Bearer ${await this.options.tokens.for(subject, this.options.name)}`;
      headers['x-request-id'] = requestId;
    }
    // The subgraph's spans continue this call's gateway.fetch span (traceparent), when the gateway traces.
    injectTraceContext(headers);
    const body = JSON.stringify({ query: request.query, operationName: request.operationName, variables: request.variables });
    const analyst = 'user' in context && context.user?.role === 'analyst';
    const answer = await postToSubgraph({ ...this.options, timeoutMs: analyst ? this.options.analystTimeoutMs : this.options.timeoutMs }, headers, body);
    if (isTracing()) traceAnswer(this.options.name, answer);
    if (!answer.ok) {
      this.options.onFailure?.(this.options.name, answer.code);
      this.options.logger?.warn({ requestId: headers['x-request-id'], subgraph: this.options.name, code: answer.code, reason: answer.reason }, 'subgraph call failed');
      const document = 'document' in options && options.document ? options.document : request.query ? parse(request.query) : null;
      const errors = document ? failureAtFields(document, request.variables, this.options.name, answer.code, answer.message) : [];
      // A fetch with no field to name (not one the planner makes) fails as a whole, without a path.
      if (errors.length === 0) throw new GraphQLError(answer.message, { extensions: { code: answer.code, serviceName: this.options.name } });
      return { data: nullsAtFailedEntities(errors, request.variables), errors } as GatewayGraphQLResponse;
    }
    const response = answer.body as GatewayGraphQLResponse;
    // The chain heads this request's records left in the subgraph's stores: the gateway keeps them
    // in its own record of the request, and takes them out of the answer, which is not the client's.
    const heads = takeChainHeads(response as { extensions?: Record<string, unknown> }, this.options.name);
    if (heads && 'user' in context && context.user) noteAuditHeads(context as GatewayContext, heads);
    return response;
  }
}

/**
 * On the call's gateway.fetch span: the subgraph's name and, as Hive and Cosmo put them, the codes
 * of its errors or of the call's failure (never a message: it may quote the request).
 */
function traceAnswer(subgraph: string, answer: SubgraphAnswer): void {
  if (!answer.ok) return annotateActiveSpan({ 'subgraph.name': subgraph, 'error.type': answer.code }, true);
  const errors = (answer.body as { errors?: { extensions?: { code?: unknown } }[] }).errors;
  const codes = Array.isArray(errors) ? [...new Set(errors.map((e) => (typeof e?.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR')))].sort() : [];
  annotateActiveSpan({ 'subgraph.name': subgraph, ...(codes.length > 0 ? { 'graphql.error.codes': codes } : {}) });
}

/**
 * A failed call as the subgraph's own answer would have put it: one error at each field the
 * fetch asked for (for an entity fetch, at each field of each representation), so the gateway
 * gives each the path it has in the client's response, as it does the subgraph's own errors.
 * Thrown instead, the failure reached the client without a path, and a client could not tell
 * which of the fields it asked for were missing.
 */
export function failureAtFields(
  document: DocumentNode, variables: Record<string, unknown> | undefined, serviceName: string, code: SubgraphFailureCode, message: string,
): GraphQLFormattedError[] {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  const fragments = fragmentsOf(document);
  /** Response keys of a selection set's fields (but __typename), through fragments on `type` (any type when null). */
  const keys = (selectionSet: SelectionSetNode, type: string | null): string[] =>
    selectedFields(selectionSet, fragments, null, (condition) => type === null || condition === undefined || condition === type)
      .flatMap((f) => (f.node.name.value === '__typename' ? [] : [f.key]));
  const extensions = { code, serviceName };
  const errors: GraphQLFormattedError[] = [];
  // The fields written in the fetch's own selection set: the planner spreads no fragment there.
  for (const { key, node: field } of selectedFields(operation.selectionSet, fragments, null, () => false)) {
    const representations = variables?.representations;
    if (field.name.value === '_entities' && field.selectionSet && Array.isArray(representations)) {
      representations.forEach((representation, index) => {
        const type = typeof representation?.__typename === 'string' ? representation.__typename as string : null;
        for (const name of new Set(keys(field.selectionSet!, type))) errors.push({ message, path: [key, index, name], extensions });
      });
    } else if (field.name.value !== '__typename') {
      errors.push({ message, path: [key], extensions });
    }
  }
  return errors;
}

/**
 * An entity fetch that failed answers each representation with its fields null, as the agency's
 * own answer does for a sector it refuses. Left out, the fields were missing from the entity and
 * the gateway dropped the entity from every later fetch that requires them: coordination never
 * saw the person again, and `signals` was null for want of one agency. With them null, the rules
 * run on the agencies that answered and say which one they could not see (Person.unseenAgencies).
 */
export function nullsAtFailedEntities(errors: readonly GraphQLFormattedError[], variables: Record<string, unknown> | undefined): Record<string, unknown> | null {
  const representations = variables?.representations;
  if (!Array.isArray(representations)) return null;
  const data: Record<string, Record<string, null>[]> = {};
  for (const { path } of errors) {
    if (path?.length !== 3 || typeof path[0] !== 'string' || typeof path[1] !== 'number' || typeof path[2] !== 'string') continue;
    const entities = (data[path[0]] ??= representations.map(() => ({})));
    entities[path[1]]![path[2]] = null;
  }
  return Object.keys(data).length > 0 ? data : null;
}

/**
 * Keep-alive connections to the subgraphs, one pool per gateway, closed when it stops; over
 * HTTPS they trust the CA in TLS_CA_FILE (tls.ts).
 */
export const subgraphConnections = (env: NodeJS.ProcessEnv = process.env) => internalAgent(env, { keepAliveTimeout: 10_000 });

/** A failure's `message` goes to the client; its `reason` only to the gateway's log. */
export type SubgraphAnswer = { ok: true; status: number; body: unknown } | { ok: false; code: SubgraphFailureCode; message: string; reason: string };

/**
 * One POST of a GraphQL request to a subgraph, abandoned after `timeoutMs`. A refusal (HTTP
 * 4xx/5xx) is reported by status only: its body may quote the request.
 */
export async function postToSubgraph(
  target: { name: string; url: string; timeoutMs: number; connections: Dispatcher }, headers: Record<string, string>, body: string,
): Promise<SubgraphAnswer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), target.timeoutMs);
  try {
    const response = await request(target.url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body, dispatcher: target.connections, signal: abort.signal });
    if (response.statusCode >= 300) {
      await response.body.dump();
      return { ok: false, code: 'SUBGRAPH_UNAVAILABLE', message: `The ${target.name} subgraph refused the request (HTTP ${response.statusCode}).`, reason: `HTTP ${response.statusCode}` };
    }
    const parsed: unknown = await response.body.json();
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, code: 'SUBGRAPH_UNAVAILABLE', message: `The ${target.name} subgraph did not answer with a GraphQL response.`, reason: 'not a GraphQL response' };
    }
    return { ok: true, status: response.statusCode, body: parsed };
  } catch (error) {
    return abort.signal.aborted
      ? { ok: false, code: 'SUBGRAPH_TIMEOUT', message: `The ${target.name} subgraph did not answer within ${target.timeoutMs} ms.`, reason: `no answer within ${target.timeoutMs} ms` }
      : { ok: false, code: 'SUBGRAPH_UNAVAILABLE', message: `The ${target.name} subgraph is not reachable.`, reason: connectionFailure(error) };
  } finally {
    clearTimeout(timer);
  }
}
