import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '@finsam/client/build';
import { buildGateway } from '@finsam/gateway';
import { clientAppRoutes } from '@finsam/gateway/client-app';
import { SUBGRAPH_NAMES, envPrefix } from '@finsam/kit/config';
import { listen, type RunningServer } from '@finsam/kit/http';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const root = path.join(import.meta.dirname, '../../..');

describe('the coordinator client build', () => {
  it('client/src/gql/ is what the build generates from schema/operations/ and the supergraph (npm run build:client, then commit)', () => {
    // In its own process, as npm runs it: graphql-codegen loads graphql as CommonJS, vitest as ESM.
    const check = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'client/build.ts'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('the coordinator client served by the gateway', () => {
  let graph: TestGraph;
  let javascriptGzipBytes = 0;
  beforeAll(async () => {
    ({ javascriptGzipBytes } = await bundle());
    graph = await startGraph({ persons: 100 });
  });
  afterAll(() => graph?.close());

  it('serves the page and its assets from this origin under a strict Content-Security-Policy, no inline script or style', async () => {
    const page = await fetch(`${graph.gatewayUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/);
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(references).toHaveLength(2);
    for (const reference of references) {
      expect(reference).toMatch(/^\/assets\/[\w-]+\.(js|css)$/);
      const asset = await fetch(`${graph.gatewayUrl}${reference}`);
      expect(asset.status, reference).toBe(200);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
      if (reference.endsWith('.css')) expect(await asset.text()).not.toMatch(/@import|url\(/);
    }
    // GraphiQL stays at /graphql.
    const graphiql = await fetch(`${graph.gatewayUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(await graphiql.text()).toContain('GraphiQL');
  });

  it('sends the browser under 400 KB of gzipped JavaScript', () => {
    expect(javascriptGzipBytes).toBeGreaterThan(0);
    expect(javascriptGzipBytes).toBeLessThan(400 * 1024);
  });

  it('signs a coordinator in with the dev issuer, and refuses anything but coordinator-<n>', async () => {
    const signIn = (body: string, type = 'application/json') => fetch(`${graph.gatewayUrl}/dev/sign-in`, { method: 'POST', headers: { 'content-type': type }, body });
    const ok = await signIn(JSON.stringify({ coordinator: 'coordinator-2' }));
    expect(ok.status).toBe(200);
    const { token } = await ok.json() as { token: string };
    const me = await graph.query(token, '{ me { id } }');
    expect(me.body.data?.me?.id, JSON.stringify(me.body)).toBe('coordinator-2');
    for (const body of [JSON.stringify({ coordinator: 'analyst-1' }), JSON.stringify({ coordinator: 'coordinator-0' }), JSON.stringify({ coordinator: 3 }), '{', '{}']) {
      const refused = await signIn(body);
      expect(refused.status, body).toBe(400);
      expect((await refused.json() as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect((await signIn('coordinator=coordinator-1', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await fetch(`${graph.gatewayUrl}/dev/sign-in`)).status).toBe(405);
    expect(await (await fetch(`${graph.gatewayUrl}/client-config.json`)).json()).toEqual({ signIn: 'dev' });
  });

  it('has no dev sign-in when the gateway trusts an external issuer (JWKS_URL), and tells the page to use OIDC', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-client-oidc-'));
    const env: NodeJS.ProcessEnv = {
      JWKS_URL: 'http://127.0.0.1:9/jwks.json', OIDC_ISSUER: 'http://127.0.0.1:9/issuer', OIDC_CLIENT_ID: 'finsam-client',
      AUDIT_CHECKPOINT_INTERVAL_MS: '0', LOG_LEVEL: 'silent',
      ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${envPrefix(name)}_URL`, graph.subgraphUrl(name)])),
    };
    const gateway = await buildGateway({ env, dataDir });
    let server: RunningServer | null = null;
    try {
      server = await listen(gateway.handler, 0, '127.0.0.1', {});
      const signIn = await fetch(`${server.url}/dev/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ coordinator: 'coordinator-1' }) });
      expect(signIn.status).toBe(404);
      expect(await (await fetch(`${server.url}/client-config.json`)).json()).toEqual({ signIn: 'oidc', issuer: 'http://127.0.0.1:9/issuer', clientId: 'finsam-client' });
      // The page may reach the issuer's origin (discovery, token endpoint), and nothing else.
      expect((await fetch(`${server.url}/`)).headers.get('content-security-policy')).toContain("connect-src 'self' http://127.0.0.1:9;");
    } finally {
      await server?.close();
      await gateway.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers / with 503 and what to run when the client is not built', async () => {
    const routes = clientAppRoutes({}, os.tmpdir(), path.join(os.tmpdir(), 'finsam-no-client-here'));
    const server = http.createServer((request, response) => void routes['/']!(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
      expect(answer.status).toBe(503);
      expect(await answer.text()).toContain('npm run build:client');
    } finally {
      server.close();
    }
  });
});

describe('the dev sign-in from another machine', () => {
  /** A POST /dev/sign-in as it reaches the route from a peer at `address` (the route reads only the socket's address, headers and body). */
  async function signInFrom(address: string) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-dev-sign-in-'));
    const routes = clientAppRoutes({}, dataDir, path.join(os.tmpdir(), 'finsam-no-client-here'));
    const request = Object.assign(Readable.from([Buffer.from(JSON.stringify({ coordinator: 'coordinator-1' }))]), {
      method: 'POST', url: '/dev/sign-in', headers: { 'content-type': 'application/json' }, socket: { remoteAddress: address },
    }) as unknown as http.IncomingMessage;
    let status = 0;
    let body = '';
    const response = {
      setHeader() {}, writeHead(code: number) { status = code; return this; }, end(text?: string) { body = text ?? ''; }, headersSent: false,
    } as unknown as http.ServerResponse;
    try {
      await routes['/dev/sign-in']!(request, response);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    return { status, body };
  }

  it('mints a token only for a browser on this machine: the embedded default listening on a network (HOST=0.0.0.0) hands no one a coordinator\'s token', async () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect((await signInFrom(address)).status, address).toBe(200);
    for (const address of ['192.0.2.10', '::ffff:192.0.2.10', '2001:db8::1', '']) {
      const refused = await signInFrom(address);
      expect(refused.status, address).toBe(403);
      expect(refused.body).not.toContain('token"');
      // A FORBIDDEN always says why (docs/errors.md), so the client and an operator can tell this one apart.
      expect(JSON.parse(refused.body).errors[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'DEV_SIGN_IN_LOCAL_ONLY' });
    }
  });
});
