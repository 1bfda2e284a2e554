import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../src/authentication.ts';
import { DEFAULT_AUDIENCE, DEV_ALGORITHM, DEV_ISSUER, loadOrCreateDevIssuer, mintDevToken } from '../src/dev-issuer.ts';
import { checkTokenForbund } from '../src/token-rules.ts';

describe('the gateway\'s check of user tokens', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-auth-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps accepting a token it has checked until it expires (30 s allowed for clock skew), and not after', async () => {
    let clock = Date.now();
    const authenticate = await createAuthenticator({}, dataDir, () => clock);
    const headers = { authorization: `Bearer ${await mintDevToken(dataDir, { sub: 'coordinator-1', role: 'coordinator', expiresIn: '2m' })}` };
    const user = { id: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION' };
    expect(await authenticate(headers)).toEqual({ ok: true, value: user });
    clock += 110_000;
    expect(await authenticate(headers)).toEqual({ ok: true, value: user });
    // Past expiry plus the 30 s tolerance for clocks that differ.
    clock += 45_000;
    expect(await authenticate(headers)).toMatchObject({ ok: false, refusal: { code: 'UNAUTHENTICATED', message: 'The token has expired.' } });
  });

  it('takes a token in one spelling only: padding or other characters appended to a valid token are refused, not verified again as a new token', async () => {
    const authenticate = await createAuthenticator({}, dataDir);
    const token = await mintDevToken(dataDir, { sub: 'coordinator-1', role: 'coordinator', expiresIn: '2m' });
    expect(await authenticate({ authorization: `Bearer ${token}` })).toMatchObject({ ok: true });
    for (const spelling of [`${token}=`, `${token}==`, `${token}=====`, `${token.replace(/\./, '.=')}`, token.replaceAll('-', '+')]) {
      if (spelling === token) continue;
      expect(await authenticate({ authorization: `Bearer ${spelling}` }), spelling.slice(-12)).toMatchObject({ ok: false, refusal: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('refuses a token that never expires', async () => {
    const issuer = await loadOrCreateDevIssuer(dataDir);
    const eternal = await new SignJWT({ role: 'coordinator' })
      .setProtectedHeader({ alg: DEV_ALGORITHM, kid: issuer.kid })
      .setIssuer(DEV_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('coordinator-1').setIssuedAt()
      .sign(await importJWK(issuer.privateJwk, DEV_ALGORITHM));
    const result = await (await createAuthenticator({}, dataDir))({ authorization: `Bearer ${eternal}` });
    expect(result).toMatchObject({ ok: false, refusal: { code: 'UNAUTHENTICATED' } });
  });
});

describe('the gateway\'s rules for a user token\'s times and purpose', () => {
  let dataDir: string;
  const HOUR = 3600;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-auth-rules-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** A token signed by the dev issuer's own key with whatever claims an attacker holding that key (or a careless issuer) chooses. */
  async function signed(claims: Record<string, unknown>, times: { iat?: number | null; exp?: number | null } = {}): Promise<string> {
    const issuer = await loadOrCreateDevIssuer(dataDir);
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ role: 'coordinator', ...claims })
      .setProtectedHeader({ alg: DEV_ALGORITHM, kid: issuer.kid })
      .setIssuer(DEV_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('coordinator-1');
    if (times.iat !== null) jwt.setIssuedAt(times.iat ?? now);
    if (times.exp !== null) jwt.setExpirationTime(times.exp ?? now + HOUR);
    return jwt.sign(await importJWK(issuer.privateJwk, DEV_ALGORITHM));
  }
  const check = async (token: string) => (await createAuthenticator({}, dataDir))({ authorization: `Bearer ${token}` });
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts an ordinary token, and the purposes each role may give', async () => {
    expect(await check(await signed({}))).toEqual({ ok: true, value: { id: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION' } });
    expect(await check(await signed({ role: 'auditor', purpose: 'TILLSYN' }))).toMatchObject({ ok: true, value: { role: 'auditor', purpose: 'TILLSYN' } });
    expect(await check(await signed({ role: 'analyst', purpose: 'FOLLOW_UP' }))).toMatchObject({ ok: true, value: { role: 'analyst', purpose: 'FOLLOW_UP' } });
    // Exactly the maximum lifetime.
    expect(await check(await signed({}, { iat: now(), exp: now() + 12 * HOUR }))).toMatchObject({ ok: true });
  });

  it.each([
    ['expires 100 years ahead', {}, { exp: now() + 100 * 365 * 24 * HOUR }, /lifetime|12 h/],
    ['lives 13 h, though it expires within 12 h of now', {}, { iat: now() - HOUR, exp: now() + 12 * HOUR - 60 }, /lifetime|12 h/],
    ['is issued a year ahead', {}, { iat: now() + 365 * 24 * HOUR, exp: now() + 365 * 24 * HOUR + HOUR }, /iat|future/],
    ['is issued 5 minutes ahead', {}, { iat: now() + 300, exp: now() + HOUR }, /iat|future/],
    ['has no issue time', {}, { iat: null }, /iat/],
    ['gives an unknown purpose', { purpose: 'CURIOSITY' }, {}, /purpose/],
    ['gives a 5,000-character purpose', { purpose: 'X'.repeat(5000) }, {}, /purpose/],
    ['gives a purpose that is not text', { purpose: { why: 'COORDINATION' } }, {}, /purpose/],
    ['gives another role\'s purpose (a coordinator claiming AUDIT)', { purpose: 'AUDIT' }, {}, /purpose/],
  ])('refuses a token that %s, saying which rule, echoing nothing of it', async (_what, claims, times, rule) => {
    const result = await check(await signed(claims, times));
    expect(result).toMatchObject({ ok: false, refusal: { code: 'UNAUTHENTICATED' } });
    if (result.ok) return;
    expect(result.refusal.message).toMatch(rule);
    expect(result.refusal.message).not.toMatch(/CURIOSITY|XXXX|why/);
  });

  it('holds a token that names a förbund (`forbund`) to the gateway\'s own (FORBUND_ID): another förbund\'s user gets 403 TOKEN_OTHER_FORBUND, naming neither', async () => {
    expect(await check(await signed({ forbund: 'embedded' }))).toMatchObject({ ok: true, value: { id: 'coordinator-1' } });
    const other = await check(await signed({ forbund: 'forbund-goteborg' }));
    expect(other).toMatchObject({ ok: false, refusal: { code: 'FORBIDDEN', reason: 'TOKEN_OTHER_FORBUND', status: 403 } });
    expect(JSON.stringify(other)).not.toMatch(/goteborg|embedded/);
    for (const claim of ['', 'Forbund Göteborg', ['embedded'], 7]) {
      expect(await check(await signed({ forbund: claim })), JSON.stringify(claim)).toMatchObject({ ok: false, refusal: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/forbund/) } });
    }
    const ownGateway = await createAuthenticator({ FORBUND_ID: 'forbund-goteborg' }, dataDir);
    expect(await ownGateway({ authorization: `Bearer ${await signed({ forbund: 'forbund-goteborg' })}` })).toMatchObject({ ok: true });
    expect(await ownGateway({ authorization: `Bearer ${await signed({ forbund: 'embedded' })}` })).toMatchObject({ ok: false, refusal: { reason: 'TOKEN_OTHER_FORBUND' } });
  });

  it('requires the förbund of an organisation\'s issuer (JWKS_URL), which may serve several; the dev issuer\'s tokens name none', () => {
    expect(checkTokenForbund(undefined, 'embedded', false)).toEqual({ ok: true, value: undefined });
    expect(checkTokenForbund(undefined, 'embedded', true)).toMatchObject({ ok: false, refusal: { code: 'UNAUTHENTICATED', status: 401 } });
    expect(checkTokenForbund('embedded', 'embedded', true)).toEqual({ ok: true, value: undefined });
    expect(checkTokenForbund('forbund-goteborg', 'embedded', true)).toMatchObject({ ok: false, refusal: { code: 'FORBIDDEN', reason: 'TOKEN_OTHER_FORBUND', status: 403 } });
  });

  it('the dev issuer mints nothing the gateway would refuse', async () => {
    await expect(mintDevToken(dataDir, { sub: 'coordinator-1', role: 'coordinator', expiresIn: '13h' })).rejects.toThrow(/12 h/);
    await expect(mintDevToken(dataDir, { sub: 'coordinator-1', role: 'coordinator', expiresIn: '100y' })).rejects.toThrow(/12 h/);
    await expect(mintDevToken(dataDir, { sub: 'coordinator-1', role: 'coordinator', purpose: 'CURIOSITY' })).rejects.toThrow(/purpose/);
    await expect(mintDevToken(dataDir, { sub: 'analyst-1', role: 'analyst', purpose: 'AUDIT' })).rejects.toThrow(/purpose/);
    const token = await mintDevToken(dataDir, { sub: 'auditor-1', role: 'auditor', purpose: 'TILLSYN', expiresIn: '12h' });
    expect(await check(token)).toMatchObject({ ok: true, value: { purpose: 'TILLSYN' } });
  });

  it('`npm run token` refuses an unknown purpose and a lifetime over 12 h, exit 2, and prints no token', () => {
    const root = path.join(import.meta.dirname, '../..');
    for (const args of [['--purpose', 'CURIOSITY'], ['--expires', '13h']]) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/src/token-cli.ts', '--role', 'coordinator', ...args], {
        cwd: root, env: { ...process.env, DATA_DIR: dataDir, JWKS_URL: '' }, encoding: 'utf8',
      });
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/purpose|12 h/);
      expect(run.stdout).not.toMatch(/eyJ/);
    }
  });
});
