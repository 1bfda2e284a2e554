import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '@finsam/gateway';
import { SUBGRAPH_NAMES, envPrefix, type SubgraphName } from '@finsam/kit/config';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { listen } from '@finsam/kit/http';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { proxy } from '../../support/slow-proxy.ts';

const root = path.join(import.meta.dirname, '../../..');
const PERSON_OVERVIEW = fs.readFileSync(path.join(root, 'schema/operations/PersonOverview.graphql'), 'utf8');
const ANALYST_DIR = path.join(root, 'schema/operations/analyst');
// Every participation, by one dimension: distinct definitions whose groups are equal or far apart,
// so that the differencing guard (differencing-guard.ts) has no pair to refuse.
const COHORT = 'query($filter: FollowUpFilter) { cohort(from: "2024-01-01", to: "2025-12-31", filter: $filter) { size { value } } }';
const FOLLOW_UP = 'query($groupBy: FollowUpDimension) { interventionFollowUp(from: "2025-01-01", to: "2025-12-31", groupBy: $groupBy) { total { started { value } } } }';
const WHOLE_POPULATION_SIGNALS = 'cohort(from: "2020-01-01", to: "2030-12-31") { size { value } signals { byCode { code } } }';
const AGENCIES = ['sickness-insurance', 'employment', 'social-services', 'care'] as const;

// The default per-request bound (8 × the 300 persons = 2,400): one whole-population cohort with
// signals (at most 300 members × (1 + 4 agencies)) fits, twenty do not. A per-minute bound the
// 300-person seed can reach: four such fit in a minute (at most 6,000), a fifth does not (more
// than 240 members).
const ENV = { ANALYST_QUERY_BUDGET: '3', ANALYST_PERSONS_PER_MINUTE: '6000' };

async function auditRows(graph: TestGraph, store: SubgraphName): Promise<number> {
  const db = graph.store(store);
  try {
    return Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM audit_log`.execute(db)).rows[0]!.n);
  } finally {
    await db.destroy();
  }
}

describe('analyst limits at coordination: query budget and work bound', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    // Each case's analysts, on the förbund's list before the first request (the gateway rereads it every few seconds).
    const operations = fs.readdirSync(ANALYST_DIR).filter((f) => f.endsWith('.graphql')).map((_, i) => `analyst-operations-${i}`);
    graph = await startGraph({
      env: ENV,
      knownAnalysts: ['analyst-budget', 'analyst-other', 'analyst-work', 'analyst-minute', 'analyst-minute-2', 'analyst-plan', 'analyst-plan-2', ...operations],
    });
  });
  afterAll(() => graph?.close());

  it('refuses the 4th distinct cohort definition of a budget of 3 while a repeat is still answered; follow-ups from the release spend none', async () => {
    const analyst = await graph.token('analyst', 'analyst-budget');
    const definitions = [{ sex: 'FEMALE' }, { sex: 'MALE' }, { ageBand: 'FROM_30_TO_44' }];
    for (const filter of definitions) expect((await graph.query(analyst, COHORT, { filter })).body.errors, JSON.stringify(filter)).toBeUndefined();
    const refused = await graph.query(analyst, COHORT, { filter: { ageBand: 'FROM_45_TO_64' } });
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'QUERY_BUDGET_SPENT' });
    expect(refused.body.errors?.[0]?.message).toMatch(/allows 3 distinct statistics queries per 30 days.*next unit frees up at \d{4}-\d{2}-\d{2}T/s);
    // Asked again: the same figures, free.
    const repeat = await graph.query(analyst, COHORT, { filter: definitions[0] });
    expect(repeat.body.errors).toBeUndefined();
    expect(repeat.body.data?.cohort.size).toBeDefined();
    // A follow-up reads the statistics release, which no number of questions wears out: no budget is spent on it.
    for (const groupBy of ['SEX', 'FORBUND', 'MUNICIPALITY', 'INTERVENTION']) expect((await graph.query(analyst, FOLLOW_UP, { groupBy })).body.errors, groupBy).toBeUndefined();
    // Another analyst has a budget of their own; the ledger is in coordination's store, the refused definition not in it.
    expect((await graph.query(await graph.token('analyst', 'analyst-other'), COHORT, { filter: { ageBand: 'FROM_45_TO_64' } })).body.errors).toBeUndefined();
    const coordination = graph.store('coordination') as unknown as Kysely<{ analyst_query: { analyst: string; definition_digest: string } }>;
    try {
      const ledger = await coordination.selectFrom('analyst_query').select(['analyst']).execute();
      expect(ledger.filter((row) => row.analyst === 'analyst-budget')).toHaveLength(3);
      expect(ledger.filter((row) => row.analyst === 'analyst-other')).toHaveLength(1);
    } finally {
      await coordination.destroy();
    }
  });

  it('refuses 20 aliased whole-population signal cohorts in one request before any agency is asked, and admits one', async () => {
    const analyst = await graph.token('analyst', 'analyst-work');
    const before = await Promise.all(AGENCIES.map((name) => auditRows(graph, name)));
    const statements = await Promise.all(AGENCIES.map((name) => graph.statements(name)));
    const twenty = `{ ${Array.from({ length: 20 }, (_, i) => `c${i}: ${WHOLE_POPULATION_SIGNALS}`).join('\n')} }`;
    const refused = await graph.query(analyst, twenty);
    expect(refused.body.data ?? null).toBeNull();
    const error = refused.body.errors?.find((e) => e.extensions?.reason === 'ANALYST_WORK_LIMIT');
    expect(error?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ANALYST_WORK_LIMIT' });
    expect(error?.message).toMatch(/over the limit of 2,400 per request/);
    expect(await Promise.all(AGENCIES.map((name) => auditRows(graph, name)))).toEqual(before);
    expect(await Promise.all(AGENCIES.map((name) => graph.statements(name)))).toEqual(statements);

    // One of them is well within the bound, and every agency is asked for its signal facts.
    const one = await graph.query(analyst, `{ ${WHOLE_POPULATION_SIGNALS} }`);
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data?.cohort.signals.byCode.length).toBeGreaterThan(0);
  });

  it('bounds one analyst\'s work over a minute, not another\'s', async () => {
    const analyst = await graph.token('analyst', 'analyst-minute');
    const outcomes: (string | undefined)[] = [];
    // Each asks about 290 members × 5; the fifth would pass 6,000 within the minute.
    for (let i = 0; i < 5; i++) outcomes.push((await graph.query(analyst, `{ ${WHOLE_POPULATION_SIGNALS} }`)).body.errors?.[0]?.extensions?.reason);
    expect(outcomes).toEqual([undefined, undefined, undefined, undefined, 'ANALYST_WORK_LIMIT']);
    const another = await graph.query(await graph.token('analyst', 'analyst-minute-2'), `{ ${WHOLE_POPULATION_SIGNALS} }`);
    expect(another.body.errors).toBeUndefined();
  });

  it('counts the agencies a cohort is handed to, as the gateway plans it', async () => {
    // 300 × 5 fits in 2,400 per request; × 5 four times over does not, × 2 four times over does.
    const cohorts = (selection: string) => `{ ${[1, 2, 3, 4].map((i) => `c${i}: cohort(from: "2020-01-01", to: "2030-12-31") { ${selection} }`).join(' ')} }`;
    const signals = await graph.query(await graph.token('analyst', 'analyst-plan'), cohorts('size { value } signals { byCode { code } }'));
    expect(signals.body.errors?.[0]?.extensions?.reason).toBe('ANALYST_WORK_LIMIT');
    const care = await graph.query(await graph.token('analyst', 'analyst-plan-2'), cohorts('size { value } care { certificatesByChapter { category } }'));
    expect(care.body.errors?.map((e) => e.extensions?.reason).filter(Boolean) ?? []).not.toContain('ANALYST_WORK_LIMIT');
  });

  it('does not refuse the documented analyst operations for work or budget', async () => {
    const files = fs.readdirSync(ANALYST_DIR).filter((f) => f.endsWith('.graphql')).sort();
    for (const [i, file] of files.entries()) {
      // A fresh analyst for each (the budget here is 3).
      const response = await graph.query(await graph.token('analyst', `analyst-operations-${i}`), fs.readFileSync(path.join(ANALYST_DIR, file), 'utf8'));
      const reasons = (response.body.errors ?? []).map((e) => e.extensions?.reason);
      expect(reasons, file).not.toContain('ANALYST_WORK_LIMIT');
      expect(reasons, file).not.toContain('QUERY_BUDGET_SPENT');
    }
  });
});

/** A proxy in front of coordination that holds the first `hold` requests until `open()`; the rest pass straight through. */
async function gatedProxy(targetUrl: string, hold: number) {
  let opened!: () => void;
  const gate = new Promise<void>((resolve) => { opened = resolve; });
  let held = 0;
  let heldAll!: () => void;
  const allHeld = new Promise<void>((resolve) => { heldAll = resolve; });
  const server = await proxy(targetUrl, async () => {
    if (held < hold) {
      held += 1;
      if (held === hold) heldAll();
      await gate;
    }
  });
  return { url: `${server.url}/graphql`, allHeld, open: () => opened(), close: () => server.close(), received: () => held };
}

describe('per-analyst rate limit at the gateway', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startGraph({ persons: 200, knownAnalysts: ['analyst-a', 'analyst-b'] });
  });
  afterAll(() => graph?.close());

  it('answers a third request in flight and a bucket overflow with 429 RATE_LIMITED, while another analyst and a coordinator are served', async () => {
    const proxy = await gatedProxy(graph.subgraphUrl('coordination'), 2);
    const env: NodeJS.ProcessEnv = { ...graph.clientTls, ANALYST_REQUESTS_PER_MINUTE: '4', ANALYST_CONCURRENT_REQUESTS: '2', ANALYST_CONCURRENT_REQUESTS_TOTAL: '3' };
    for (const name of SUBGRAPH_NAMES) env[`${envPrefix(name)}_URL`] = name === 'coordination' ? proxy.url : graph.subgraphUrl(name);
    const gateway = await buildGateway({ env, dataDir: graph.dataDir });
    const server = await listen(gateway.handler, 0, '127.0.0.1');
    const post = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
    };
    const analyst = await graph.token('analyst', 'analyst-a');
    const coordinator = await graph.token('coordinator', 'coordinator-1');
    const overviewIsWhole = async () => {
      const overview = await post(coordinator, PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent });
      expect(overview.status).toBe(200);
      expect(overview.body.errors).toBeUndefined();
      for (const sector of ['sicknessInsurance', 'employment', 'socialServices', 'care']) expect(overview.body.data.person[sector], sector).not.toBeNull();
    };
    try {
      // Two of analyst-a's requests held at coordination.
      const first = post(analyst, FOLLOW_UP, {});
      const second = post(analyst, FOLLOW_UP, {});
      await proxy.allHeld;

      const third = await post(analyst, FOLLOW_UP, {});
      expect(third.status).toBe(429);
      expect(third.retryAfter).toBe('1');
      expect(third.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED' });
      expect(third.body.errors?.[0]?.message).toMatch(/At most 2 requests of one analyst/);
      expect(proxy.received()).toBe(2);

      // Meanwhile another analyst and a coordinator are served.
      const other = await post(await graph.token('analyst', 'analyst-b'), FOLLOW_UP, {});
      expect(other.status).toBe(200);
      expect(other.body.errors).toBeUndefined();
      await overviewIsWhole();

      proxy.open();
      for (const held of await Promise.all([first, second])) {
        expect(held.status).toBe(200);
        expect(held.body.errors).toBeUndefined();
      }

      // The bucket holds 4: two spent above (the refused one spent none), two more, then 429.
      for (let i = 0; i < 2; i++) expect((await post(analyst, FOLLOW_UP, {})).status).toBe(200);
      const overflow = await post(analyst, FOLLOW_UP, {});
      expect(overflow.status).toBe(429);
      expect(overflow.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(overflow.body.errors?.[0]?.message).toMatch(/At most 4 requests per minute per analyst/);
      expect(Number(overflow.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(overflow.retryAfter)).toBeLessThanOrEqual(15);
      // Coordinators are never rate limited by it.
      for (let i = 0; i < 6; i++) await overviewIsWhole();
    } finally {
      await server.close();
      await gateway.stop();
      await proxy.close();
    }
  });
});
