import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { serverCertificate } from './tls.ts';
import { bearerToken } from './bearer.ts';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { CLIENT_ERROR_CODES, type Refusal } from './errors.ts';
import type { Logger } from './logger.ts';
import type { ProcessMetrics } from './metrics.ts';
import { mayHoldPersonnummer } from './personnummer.ts';
import { runOnParams, runOnRequest, type RequestPlugin } from './request-plugin.ts';
import { malformedRequest } from './request-shape.ts';
import { STATISTICS_RELEASE_PATH } from './statistics-release/agency-release.ts';
import { withServerSpan } from './tracing.ts';
import { WITHDRAWALS_PATH } from './consent.ts';

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  /** Built with the plugins' Apollo Server parts (apolloOptionsOf(plugins)). */
  apollo: ApolloServer<TContext>;
  /**
   * The request path, in the order it runs (request-plugin.ts): the hooks that authenticate the
   * caller and build the per-request context (loaders, caller) run on the headers alone, before
   * any of the body is read, so an anonymous caller costs no body buffering or JSON parsing,
   * however large a body it sends.
   */
  plugins: readonly RequestPlugin<TContext>[];
  /**
   * Whether a well-formed `x-request-id` from the caller becomes this request's id. Subgraphs:
   * yes, their only caller is the gateway, whose id joins their audit records to its own. The
   * gateway: no (the default), or one user could file requests under another's id; a client's
   * id is only logged beside the gateway's, as `clientRequestId`.
   */
  trustIncomingRequestId?: boolean;
  /** The bearer token `/metrics` answers to (METRICS_TOKEN); without one, `/metrics` is refused. */
  metricsToken?: string;
  /** `/ready`: true when this process can serve (schema loaded, database open, dependencies up). */
  ready: () => Promise<boolean>;
  metrics: ProcessMetrics;
  logger: Logger;
  /** Requests with a larger body get HTTP 413. */
  maxBodyBytes?: number;
  /** Browser origins allowed to call (CORS); none by default. */
  corsOrigins?: string[];
  /** A page for browsers at GET /graphql with Accept: text/html (the gateway's GraphiQL); none on subgraphs. */
  browserPage?: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** Extra routes (the gateway's key set), matched on the path before GraphQL. */
  routes?: Record<string, (request: IncomingMessage, response: ServerResponse) => Promise<void>>;
}

const DEFAULT_MAX_BODY_BYTES = 1_000_000;
const KNOWN_ROUTES = new Set(['/graphql', '/health', '/ready', '/metrics', '/.well-known/jwks.json', STATISTICS_RELEASE_PATH, WITHDRAWALS_PATH]);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * One HTTP front for the gateway and every subgraph: `/graphql`, `/health`, `/ready`,
 * `/metrics`. Written on node:http rather than a web framework because it is all the routing
 * we need, and it lets us answer 400/401/413 before Apollo Server parses anything.
 */
export function createGraphQLHttpHandler<TContext extends BaseContext>(options: GraphQLHttpOptions<TContext>) {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const incomingId = request.headers['x-request-id'];
    const wellFormedId = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : undefined;
    const requestId = options.trustIncomingRequestId && wellFormedId ? wellFormedId : randomUUID();
    // A client's id is logged as it came, so one that could be a personnummer is not logged at all.
    const clientRequestId = options.trustIncomingRequestId || (wellFormedId && mayHoldPersonnummer(wellFormedId)) ? undefined : wellFormedId;
    response.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    const path = request.url?.split('?')[0] ?? '';
    const route = KNOWN_ROUTES.has(path) ? path : 'other';
    // A span names a path only when it is one of ours: one someone made up is `other`.
    const spanRoute = route !== 'other' || (options.routes && Object.hasOwn(options.routes, path)) ? path : 'other';
    // The trace continues the caller's only where the request id does: a subgraph's, whose only caller is the gateway.
    return withServerSpan(request, response, spanRoute, { continueIncoming: options.trustIncomingRequestId === true, requestId }, () => handle(request, response, requestId, clientRequestId, started, route));
  };

  async function handle(request: IncomingMessage, response: ServerResponse, requestId: string, clientRequestId: string | undefined, started: bigint, route: string): Promise<void> {
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.metrics.httpRequests.inc({ route, status: String(response.statusCode) });
      options.metrics.httpDuration.observe({ route }, seconds);
      // Ids and status only: the body (personnummer in variables) is never logged.
      if (route === '/graphql') options.logger.info({ requestId, clientRequestId, method: request.method, status: response.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    const origin = request.headers.origin;
    if (origin && options.corsOrigins?.includes(origin)) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'Origin');
      response.setHeader('access-control-allow-headers', 'authorization, content-type, x-request-id, apollo-require-preflight, apollographql-client-name, apollographql-client-version');
      response.setHeader('access-control-allow-methods', 'GET, POST');
      response.setHeader('access-control-max-age', '600');
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(204);
      return void response.end();
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      const route = options.routes?.[url.pathname];
      if (route) return await route(request, response);
      switch (url.pathname) {
        case '/health':
          return sendJson(response, 200, { status: 'ok' });
        case '/ready': {
          const ready = await options.ready().catch(() => false);
          return sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
        }
        case '/metrics': {
          const refusal = metricsRefusal(request, options.metricsToken);
          if (refusal) return sendRefusalBeforeBody(response, refusal);
          response.writeHead(200, { 'content-type': options.metrics.registry.contentType });
          return void response.end(await options.metrics.registry.metrics());
        }
        case '/graphql':
          if (options.browserPage && request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) return await options.browserPage(request, response);
          return await serveGraphQL(options, request, response, url, requestId, maxBodyBytes);
        default:
          return sendError(response, { status: 404, code: 'NOT_FOUND', message: 'Not found. GraphQL is served at /graphql.' });
      }
    } catch (error) {
      options.logger.error({ requestId, err: (error as Error).message }, 'request failed');
      if (!response.headersSent) sendError(response, { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal error.' });
      else response.end();
    }
  }
}

async function serveGraphQL<TContext extends BaseContext>(
  options: GraphQLHttpOptions<TContext>, request: IncomingMessage, response: ServerResponse, url: URL,
  requestId: string, maxBodyBytes: number,
): Promise<void> {
  const method = request.method;
  if (method !== 'GET' && method !== 'POST') {
    response.setHeader('allow', 'GET, POST');
    return sendRefusalBeforeBody(response, { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Use GET or POST.' });
  }
  // What the plugins took (an analyst's place in the rate limit) is given back once the request is answered, however it ends.
  const afters: (() => void)[] = [];
  try {
    return await servePlugins(options, method, request, response, url, requestId, maxBodyBytes, afters);
  } finally {
    for (const after of afters.reverse()) after();
  }
}

async function servePlugins<TContext extends BaseContext>(
  options: GraphQLHttpOptions<TContext>, method: 'GET' | 'POST', request: IncomingMessage, response: ServerResponse, url: URL,
  requestId: string, maxBodyBytes: number, afters: (() => void)[],
): Promise<void> {
  // The token first, from the headers: until it is verified not a byte of the body is read.
  const context = await runOnRequest(options.plugins, request, requestId, afters);
  if (!context.ok) {
    if (context.refusal.status === 401) options.metrics.unauthenticatedRequests.inc({ reason: bearerToken(request.headers.authorization) === null ? 'missing_token' : 'rejected_token' });
    return sendRefusalBeforeBody(response, context.refusal);
  }
  if (method === 'GET' && personnummerInSearch(url.searchParams)) {
    return sendRefusalBeforeBody(response, { status: 400, code: 'BAD_REQUEST', message: 'A personnummer must not travel in a URL, where proxies and access logs keep it: send this request as a POST.' });
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    return sendRefusalBeforeBody(response, { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `Request bodies are limited to ${maxBodyBytes} bytes.` });
  }
  const raw = await readBody(request, maxBodyBytes);
  if (raw === null) return sendError(response, { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `Request bodies are limited to ${maxBodyBytes} bytes.` });

  let body: unknown = raw;
  const contentType = request.headers['content-type'] ?? '';
  if (method === 'POST' && contentType.includes('application/json')) {
    try {
      body = JSON.parse(raw);
    } catch {
      return sendError(response, { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' });
    }
  }

  // Whether it is a GraphQL request at all, before any plugin's step (a role's own): the same 400 for everyone.
  const malformed = malformedRequest(method, body, url.search);
  if (malformed) return sendError(response, malformed);

  const params = await runOnParams(options.plugins, { method, body, search: url.search }, context.value);
  if (!params.ok) return sendError(response, params.refusal);
  const { search } = params.value;
  body = params.value.body;

  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const result = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: params.value.method, headers, search, body },
    context: async () => context.value,
  });
  for (const [key, value] of result.headers) response.setHeader(key, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    if (response.statusCode === 500 && onlyClientErrors(result.body.string)) response.statusCode = 400;
    return void response.end(result.body.string);
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/**
 * Whether a GET's query, variables or operation name hold what could be a personnummer. Not
 * `extensions`: a SHA-256 in hex often has ten digits in a row.
 */
function personnummerInSearch(search: URLSearchParams): boolean {
  return ['query', 'variables', 'operationName'].some((name) => search.getAll(name).some(mayHoldPersonnummer));
}

/**
 * A request refused for what it is (a GraphQL Armor limit hit while parsing, say) is the
 * client's error, though Apollo Server answers some of those with 500; monitoring would read
 * that as the server failing.
 */
function onlyClientErrors(body: string): boolean {
  try {
    const { data, errors } = JSON.parse(body) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    return !data && !!errors?.length && errors.every((e) => CLIENT_ERROR_CODES.has(String(e.extensions?.code)));
  } catch {
    return false;
  }
}

/** The body as text, or null when it exceeds the limit (the rest is drained, not buffered). */
export function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * A refusal sent without reading the request's body: the connection is closed after the
 * answer, so the unread rest is neither buffered nor left to hold a kept-alive connection.
 */
function sendRefusalBeforeBody(response: ServerResponse, refusal: Refusal): void {
  response.setHeader('connection', 'close');
  sendError(response, refusal);
}

/**
 * `/metrics` tells how busy each route is and how many refusals there were: for the operator's
 * Prometheus, which sends METRICS_TOKEN as a bearer token, not for anyone who can reach the port.
 */
function metricsRefusal(request: IncomingMessage, metricsToken: string | undefined): Refusal | null {
  if (!metricsToken) {
    return { status: 403, code: 'FORBIDDEN', reason: 'METRICS_OFF', message: '/metrics is off on this process: set METRICS_TOKEN and send it as Authorization: Bearer <METRICS_TOKEN>.' };
  }
  const presented = bearerToken(request.headers.authorization);
  const digest = (text: string) => createHash('sha256').update(text).digest();
  if (presented === null || !timingSafeEqual(digest(presented), digest(metricsToken))) {
    return { status: 401, code: 'UNAUTHENTICATED', message: '/metrics answers only with Authorization: Bearer <METRICS_TOKEN>.', headers: { 'www-authenticate': 'Bearer' } };
  }
  return null;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** A refusal in the GraphQL response shape, so clients read `errors[0].extensions.code` as always. */
export function sendError(response: ServerResponse, refusal: Refusal): void {
  for (const [name, value] of Object.entries(refusal.headers ?? {})) response.setHeader(name, value);
  sendJson(response, refusal.status, { errors: [{ message: refusal.message, extensions: { code: refusal.code, ...(refusal.reason ? { reason: refusal.reason } : {}), ...refusal.details } }] });
}

export interface RunningServer {
  url: string;
  port: number;
  close(graceMs?: number): Promise<void>;
}

/**
 * `listen` for a process's main: a port already taken (or not ours to take) is said in one line,
 * naming the part and the port, and the process exits 1; a stack trace would bury it. `npm start`
 * checks its six ports before starting anything (scripts/ports.ts); this is for a part started by
 * hand, or a port taken in between.
 */
export async function listenOrExit(
  part: string, handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>, port: number, host: string,
): Promise<RunningServer> {
  try {
    return await listen(handler, port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    console.error(`${part}: port ${port} on ${host} ${code === 'EADDRINUSE' ? 'is in use by another process' : 'may not be taken by this user'} (${code}); set PORT (or FINSAM_BASE_PORT for npm start) to another.`);
    process.exit(1);
  }
}

/**
 * Listens on loopback by default; port 0 picks a free port (tests). With TLS_CERT_FILE and
 * TLS_KEY_FILE (PEM) in `env` it serves HTTPS only: the calls between the gateway and the
 * subgraphs carry tokens and personal data, and a port that also spoke plain HTTP would be one
 * misconfigured URL away from sending them in clear (docs/tls.md).
 */
export async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>, port: number, host: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningServer> {
  const certificate = serverCertificate(env);
  const serve = (request: IncomingMessage, response: ServerResponse) => void handler(request, response);
  const server = certificate ? https.createServer(certificate, serve) : http.createServer(serve);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `${certificate ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    port: actualPort,
    // Stops accepting, lets requests in flight finish (closing each kept-alive connection as it
    // falls idle), then resolves; connections still busy after the grace period are cut.
    close: (graceMs = 10_000) => new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      server.close(() => {
        clearInterval(idle);
        clearTimeout(deadline);
        resolve();
      });
      server.closeIdleConnections();
    }),
  };
}
