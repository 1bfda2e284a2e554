import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SignJWT } from 'jose';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHash, type AuditDb, type AuditRow } from '@finsam/kit/audit';
import { CHECKPOINT_PATH, CHECKPOINT_TYPE, signCheckpoint } from '@finsam/kit/audit-checkpoint';
import { SUBGRAPH_NAMES, type SubgraphName } from '@finsam/kit/config';
import { GATEWAY_ISSUER, loadOrCreateGatewayKey, signGatewayToken } from '@finsam/kit/gateway-token';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { runTool } from '../../support/run-tool.ts';

const root = path.join(import.meta.dirname, '../../..');
const PERSON_OVERVIEW = fs.readFileSync(path.join(root, 'schema/operations/PersonOverview.graphql'), 'utf8');
/** Where the reads are logged: each subgraph's store, for the social services each municipality's (social-services-1480 …), for care the region's. */
const STORES = [...SUBGRAPH_NAMES.filter((name) => name !== 'social-services' && name !== 'care'), 'social-services-1480', 'social-services-1481', 'social-services-1402', 'care-14', 'gateway'] as const;
type StoreName = (typeof STORES)[number];
/**
 * The stores whose tail is cut in turn: every kind of store once. The three municipalities' stores
 * are one kind (the same code, each its own file): one of them is cut, all are verified each time.
 */
const CUT = STORES.filter((store) => store !== 'social-services-1480' && store !== 'social-services-1402');


/** Traffic that leaves more than 50 records in every store: the gateway's, coordination's and each agency's. */
async function someTraffic(graph: TestGraph): Promise<void> {
  const coordinator = await graph.token('coordinator', 'coordinator-1');
  for (let i = 0; i < 20; i++) {
    for (const personnummer of [FIXTURE_PERSONS.allConsent, FIXTURE_PERSONS.lacksCare, FIXTURE_PERSONS.day180Approaching]) {
      expect((await graph.query(coordinator, PERSON_OVERVIEW, { personnummer })).status).toBe(200);
    }
  }
}

/** A connection with the owner's rights, as the intruder has (graph.store opens SQLite read-only). */
const ownerConnection = (graph: TestGraph, store: StoreName): Kysely<AuditDb> => (graph.dialect === 'sqlite'
  ? new Kysely<AuditDb>({ dialect: new SqliteDialect({ database: new Database(path.join(graph.dataDir, `${store}.sqlite`)) }) })
  : graph.store(store));

const newest = async (graph: TestGraph, store: StoreName) => {
  const db = graph.store(store);
  try {
    return Number((await db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq);
  } finally {
    await db.destroy();
  }
};

/** A graph with some traffic in every store, and every chain head checkpointed. */
async function anchoredGraph(): Promise<TestGraph> {
  const graph = await startGraph({ persons: 300 });
  await someTraffic(graph);
  await graph.checkpointAuditChains();
  return graph;
}

describe('anchored audit chains: a store\'s tail cannot be removed or rewritten unnoticed', () => {
  describe('removed tails', () => {
    let graph: TestGraph;
    beforeAll(async () => { graph = await anchoredGraph(); });
    afterAll(() => graph?.close());

    it('an untouched graph verifies, every chain anchored outside its store', async () => {
      // `npm run audit -- verify` as an operator runs it: the bin, as a process (the other cases run its code in this one).
      const result = await runTool('gateway/src/audit-cli.ts', ['verify'], graph.storeEnv);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      for (const store of STORES) expect(result.stdout).toMatch(new RegExp(`^${store}: \\d+ records, chain intact`, 'm'));
    });

    it('deleting the newest records of any store (guard dropped) makes verify exit 1 naming that store', async () => {
      const tampered: StoreName[] = [];
      for (const store of CUT) {
        const head = await newest(graph, store);
        expect(head, store).toBeGreaterThan(50);
        await graph.dropAuditGuard(store);
        const db = ownerConnection(graph, store);
        // As in the report: the newest 50 records; what is left is a valid chain on its own.
        const removed = await db.deleteFrom('audit_log').where('seq', '>', head - 50).executeTakeFirst();
        await db.destroy();
        expect(Number(removed.numDeletedRows), store).toBe(50);
        tampered.push(store);

        const result = await graph.verifyAudit();
        expect(result.status, `${store}: ${result.out}`).toBe(1);
        expect(result.out).toMatch(new RegExp(`^${store}: BROKEN at record ${head - 49}: .*its tail was removed`, 'm'));
        for (const name of STORES) {
          if (tampered.includes(name)) expect(result.out, name).toMatch(new RegExp(`^${name}: BROKEN`, 'm'));
          else expect(result.out, name).toMatch(new RegExp(`^${name}: \\d+ records, chain intact`, 'm'));
        }
      }
    }, 300_000);
  });

  describe('rewritten tails', () => {
    let graph: TestGraph;
    beforeAll(async () => { graph = await anchoredGraph(); });
    afterAll(() => graph?.close());

    it('a record changed and every hash after it recomputed (the chain itself still fits) makes verify exit 1 naming the store', async () => {
      for (const store of ['care-14', 'gateway'] as const) {
        const head = await newest(graph, store);
        await graph.dropAuditGuard(store);
        const db = ownerConnection(graph, store);
        const tail = (await db.selectFrom('audit_log').selectAll().where('seq', '>', Math.max(0, head - 5)).orderBy('seq').execute()) as AuditRow[];
        let previous = tail[0]!.prev_hash;
        for (const [i, raw] of tail.entries()) {
          const { hash: _old, ...row } = { ...raw, seq: Number(raw.seq), protected_identity: Number(raw.protected_identity), prev_hash: previous };
          if (i === 0) row.actor = 'someone-else';
          const hash = recordHash(row);
          await db.updateTable('audit_log').set({ actor: row.actor, prev_hash: row.prev_hash, hash }).where('seq', '=', row.seq).execute();
          previous = hash;
        }
        await db.destroy();
        const result = await graph.verifyAudit();
        expect(result.status, result.out).toBe(1);
        // A subgraph's record is named where the change is: the gateway's record of the request it
        // answered kept its head (audit-heads.test.ts). The gateway's own, at its last checkpoint.
        const brokenAt = store === 'gateway' ? tail[tail.length - 1]!.seq : tail[0]!.seq;
        expect(result.out).toMatch(new RegExp(`^${store}: BROKEN at record ${brokenAt}`, 'm'));
      }
    }, 180_000);
  });

  describe('a subgraph that is down at checkpoint time', () => {
    let graph: TestGraph;
    const logLines: string[] = [];
    beforeAll(async () => {
      graph = await startGraph({ persons: 300, logLines });
    });
    afterAll(() => graph?.close());

    it('is logged and tried again at the next checkpoint; the gateway keeps serving', async () => {
      const down: SubgraphName = 'employment';
      const from = logLines.length;
      await graph.stopSubgraph(down);
      try {
        const round = await graph.checkpointAuditChains();
        expect(round.stores.filter((s) => !s.ok).map((s) => s.store)).toEqual([down]);
        const coordinator = await graph.token('coordinator', 'coordinator-1');
        const answer = await graph.query(coordinator, PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent });
        expect(answer.status).toBe(200);
        expect(answer.body.data!.person.care).not.toBeNull();
      } finally {
        await graph.restartSubgraph(down);
      }
      const warning = logLines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.msg === 'audit checkpoint failed; tried again at the next one');
      expect(warning).toMatchObject({ store: down });
      const again = await graph.checkpointAuditChains();
      expect(again.stores.every((s) => s.ok)).toBe(true);
      expect((await graph.verifyAudit()).status).toBe(0);
    });

    it('a subgraph takes only the gateway\'s fresh checkpoint addressed to it, and keeps nothing else', async () => {
      const key = await loadOrCreateGatewayKey(graph.dataDir);
      const kept = async () => {
        const db = graph.store('care');
        try {
          return (await db.selectFrom('audit_checkpoint').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
        } finally {
          await db.destroy();
        }
      };
      const before = await kept();
      const head = { store: 'gateway', seq: 1, hash: 'a'.repeat(64), at: new Date().toISOString() };
      const post = (authorization?: string) => fetch(new URL(CHECKPOINT_PATH, graph.subgraphUrl('care')), { method: 'POST', headers: authorization ? { authorization } : {} });
      const refused = [
        await post(),
        // A gateway token for care is not a checkpoint.
        await post(`Bearer ${await signGatewayToken(key, { actorId: 'gateway', role: 'auditor', purpose: 'AUDIT' }, 'care')}`),
        // A checkpoint for another store.
        await post(`Bearer ${await signCheckpoint(key, head, 'employment', true)}`),
        // One kept by the gateway (no expiry), replayed.
        await post(`Bearer ${await signCheckpoint(key, head, 'care')}`),
        // One signed two minutes ago.
        await post(`Bearer ${await new SignJWT({ seq: 1, hash: head.hash, at: head.at }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: CHECKPOINT_TYPE })
          .setIssuer(GATEWAY_ISSUER).setSubject('gateway').setAudience('care').setIssuedAt(Math.floor(Date.now() / 1000) - 120).setExpirationTime('1h').sign(key.privateKey)}`),
      ];
      expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
      expect((await fetch(new URL(CHECKPOINT_PATH, graph.subgraphUrl('care')))).status).toBe(405);
      expect(await kept()).toEqual(before);
      const taken = await post(`Bearer ${await signCheckpoint(key, head, 'care', true)}`);
      expect(taken.status).toBe(200);
      expect(await taken.json()).toMatchObject({ store: 'care', seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    });

    it('a head that went back since the last checkpoint is logged as an error at the next one, before any verify', async () => {
      const store = 'social-services-1480';
      const head = await newest(graph, store);
      expect(head).toBeGreaterThan(0);
      await graph.dropAuditGuard(store);
      const db = ownerConnection(graph, store);
      await db.deleteFrom('audit_log').where('seq', '=', head).execute();
      await db.destroy();
      await graph.checkpointAuditChains();
      const alarm = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.level === 50 && l.store === store);
      expect(alarm).toMatchObject({ seq: head - 1, witnessedSeq: head, msg: expect.stringMatching(/records were removed or rewritten/) });
    });
  });
});
