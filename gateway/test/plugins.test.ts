import type { ApolloServer } from '@apollo/server';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditLog } from '@finsam/kit/audit';
import { success } from '@finsam/kit/errors';
import { createGraphQLHttpHandler, listen, type RunningServer } from '@finsam/kit/http';
import { createLogger } from '@finsam/kit/logger';
import { createProcessMetrics } from '@finsam/kit/metrics';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import { AnalystRateLimit } from '../src/analyst-rate-limit.ts';
import type { Authenticator, AuthenticatedUser } from '../src/authentication.ts';
import type { GatewayContext } from '../src/context.ts';
import type { KnownAnalysts } from '../src/known-analysts.ts';
import { gatewayPlugins } from '../src/plugins/index.ts';
import { useAnalystRateLimit } from '../src/plugins/use-analyst-rate-limit.ts';
import { useAuthentication } from '../src/plugins/use-authentication.ts';
import { RegisteredOperations } from '../src/registered-operations.ts';

const logger = createLogger('plugins-test', { level: 'silent' });
const analyst = (id: string): AuthenticatedUser => ({ id, role: 'analyst', purpose: 'STATISTICS' });
/** Whoever the x-user header names, as an analyst; no header, no user. */
const authenticate: Authenticator = async (headers) => (typeof headers['x-user'] === 'string'
  ? success(analyst(headers['x-user']))
  : { ok: false, refusal: { status: 401, code: 'UNAUTHENTICATED', message: 'no user' } });

/** Apollo Server's part of the front, as the test needs it: `execute` decides each answer. */
function fakeApollo(execute: () => Promise<string>) {
  return {
    async executeHTTPGraphQLRequest() {
      return { status: 200, headers: new Map<string, string>(), body: { kind: 'complete' as const, string: await execute() } };
    },
  } as unknown as ApolloServer<GatewayContext>;
}

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(0)));
});

async function serve(plugins: RequestPlugin<GatewayContext>[], execute: () => Promise<string> = async () => '{"data":{}}') {
  const handler = createGraphQLHttpHandler<GatewayContext>({ apollo: fakeApollo(execute), plugins, metrics: createProcessMetrics('plugins-test'), logger, ready: async () => true });
  const server = await listen(handler, 0, '127.0.0.1');
  servers.push(server);
  return (user?: string) => fetch(`${server.url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(user ? { 'x-user': user } : {}) }, body: '{"query":"{ me { id } }"}',
  });
}

describe('the request path under one contract', () => {
  it('runs onRequest, then onParams, each in the list\'s order, then the afters in reverse; a refusal stops the rest', async () => {
    const seen: string[] = [];
    const plugin = (name: string, refuse = false): RequestPlugin<GatewayContext> => ({
      name,
      async onRequest({ request }) {
        seen.push(`${name}.onRequest`);
        if (refuse && request.headers['x-refuse'] === name) return { refuse: { status: 403, code: 'FORBIDDEN', message: 'no' } };
        return { context: { requestId: name } as Partial<GatewayContext>, after: () => seen.push(`${name}.after`) };
      },
      async onParams(params, context) {
        seen.push(`${name}.onParams(${context.requestId})`);
        return success(params);
      },
    });
    const post = await serve([plugin('first'), plugin('second', true), plugin('third')], async () => {
      seen.push('apollo');
      return '{"data":{}}';
    });
    expect((await post()).status).toBe(200);
    expect(seen).toEqual([
      'first.onRequest', 'second.onRequest', 'third.onRequest',
      // The context is what the plugins added, the later over the earlier.
      'first.onParams(third)', 'second.onParams(third)', 'third.onParams(third)',
      'apollo', 'third.after', 'second.after', 'first.after',
    ]);

    seen.length = 0;
    const url = servers[0]!.url;
    const refused = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-refuse': 'second' }, body: '{}' });
    expect(refused.status).toBe(403);
    // Refused before the body is read: the connection is closed after the answer.
    expect(refused.headers.get('connection')).toBe('close');
    // What the first plugin took is given back; the second took nothing, the third never ran.
    expect(seen).toEqual(['first.onRequest', 'second.onRequest', 'first.after']);
  });

  it('states the gateway\'s order once: authentication, known analysts, rate limit, registered operations, the limits, audit, errors, field usage last', () => {
    const plugins = gatewayPlugins({
      authenticate, knownAnalysts: {} as KnownAnalysts, rateLimit: new AnalystRateLimit(), operations: new RegisteredOperations({ format: 'apollo-persisted-query-manifest', version: 1, operations: [] }),
      auditLog: {} as AuditLog, requires: new Map(), metrics: createProcessMetrics('plugins-test'), logger,
    });
    expect(plugins.map((p) => p.name)).toEqual([
      'use-authentication', 'use-known-analysts', 'use-analyst-rate-limit', 'use-registered-operations', 'use-armor', 'use-token-limit',
      'use-introspection-for-analysts', 'use-analyst-cost-limit', 'use-request-audit', 'use-selected-errors', 'use-field-usage',
    ]);
    expect(plugins.filter((p) => p.onRequest).map((p) => p.name)).toEqual(['use-authentication', 'use-known-analysts', 'use-analyst-rate-limit']);
    expect(plugins.filter((p) => p.onParams).map((p) => p.name)).toEqual(['use-registered-operations']);
  });
});

describe('the analyst rate limit released by its after callback', () => {
  const oneAtATime = () => new AnalystRateLimit({ requestsPerMinute: 100, concurrentRequests: 1, concurrentRequestsTotal: 1, msPerSecondTotal: 1000 }, { now: () => 0 });

  it('a refused request releases nothing it did not take', async () => {
    const plugin = useAnalystRateLimit(oneAtATime(), logger);
    const start = (id: string) => plugin.onRequest!({ request: {} as never, requestId: id, context: { user: analyst('a') } });
    const first = await start('1');
    expect(first && 'after' in first && typeof first.after).toBe('function');
    const second = await start('2');
    expect(second).toMatchObject({ refuse: { status: 429, code: 'RATE_LIMITED' } });
    expect(second && 'after' in second).toBe(false);
    // Had the refusal given back a place, this one would be admitted.
    expect(await start('3')).toMatchObject({ refuse: { status: 429 } });
    if (first && 'after' in first) first.after!();
    expect(await start('4')).toMatchObject({ after: expect.any(Function) });
  });

  it('an admitted request holds its place until answered, and gives it back then, also when serving it throws', async () => {
    const limit = oneAtATime();
    let answer: (() => void) | undefined;
    let fail = false;
    const post = await serve([useAuthentication(authenticate, logger), useAnalystRateLimit(limit, logger)], async () => {
      if (fail) throw new Error('the graph failed');
      await new Promise<void>((resolve) => { answer = resolve; });
      return '{"data":{}}';
    });
    const held = post('a');
    await expect.poll(() => answer).toBeDefined();
    expect((await post('b')).status).toBe(429);
    answer!();
    expect((await held).status).toBe(200);
    fail = true;
    expect((await post('b')).status).toBe(500);
    // Had the failed request kept its place, this one would be refused.
    fail = false;
    answer = undefined;
    const next = post('a');
    await expect.poll(() => answer).toBeDefined();
    answer!();
    expect((await next).status).toBe(200);
  });

  it('an anonymous request is refused before the rate limit, and takes nothing from it', async () => {
    const limit = oneAtATime();
    const post = await serve([useAuthentication(authenticate, logger), useAnalystRateLimit(limit, logger)]);
    expect((await post()).status).toBe(401);
    expect(limit.tracked).toBe(0);
    expect((await post('a')).status).toBe(200);
  });
});
