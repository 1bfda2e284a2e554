import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayTokenVerifier, GatewayTokens, loadOrCreateGatewayKey, type GatewaySigningKey } from '../src/gateway-token.ts';

describe('gateway tokens reused per user and subgraph', () => {
  let dataDir: string;
  let key: GatewaySigningKey;
  const coordinator = { actorId: 'coordinator-1', role: 'coordinator' as const, purpose: 'COORDINATION' };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-token-'));
    key = await loadOrCreateGatewayKey(dataDir);
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('hands out the same token to the same user for the same subgraph for 30 s, then a new one', async () => {
    let clock = Date.now();
    const tokens = new GatewayTokens(key, () => clock);
    const first = await tokens.for(coordinator, 'care');
    expect(await tokens.for(coordinator, 'care')).toBe(first);
    expect(await tokens.for(coordinator, 'employment')).not.toBe(first);
    expect(await tokens.for({ ...coordinator, actorId: 'coordinator-2' }, 'care')).not.toBe(first);
    expect(await tokens.for({ ...coordinator, role: 'analyst' }, 'care')).not.toBe(first);
    clock += 29_000;
    expect(await tokens.for(coordinator, 'care')).toBe(first);
    clock += 2_000;
    // The signature's iat has a one-second grain: wait for it, so a new token differs in text.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await tokens.for(coordinator, 'care')).not.toBe(first);
  });

  it('takes a gateway token in one spelling only: padding appended is refused, not verified as a second token', async () => {
    const verify = createGatewayTokenVerifier('care', {}, dataDir);
    const token = await new GatewayTokens(key).for(coordinator, 'care');
    expect(await verify({ authorization: `Bearer ${token}` }, 'r')).toMatchObject({ ok: true });
    for (const spelling of [`${token}=`, `${token}==`]) expect(await verify({ authorization: `Bearer ${spelling}` }, 'r')).toMatchObject({ ok: false });
  });

  it('takes the request id from beside the token, and refuses a remembered token once it has expired', async () => {
    let clock = Date.now();
    const verify = createGatewayTokenVerifier('care', {}, dataDir, () => clock);
    const token = await new GatewayTokens(key, () => clock).for(coordinator, 'care');
    const headers = { authorization: `Bearer ${token}` };
    expect(await verify(headers, 'request-1')).toEqual({ ok: true, caller: { ...coordinator, forbund: 'embedded', requestId: 'request-1' } });
    expect(await verify(headers, 'request-2')).toEqual({ ok: true, caller: { ...coordinator, forbund: 'embedded', requestId: 'request-2' } });
    expect(await createGatewayTokenVerifier('employment', {}, dataDir, () => clock)(headers, 'request-3')).toEqual({ ok: false, reason: 'token not valid' });
    clock += 59_000;
    expect(await verify(headers, 'request-4')).toMatchObject({ ok: true });
    clock += 7_000;
    expect(await verify(headers, 'request-5')).toEqual({ ok: false, reason: 'token not valid' });
  });
});
