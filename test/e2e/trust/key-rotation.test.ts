import fs from 'node:fs';
import { importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as keys } from '@finsam/gateway/keys-cli';
import { capturedOutput } from '@finsam/kit/command-output';
import { GATEWAY_ISSUER } from '@finsam/kit/gateway-token';
import { signingKeyFile } from '@finsam/kit/signing-key';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const QUERY = 'query($p: String!) { person(personnummer: $p) { name sicknessInsurance { cases { id } } employment { registrations { id } } } }';

/**
 * The gateway's signing key rotated while coordinators are served (`npm run keys`): the next key
 * published beside the old, then used, then the old retired. Four clients ask all along; every
 * answer must be whole, and afterwards a token signed with the retired key is worth nothing.
 */
describe('rotating the gateway\'s key', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startGraph({ persons: 200, subgraphs: ['coordination', 'sickness-insurance', 'employment'] });
  });
  afterAll(() => graph?.close());

  const run = async (args: string[], now?: number) => {
    const output = capturedOutput();
    const code = await keys(args, { ...process.env, DATA_DIR: graph.dataDir }, output, now);
    return { code, text: output.all() };
  };

  it('loses no request from next key to retirement, and refuses the retired key afterwards', async () => {
    const token = await graph.token('coordinator', 'coordinator-1');
    const answers: { ok: boolean; detail: string }[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const { status, body } = await graph.query(token, QUERY, { p: FIXTURE_PERSONS.allConsent });
        const person = body.data?.person as { sicknessInsurance?: unknown; employment?: unknown } | undefined;
        answers.push({ ok: status === 200 && !body.errors && !!person?.sicknessInsurance && !!person?.employment, detail: JSON.stringify(body.errors ?? status) });
      }
    };
    /** Waits until the clients have had `n` more answers: the step is then in effect for whole requests. */
    const moreAnswers = async (n: number) => {
      const target = answers.length + n;
      while (answers.length < target) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const oldKey = JSON.parse(fs.readFileSync(signingKeyFile(graph.dataDir, 'gateway'), 'utf8')) as { kid: string; privateJwk: JWK };
    const published = async () => ((await (await fetch(`${graph.gatewayUrl}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys.map((k) => k.kid);
    const clients = Array.from({ length: 4 }, client);
    try {
      await moreAnswers(10);
      const next = await run(['next']);
      expect(next).toMatchObject({ code: 0 });
      expect(await published()).toHaveLength(2);
      await moreAnswers(20);

      expect(await run(['switch'])).toMatchObject({ code: 0 });
      const switchedAt = Date.now();
      await moreAnswers(20);
      const early = await run(['retire']);
      expect(early.code).toBe(1);
      expect(early.text).toMatch(/may still be valid for \d+ s/);
      // 65 s later, as the operator would wait (the command's clock, not the test's).
      expect(await run(['retire'], switchedAt + 66_000)).toMatchObject({ code: 0 });
      expect(await published()).not.toContain(oldKey.kid);
      await moreAnswers(20);
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expect(answers.filter((a) => !a.ok).map((a) => a.detail)).toEqual([]);
    expect(answers.length).toBeGreaterThanOrEqual(70);

    // A subgraph built afresh remembers no verified token: the gateway's are of the new key, or it would not answer.
    await graph.restartSubgraphProcess('sickness-insurance');
    const after = await graph.query(token, QUERY, { p: FIXTURE_PERSONS.allConsent });
    expect(after.body.errors).toBeUndefined();
    expect((after.body.data?.person as { sicknessInsurance?: unknown }).sicknessInsurance).toBeTruthy();

    // The retired key still signs a well-formed gateway token: the subgraph no longer takes it.
    const forged = await new SignJWT({ role: 'coordinator', purpose: 'COORDINATION', forbund: 'embedded' })
      .setProtectedHeader({ alg: 'EdDSA', kid: oldKey.kid, typ: 'JWT' }).setIssuer(GATEWAY_ISSUER).setAudience('sickness-insurance')
      .setSubject('coordinator-1').setIssuedAt().setExpirationTime('60s').sign(await importJWK(oldKey.privateJwk, 'EdDSA'));
    const response = await fetch(graph.subgraphUrl('sickness-insurance'), {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}` }, body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(response.status).toBe(401);
    // Checkpoints of both keys: the one at start was signed with the retired key, this one with the new.
    await graph.checkpointAuditChains();
    const verified = await graph.verifyAudit();
    expect(verified.out).not.toMatch(/BROKEN/);
    expect(verified.status).toBe(0);
  });
});
