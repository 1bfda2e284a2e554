import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '@finsam/client/build';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
const CLIENT_ID = 'finsam-coordinator-client';

/**
 * A small OpenID Connect provider on loopback, as strict as a real one about what the coordinator
 * client must do: the authorization code flow with a PKCE S256 challenge, the code redeemable once,
 * with the verifier that matches the challenge, the client id and the redirect it was issued for.
 */
async function fakeIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-1', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  const seen = { authorizations: [] as URLSearchParams[], tokenRequests: [] as URLSearchParams[], refusals: [] as string[] };
  let gatewayOrigin = '';
  let base = '';
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', base);
    const cors = { 'access-control-allow-origin': gatewayOrigin };
    const json = (status: number, body: unknown) => { response.writeHead(status, { 'content-type': 'application/json', ...cors }); response.end(JSON.stringify(body)); };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, { issuer: base, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`, code_challenge_methods_supported: ['S256'] });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      seen.authorizations.push(p);
      if (p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge') || p.get('client_id') !== CLIENT_ID || !p.get('state')) {
        seen.refusals.push('authorize');
        response.writeHead(400);
        return void response.end('bad authorization request');
      }
      const code = randomBytes(16).toString('hex');
      codes.set(code, { challenge: p.get('code_challenge')!, redirectUri: p.get('redirect_uri')!, clientId: p.get('client_id')! });
      const back = new URL(p.get('redirect_uri')!);
      back.search = new URLSearchParams({ code, state: p.get('state')! }).toString();
      response.writeHead(302, { location: back.toString() });
      return void response.end();
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      let raw = '';
      request.on('data', (chunk) => { raw += chunk; });
      request.on('end', async () => {
        const p = new URLSearchParams(raw);
        seen.tokenRequests.push(p);
        const issued = codes.get(p.get('code') ?? '');
        codes.delete(p.get('code') ?? '');
        const verifier = p.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (!issued || p.get('grant_type') !== 'authorization_code' || issued.challenge !== challenge || issued.redirectUri !== p.get('redirect_uri') || issued.clientId !== p.get('client_id')) {
          seen.refusals.push('token');
          return json(400, { error: 'invalid_grant' });
        }
        const accessToken = await new SignJWT({ role: 'coordinator' })
          .setProtectedHeader({ alg: 'ES256', kid: 'fake-1' }).setIssuer(base).setAudience('finsam-graph').setSubject('coordinator-1')
          .setIssuedAt().setExpirationTime('1h').sign(privateKey);
        json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 });
      });
      return;
    }
    response.writeHead(404);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { base, seen, setGatewayOrigin: (origin: string) => { gatewayOrigin = origin; }, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.skipIf(!haveChromium && !process.env.CI)('the coordinator client signs in with OIDC (authorization code and PKCE) when the gateway trusts an issuer', () => {
  let issuer: Awaited<ReturnType<typeof fakeIssuer>>;
  let graph: TestGraph;
  let browser: Browser;
  beforeAll(async () => {
    await bundle();
    issuer = await fakeIssuer();
    graph = await startGraph({
      persons: 100, registeredOperations: true,
      gatewayEnv: { JWKS_URL: `${issuer.base}/jwks`, OIDC_ISSUER: issuer.base, OIDC_CLIENT_ID: CLIENT_ID },
    });
    issuer.setGatewayOrigin(new URL(graph.gatewayUrl).origin);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });
  afterAll(async () => {
    await browser?.close();
    await graph?.close();
    await issuer?.close();
  });

  it('goes to the issuer with an S256 challenge and a state, redeems the code with the verifier, and shows the caseload', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${graph.gatewayUrl}/`);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.locator('table.caseload tbody tr').first().waitFor();

    expect(issuer.seen.refusals).toEqual([]);
    const authorization = issuer.seen.authorizations.at(-1)!;
    expect(authorization.get('code_challenge_method')).toBe('S256');
    expect(authorization.get('redirect_uri')).toBe(`${graph.gatewayUrl}/`);
    expect(issuer.seen.tokenRequests).toHaveLength(1);
    // The code and state left the address bar; nothing is left in storage.
    expect(page.url()).toBe(`${graph.gatewayUrl}/`);
    expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }) + document.cookie)).toBe('{}');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses an answer whose state is not the one it sent, and redeems no code', async () => {
    const page = await browser.newPage();
    await page.goto(`${graph.gatewayUrl}/`);
    const before = issuer.seen.tokenRequests.length;
    // A code handed to the page by someone else (login CSRF): no sign-in was started here.
    await page.goto(`${graph.gatewayUrl}/?code=forged&state=forged`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('state');
    expect(issuer.seen.tokenRequests.length).toBe(before);
    expect(await page.locator('table.caseload').count()).toBe(0);
    expect(page.url()).toBe(`${graph.gatewayUrl}/`);
    await page.close();
  });
});
