import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDb } from '@finsam/kit/audit';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * Logs at both ends (docs/audit-anchoring.md, "No window"): every subgraph answer carries its
 * store's chain head after that request's records, and the gateway keeps the heads in its own
 * record of the request. So a record whose answer left its store is anchored at once, not only
 * at the next checkpoint: cutting it is found by `npm run audit -- verify` with no window.
 */
const root = path.join(import.meta.dirname, '../../..');
const PERSON_OVERVIEW = fs.readFileSync(path.join(root, 'schema/operations/PersonOverview.graphql'), 'utf8');
const PERSONS = [FIXTURE_PERSONS.allConsent, FIXTURE_PERSONS.lacksCare, FIXTURE_PERSONS.day180Approaching];
/** Every store a person's reads may be logged in (care's reads in the region's, social services' in each municipality's). */
const SUBGRAPH_STORES = ['coordination', 'sickness-insurance', 'employment', 'social-services', 'social-services-1480', 'social-services-1481', 'social-services-1402', 'care', 'care-14'];

/** A connection with the owner's rights, as the intruder has (graph.store opens SQLite read-only). */
const ownerConnection = (graph: TestGraph, store: string): Kysely<AuditDb> => (graph.dialect === 'sqlite'
  ? new Kysely<AuditDb>({ dialect: new SqliteDialect({ database: new Database(path.join(graph.dataDir, `${store}.sqlite`)) }) })
  : graph.store(store));

const newest = async (graph: TestGraph, store: string): Promise<number> => {
  const db = graph.store(store);
  try {
    return Number((await db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq ?? 0);
  } catch (error) {
    // A store not made in this graph (no such file or database).
    if (/unable to open|does not exist|no such/i.test((error as Error).message)) return -1;
    throw error;
  } finally {
    await db.destroy().catch(() => undefined);
  }
};

/** Deletes a store's newest `count` records as its database owner would: the append-only guard dropped first. */
async function cutTail(graph: TestGraph, store: string, count: number): Promise<number> {
  const head = await newest(graph, store);
  await graph.dropAuditGuard(store);
  const db = ownerConnection(graph, store);
  try {
    const removed = await db.deleteFrom('audit_log').where('seq', '>', head - count).executeTakeFirst();
    expect(Number(removed.numDeletedRows), store).toBe(count);
  } finally {
    await db.destroy();
  }
  return head;
}

async function personOverviews(graph: TestGraph, persons: readonly string[]): Promise<void> {
  const coordinator = await graph.token('coordinator', 'coordinator-1');
  for (const personnummer of persons) {
    const answer = await graph.query(coordinator, PERSON_OVERVIEW, { personnummer });
    expect(answer.status).toBe(200);
    // A person without consent for an agency is a refusal there (FORBIDDEN), logged like a read.
    expect((answer.body.errors ?? []).filter((e: { extensions?: { code?: string } }) => e.extensions?.code !== 'FORBIDDEN')).toEqual([]);
    // The heads are the gateway's to keep, never the client's.
    expect(JSON.stringify(answer.body)).not.toMatch(/auditHead/);
  }
}

describe('audit chain heads in every answer: no window for cutting a store\'s newest records', () => {
  // One graph for the concurrent requests and then the cut: the first leaves every store intact
  // (verify passes), and a graph start is the larger part of either.
  describe('concurrent requests, then the reads of one person\'s care data cut right after the requests', () => {
    let graph: TestGraph;
    beforeAll(async () => { graph = await startGraph({ persons: 300 }); });
    afterAll(() => graph?.close());

    it('heads of interleaved requests each name a record that is there with that hash: verify passes', async () => {
      const coordinator = await graph.token('coordinator', 'coordinator-1');
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => graph.query(coordinator, PERSON_OVERVIEW, { personnummer: PERSONS[i % PERSONS.length] })));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      const result = await graph.verifyAudit();
      expect(result.status, result.out).toBe(0);
      // Anchored by the requests' heads, though no checkpoint was taken after them.
      const care = await newest(graph, 'care-14');
      expect(result.out).toMatch(new RegExp(`^care-14: ${care} records, chain intact, anchored up to record ${care} `, 'm'));
    });

    it('three PersonOverview requests, no checkpoint after them, care\'s two newest records deleted: verify exits 1 naming care', async () => {
      await personOverviews(graph, PERSONS);
      expect((await graph.verifyAudit()).status).toBe(0);
      const head = await cutTail(graph, 'care-14', 2);
      const result = await graph.verifyAudit();
      expect(result.status, result.out).toBe(1);
      expect(result.out).toMatch(new RegExp(`^care-14: BROKEN at record ${head - 1}: .*gateway.*its tail was removed`, 'm'));
      // The other stores are untouched and say so.
      expect(result.out).toMatch(/^coordination: \d+ records, chain intact/m);
      expect(result.out).toMatch(/^gateway: \d+ records, chain intact/m);
    });
  });

  describe('one record of each subgraph\'s store cut in turn', () => {
    let graph: TestGraph;
    beforeAll(async () => { graph = await startGraph({ persons: 300 }); });
    afterAll(() => graph?.close());

    it('is found in every store a request wrote to, whichever it is', async () => {
      const before = new Map<string, number>();
      for (const store of SUBGRAPH_STORES) before.set(store, await newest(graph, store));
      await personOverviews(graph, PERSONS);
      const written: string[] = [];
      for (const store of SUBGRAPH_STORES) if ((await newest(graph, store)) > before.get(store)!) written.push(store);
      // Coordination, each agency, and for care and social services the controller's own store.
      expect(written).toEqual(expect.arrayContaining(['coordination', 'sickness-insurance', 'employment', 'care-14']));
      expect(written.some((store) => store.startsWith('social-services-'))).toBe(true);
      expect((await graph.verifyAudit()).status).toBe(0);

      const tampered: string[] = [];
      for (const store of written) {
        const head = await cutTail(graph, store, 1);
        tampered.push(store);
        const result = await graph.verifyAudit();
        expect(result.status, `${store}: ${result.out}`).toBe(1);
        expect(result.out).toMatch(new RegExp(`^${store}: BROKEN at record ${head}: .*its tail was removed`, 'm'));
        for (const other of written.filter((name) => !tampered.includes(name))) expect(result.out, other).toMatch(new RegExp(`^${other}: \\d+ records, chain intact`, 'm'));
      }
    }, 120_000);
  });
});
