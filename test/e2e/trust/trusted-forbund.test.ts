import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_PATH, signCheckpoint } from '@finsam/kit/audit-checkpoint';
import { loadOrCreateGatewayKey, signGatewayToken, type GatewaySigningKey } from '@finsam/kit/gateway-token';
import { keySetFile } from '@finsam/kit/signing-key';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * Försäkringskassan's subgraph answers every förbund on its list (TRUSTED_FORBUND_FILE), each with
 * its own keys, and no other: played with this graph's gateway (förbund `embedded`) and a second
 * förbund's gateway key held by the test, calling the subgraph by hand as that gateway would.
 */
describe('a national agency\'s list of förbund', () => {
  let graph: TestGraph;
  let other: string;
  let listFile: string;
  let otherGateway: GatewaySigningKey;
  const writeList = (cutOffB: boolean) => {
    const forbund = [
      { id: 'embedded', name: 'Förbundet i testet', gatewayJwks: keySetFile(graph.dataDir, 'gateway'), coordinationJwks: keySetFile(graph.dataDir, 'coordination') },
      { id: 'forbund-b', name: 'Förbund B', gatewayJwks: keySetFile(other, 'gateway'), coordinationJwks: keySetFile(other, 'coordination'), cutOff: cutOffB },
    ];
    fs.writeFileSync(listFile, JSON.stringify({ forbund }));
    // A modification time of its own for each version, whatever the file system's grain.
    const stamp = new Date(Date.now() + Math.floor(Math.random() * 1e9));
    fs.utimesSync(listFile, stamp, stamp);
  };

  beforeAll(async () => {
    other = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-forbund-b-'));
    otherGateway = await loadOrCreateGatewayKey(other);
    listFile = path.join(other, 'trusted-forbund.json');
    graph = await startGraph({ persons: 200, subgraphs: ['coordination', 'sickness-insurance'], env: { TRUSTED_FORBUND_FILE: listFile } });
    writeList(false);
  });
  afterAll(async () => {
    await graph?.close();
    fs.rmSync(other, { recursive: true, force: true });
  });

  const overview = async () => {
    const { body } = await graph.query(await graph.token('coordinator', 'coordinator-1'),
      'query($p: String!) { person(personnummer: $p) { sicknessInsurance { cases { id } } } }', { p: FIXTURE_PERSONS.allConsent });
    return body;
  };
  /** Försäkringskassan's subgraph called as a gateway of `claimed`, signed with B's key. */
  const asOtherGateway = async (claimed: string, requestId: string) => {
    const token = await signGatewayToken(otherGateway, { actorId: 'coordinator-b1', role: 'coordinator', purpose: 'COORDINATION' }, 'sickness-insurance', claimed);
    const response = await fetch(graph.subgraphUrl('sickness-insurance'), {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { sicknessInsurance { cases { id } } } } }', variables: { r: [{ __typename: 'Person', personnummer: FIXTURE_PERSONS.allConsent }] } }),
    });
    return { status: response.status, body: await response.json() as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  };
  const records = async (requestId: string) => {
    const store = graph.store('sickness-insurance');
    try {
      return await store.selectFrom('audit_log').select(['actor', 'decision', 'reason', 'forbund']).where('request_id', '=', requestId).execute();
    } finally {
      await store.destroy();
    }
  };

  it('answers both listed förbund, each with its own keys, and its log tells them apart', async () => {
    const answer = await overview();
    expect(answer.errors).toBeUndefined();
    expect((answer.data as any).person.sicknessInsurance.cases.length).toBeGreaterThan(0);
    const store = graph.store('sickness-insurance');
    try {
      const released = await store.selectFrom('audit_log').select(['forbund']).where('decision', '=', 'RELEASED').execute();
      expect(released.length).toBeGreaterThan(0);
      expect(new Set(released.map((r) => r.forbund))).toEqual(new Set(['embedded']));
    } finally {
      await store.destroy();
    }
    // B's gateway is answered, but brings no basis from B's coordination: nothing is released, and the refusal is B's.
    const fromB = await asOtherGateway('forbund-b', 'from-b-1');
    expect(fromB.status).toBe(200);
    expect(fromB.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'BASIS_MISSING' });
    expect(await records('from-b-1')).toEqual([{ actor: 'coordinator-b1', decision: 'REFUSED', reason: 'BASIS_MISSING', forbund: 'forbund-b' }]);
  });

  it('refuses a förbund not on its list with 401 and a record naming it, and the gateway it answers is not disturbed', async () => {
    const unknown = await asOtherGateway('forbund-x', 'from-x-1');
    expect(unknown.status).toBe(401);
    expect(unknown.body.data).toBeUndefined();
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'FORBUND_NOT_TRUSTED' });
    expect(unknown.body.errors?.[0]?.message).toMatch(/does not answer the förbund "forbund-x"/);
    expect(await records('from-x-1')).toEqual([{ actor: 'gateway', decision: 'UNAUTHENTICATED', reason: 'FORBUND_NOT_TRUSTED', forbund: 'forbund-x' }]);
    expect((await overview()).errors).toBeUndefined();
  });

  it('cuts B off at its next request with 401 and a record, leaves its own förbund whole, and takes B back when listed again', async () => {
    writeList(true);
    try {
      const cut = await asOtherGateway('forbund-b', 'from-b-2');
      expect(cut.status).toBe(401);
      expect(cut.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'FORBUND_CUT_OFF' });
      expect(await records('from-b-2')).toEqual([{ actor: 'coordinator-b1', decision: 'UNAUTHENTICATED', reason: 'FORBUND_CUT_OFF', forbund: 'forbund-b' }]);
      const answer = await overview();
      expect(answer.errors).toBeUndefined();
      expect((answer.data as any).person.sicknessInsurance.cases.length).toBeGreaterThan(0);
    } finally {
      writeList(false);
    }
    expect((await asOtherGateway('forbund-b', 'from-b-3')).status).toBe(200);
  });

  it('keeps each answered förbund\'s audit checkpoints apart and refuses those of a förbund it does not answer', async () => {
    const handOver = async (claimed: string, seq: number) => {
      const checkpoint = { store: 'gateway', seq, hash: 'c'.repeat(64), at: new Date().toISOString() };
      const signed = await signCheckpoint(otherGateway, checkpoint, 'sickness-insurance', true, claimed);
      return fetch(new URL(CHECKPOINT_PATH, graph.subgraphUrl('sickness-insurance')), { method: 'POST', headers: { authorization: `Bearer ${signed}` } });
    };
    expect((await handOver('forbund-b', 7)).status).toBe(200);
    expect((await handOver('forbund-x', 8)).status).toBe(401);
    // B's key claiming to be the graph's own förbund: checked with the graph's gateway keys, so refused.
    expect((await handOver('embedded', 9)).status).toBe(401);
    // The graph's own gateway exchanges heads as well (its förbund is on the list now).
    const round = await graph.checkpointAuditChains();
    expect(round.stores.find((s) => s.store === 'sickness-insurance')).toMatchObject({ ok: true });
    const store = graph.store('sickness-insurance');
    try {
      const kept = await store.selectFrom('audit_checkpoint').select(['store', 'seq']).orderBy('store').orderBy('seq').execute();
      expect(kept.filter((k) => k.store.startsWith('gateway@'))).toEqual([{ store: 'gateway@forbund-b', seq: 7 }]);
      // The graph's own gateway's is kept under `gateway`, as before.
      expect(kept.some((k) => k.store === 'gateway')).toBe(true);
    } finally {
      await store.destroy();
    }
    // `npm run audit -- verify` checks B's checkpoint in Försäkringskassan's store with B's keys from the list.
    const verified = await graph.verifyAudit();
    expect(verified.out).not.toMatch(/BROKEN/);
    expect(verified.status).toBe(0);
  });
});
