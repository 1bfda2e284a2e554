import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayTokenVerifier, GatewayTokens, loadOrCreateGatewayKey, signGatewayToken, type GatewaySigningKey } from '../src/gateway-token.ts';
import { createReleaseBasisVerifier, loadOrCreateCoordinationKey, signPersonBases } from '../src/release-basis.ts';
import { keySetFile, type SigningKey } from '../src/signing-key.ts';
import { parseList, trustedForbund } from '../src/trusted-forbund.ts';

const coordinator = { actorId: 'coordinator-1', role: 'coordinator' as const, purpose: 'COORDINATION' };

/** Two förbund, each with its own gateway and coordination keys in its own folder, and a national agency's list of them. */
describe('a national subgraph answers the förbund on its list, each with its own keys', () => {
  let root: string;
  let listFile: string;
  const gateways: Record<string, GatewaySigningKey> = {};
  const coordinations: Record<string, SigningKey> = {};
  const writeList = (entries: { id: string; cutOff?: boolean }[]) => {
    const forbund = entries.map(({ id, cutOff }) => ({
      id, name: `Samordningsförbundet ${id}`, cutOff: cutOff ?? false,
      gatewayJwks: path.relative(root, keySetFile(path.join(root, id), 'gateway')),
      coordinationJwks: keySetFile(path.join(root, id), 'coordination'),
    }));
    // A new modification time each write, whatever the file system's grain.
    const stamp = new Date(Date.now() + Math.random() * 1e6);
    fs.writeFileSync(listFile, JSON.stringify({ forbund }));
    fs.utimesSync(listFile, stamp, stamp);
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-forbund-'));
    listFile = path.join(root, 'trusted-forbund.json');
    for (const id of ['forbund-a', 'forbund-b', 'forbund-c']) {
      fs.mkdirSync(path.join(root, id));
      gateways[id] = await loadOrCreateGatewayKey(path.join(root, id));
      coordinations[id] = await loadOrCreateCoordinationKey(path.join(root, id));
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const env = () => ({ TRUSTED_FORBUND_FILE: listFile });
  const tokenOf = (id: string, claimed = id) => signGatewayToken(gateways[id]!, coordinator, 'sickness-insurance', claimed);

  it('takes each listed förbund\'s tokens with that förbund\'s keys and names the förbund on the caller', async () => {
    writeList([{ id: 'forbund-a' }, { id: 'forbund-b' }]);
    const verify = createGatewayTokenVerifier('sickness-insurance', env(), root);
    expect(await verify({ authorization: `Bearer ${await tokenOf('forbund-a')}` }, 'r1')).toEqual({ ok: true, caller: { ...coordinator, forbund: 'forbund-a', requestId: 'r1' } });
    expect(await verify({ authorization: `Bearer ${await tokenOf('forbund-b')}` }, 'r2')).toEqual({ ok: true, caller: { ...coordinator, forbund: 'forbund-b', requestId: 'r2' } });
    // A's gateway claiming to be B: checked with B's keys, so refused.
    expect(await verify({ authorization: `Bearer ${await tokenOf('forbund-a', 'forbund-b')}` }, 'r3')).toEqual({ ok: false, reason: 'token not valid' });
    // C is not on the list: refused before any key is looked for, naming what it claimed.
    expect(await verify({ authorization: `Bearer ${await tokenOf('forbund-c')}` }, 'r4')).toEqual({ ok: false, reason: 'FORBUND_NOT_TRUSTED', forbund: 'forbund-c' });
  });

  it('cuts one förbund off at its next request, remembered tokens included, and leaves the other answered', async () => {
    writeList([{ id: 'forbund-a' }, { id: 'forbund-b' }]);
    const verify = createGatewayTokenVerifier('sickness-insurance', env(), root);
    const tokensOfB = new GatewayTokens(gateways['forbund-b']!, Date.now, 'forbund-b');
    const b = { authorization: `Bearer ${await tokensOfB.for(coordinator, 'sickness-insurance')}` };
    const a = { authorization: `Bearer ${await tokenOf('forbund-a')}` };
    expect(await verify(b, 'r1')).toMatchObject({ ok: true });
    writeList([{ id: 'forbund-a' }, { id: 'forbund-b', cutOff: true }]);
    expect(await verify(b, 'r2')).toEqual({ ok: false, reason: 'FORBUND_CUT_OFF', forbund: 'forbund-b', actorId: 'coordinator-1' });
    expect(await verify(a, 'r3')).toMatchObject({ ok: true, caller: { forbund: 'forbund-a' } });
    writeList([{ id: 'forbund-a' }, { id: 'forbund-b' }]);
    expect(await verify(b, 'r4')).toMatchObject({ ok: true, caller: { forbund: 'forbund-b' } });
  });

  it('answers no one while the list is malformed or gone, rather than the last list it read', async () => {
    writeList([{ id: 'forbund-a' }]);
    const problems: string[] = [];
    const trusted = trustedForbund(env(), root, (problem) => problems.push(problem));
    const verify = createGatewayTokenVerifier('sickness-insurance', env(), root, Date.now, trusted);
    const a = { authorization: `Bearer ${await tokenOf('forbund-a')}` };
    expect(await verify(a, 'r1')).toMatchObject({ ok: true });
    fs.writeFileSync(listFile, '{ "forbund": [ { "id": "forbund-a" } ] }');
    fs.utimesSync(listFile, new Date(Date.now() + 5e6), new Date(Date.now() + 5e6));
    expect(await verify(a, 'r2')).toEqual({ ok: false, reason: 'FORBUND_LIST_INVALID', forbund: 'forbund-a' });
    expect(problems.at(-1)).toMatch(/forbund\[0\]\.gatewayJwks must be a URL or a key set file/);
    fs.rmSync(listFile);
    expect(await verify(a, 'r3')).toMatchObject({ ok: false, reason: 'FORBUND_LIST_INVALID' });
    expect(problems.at(-1)).toMatch(/cannot be read/);
  });

  it('says what is wrong with a list', () => {
    expect(parseList('nope')).toBe('not JSON');
    expect(parseList('{}')).toBe('no "forbund" list');
    expect(parseList('{"forbund":[{"id":"Bad Id","gatewayJwks":"x","coordinationJwks":"y"}]}')).toMatch(/forbund\[0\]\.id/);
    expect(parseList('{"forbund":[{"id":"a","gatewayJwks":"x","coordinationJwks":"y"},{"id":"a","gatewayJwks":"x","coordinationJwks":"y"}]}')).toMatch(/listed twice/);
    expect(parseList('{"forbund":[{"id":"a","gatewayJwks":"x","coordinationJwks":"y","cutOff":"yes"}]}')).toMatch(/cutOff must be true or false/);
  });

  it('takes a release basis only from the coordination of the förbund whose gateway asked, and none from a cut-off förbund', async () => {
    writeList([{ id: 'forbund-a' }, { id: 'forbund-b' }]);
    const verifier = createReleaseBasisVerifier(env(), root);
    const evidence = { personnummer: '198001019802', consents: [], protectedIdentity: false };
    const basisOf = async (signer: string, claimed = signer) =>
      (await signPersonBases(coordinations[signer]!, 'SICKNESS_INSURANCE', { actorId: 'coordinator-1', requestId: 'r1', forbund: claimed }, [evidence]))[0]!;
    const callerOf = (forbund: string) => ({ ...coordinator, requestId: 'r1', forbund });
    expect(await verifier.person('SICKNESS_INSURANCE', evidence.personnummer, await basisOf('forbund-a'), callerOf('forbund-a'))).toMatchObject({ ok: true });
    // B's gateway handing on A's basis; A's coordination claiming to be B; C, not listed.
    expect(await verifier.person('SICKNESS_INSURANCE', evidence.personnummer, await basisOf('forbund-a'), callerOf('forbund-b'))).toEqual({ ok: false, reason: 'BASIS_OTHER_FORBUND' });
    expect(await verifier.person('SICKNESS_INSURANCE', evidence.personnummer, await basisOf('forbund-a', 'forbund-b'), callerOf('forbund-b'))).toEqual({ ok: false, reason: 'BASIS_INVALID' });
    expect(await verifier.person('SICKNESS_INSURANCE', evidence.personnummer, await basisOf('forbund-c'), callerOf('forbund-c'))).toEqual({ ok: false, reason: 'BASIS_FORBUND_NOT_ANSWERED' });
    const ofB = await basisOf('forbund-b');
    expect(await verifier.person('SICKNESS_INSURANCE', evidence.personnummer, ofB, callerOf('forbund-b'))).toMatchObject({ ok: true });
    writeList([{ id: 'forbund-a' }, { id: 'forbund-b', cutOff: true }]);
    expect(await verifier.person('SICKNESS_INSURANCE', evidence.personnummer, ofB, callerOf('forbund-b'))).toEqual({ ok: false, reason: 'BASIS_FORBUND_NOT_ANSWERED' });
  });
});
