import os from 'node:os';
import { verifyChain } from '@finsam/kit/audit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { runTool } from '../../support/run-tool.ts';

// A statistic only coordination answers: the scenario starts that subgraph alone.
const FOLLOW_UP = 'query($groupBy: FollowUpDimension) { interventionFollowUp(from: "2025-01-01", to: "2025-12-31", groupBy: $groupBy) { total { started { value } } } }';

interface Answer { status: number; requestId: string | null; body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } }

/**
 * Issue 20 item 4: the gateway served any `sub` an issuer signed as a new analyst, with a fresh
 * query budget and differencing memory at coordination; two identities splitting each close
 * pair between them got every pair answered. It now serves analysts on the förbund's list only.
 */
describe('known analysts: the gateway serves analyst tokens only for analysts on its list', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startGraph({ subgraphs: ['coordination'], knownAnalysts: ['analyst-leaving'] });
  });
  afterAll(() => graph?.close());

  async function post(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
    const response = await fetch(graph.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, requestId: response.headers.get('x-request-id'), body: await response.json() as Answer['body'] };
  }

  async function gatewayRecords(requestId: string) {
    const store = graph.store('gateway');
    try {
      return await store.selectFrom('audit_log').select(['actor', 'role', 'decision', 'reason', 'personnummer']).where('request_id', '=', requestId).execute();
    } finally {
      await store.destroy();
    }
  }

  function expectUnknownAnalyst(answer: Answer) {
    expect(answer.status).toBe(403);
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'UNKNOWN_ANALYST' });
    expect(answer.body.errors![0]!.message).toMatch(/not on the list of analysts.*administrator/i);
  }

  it('refuses a valid analyst token for a sub not on the list with 403 FORBIDDEN UNKNOWN_ANALYST, no data, and one gateway audit record of it', async () => {
    const coordinationBefore = await graph.statements('coordination');
    const answer = await post(await graph.token('analyst', 'analyst-nobody-registered'), FOLLOW_UP, { groupBy: 'SEX' });
    expectUnknownAnalyst(answer);
    // Refused before planning: coordination read nothing for it.
    expect(await graph.statements('coordination')).toBe(coordinationBefore);
    expect(await gatewayRecords(answer.requestId!)).toEqual([
      { actor: 'analyst-nobody-registered', role: 'analyst', decision: 'REFUSED', reason: 'UNKNOWN_ANALYST', personnummer: null },
    ]);
  });

  it('records a flood of refusals for one unknown sub once a minute, not once a request: a valid token cannot fill the gateway\'s audit chain', async () => {
    const token = await graph.token('analyst', 'analyst-flooding');
    for (let i = 0; i < 25; i++) expectUnknownAnalyst(await post(token, FOLLOW_UP, { groupBy: 'SEX' }));
    const store = graph.store('gateway');
    try {
      const rows = await store.selectFrom('audit_log').select(['decision', 'reason']).where('actor', '=', 'analyst-flooding').execute();
      // One per minute of the flood: 25 loopback requests take far less than a minute, two allow for a slow machine.
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows.length).toBeLessThanOrEqual(2);
      expect(rows[0]).toEqual({ decision: 'REFUSED', reason: 'UNKNOWN_ANALYST' });
    } finally {
      await store.destroy();
    }
  });

  it('serves a known analyst (the dev fixture analyst-1)', async () => {
    const answer = await post(await graph.token('analyst', 'analyst-1'), FOLLOW_UP, { groupBy: 'SEX' });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.interventionFollowUp.total.started.value).toBeGreaterThan(0);
  });

  it('gives a second, unknown identity of a known analyst nothing: splitting queries between two subs no longer doubles the budget', async () => {
    const known = await graph.token('analyst', 'analyst-1');
    const shadow = await graph.token('analyst', 'analyst-1-second-identity');
    expect((await post(known, FOLLOW_UP, { groupBy: 'MUNICIPALITY' })).body.errors).toBeUndefined();
    for (const groupBy of ['SEX', 'MUNICIPALITY', 'INTERVENTION', 'FORBUND']) expectUnknownAnalyst(await post(shadow, FOLLOW_UP, { groupBy }));
  });

  it('refuses an analyst once removed with npm run analysts -- remove, within the list\'s few seconds, and serves them again once added back', async () => {
    const leaving = await graph.token('analyst', 'analyst-leaving');
    // Introspection's `__typename`: served to a known analyst, spending no query budget.
    expect((await post(leaving, '{ __typename }')).status).toBe(200);

    expect(await graph.analysts(['remove', 'analyst-leaving'])).toEqual({ status: 0, out: expect.stringMatching(/analyst-leaving is off the list/) });
    const removedAt = Date.now();
    await vi.waitFor(async () => expectUnknownAnalyst(await post(leaving, '{ __typename }')), { timeout: 15_000, interval: 500 });
    // The gateway reads the list at most every KNOWN_ANALYSTS_MAX_AGE_MS (5 s): the removal held within that, and a poll's worth.
    expect(Date.now() - removedAt).toBeLessThan(5000 + 1500);
    expect((await graph.analysts(['list'])).out).not.toMatch(/analyst-leaving/);

    expect((await graph.analysts(['add', 'analyst-leaving', '--name', 'Back again'])).status).toBe(0);
    await vi.waitFor(async () => expect((await post(leaving, '{ __typename }')).status).toBe(200), { timeout: 15_000, interval: 500 });

    // Who may read the förbund's statistics is itself on record: each change to the list, in the gateway's chain, by whom.
    const store = graph.store('gateway');
    try {
      const changes = await store.selectFrom('audit_log').select(['actor', 'role', 'purpose', 'fields', 'decision', 'reason', 'personnummer'])
        .where('fields', '=', JSON.stringify(['knownAnalyst.analyst-leaving'])).orderBy('seq').execute();
      expect(changes.map((c) => [c.decision, c.reason])).toEqual([['RECORDED', 'ANALYST_ADDED'], ['REVOKED', 'ANALYST_REMOVED'], ['RECORDED', 'ANALYST_ADDED']]);
      for (const change of changes) expect(change).toMatchObject({ actor: os.userInfo().username, role: 'administrator', purpose: 'ANALYST_LIST', personnummer: null });
      expect(await verifyChain(store)).toMatchObject({ ok: true });
    } finally {
      await store.destroy();
    }
  });

  it('npm run analysts: lists the list as a process, and names what is wrong with a request for it', async () => {
    const listed = await runTool('gateway/src/analysts-cli.ts', ['list'], graph.storeEnv);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toBe('');
    // The fixture analysts of the dev issuer, and the one the test's graph added.
    expect(listed.stdout.split('\n').filter(Boolean).map((line) => line.split('\t')[0])).toEqual(expect.arrayContaining(['analyst-1', 'analyst-2', 'analyst-3', 'analyst-leaving']));

    expect(await graph.analysts(['add', 'analyst-1'])).toEqual({ status: 0, out: expect.stringMatching(/analyst-1 was on the list of analysts already/) });
    expect(await graph.analysts(['remove', 'analyst-never-added'])).toEqual({ status: 1, out: expect.stringMatching(/analyst-never-added is not on the list.*nothing removed/) });
    for (const args of [[], ['promote', 'analyst-1'], ['add'], ['add', 'a', 'b'], ['list', 'analyst-1'], ['remove', 'analyst-1', '--name', 'x'], ['add', 'a', '--colour', 'red'], ['add', ' analyst-9']]) {
      const refused = await graph.analysts(args);
      expect(refused.status, args.join(' ')).toBe(2);
      expect(refused.out, args.join(' ')).toMatch(/Usage: npm run analysts -- add <user id>/);
    }
    // None of those changed the list.
    expect((await graph.analysts(['list'])).out).not.toMatch(/^(a|promote)\t/m);
  });
});
