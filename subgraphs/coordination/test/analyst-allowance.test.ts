import SQLite from 'better-sqlite3';
import { parse, type FragmentDefinitionNode, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnalystAllowance, BUDGET_WINDOW_MS, allowanceSettings, touchesPerMember, type StatisticsQuery } from '../src/analyst-allowance.ts';
import type { CoordinationDb } from '../src/data.ts';
import { migrations } from '../src/migrations.ts';

/** The resolve info of the document's first root field, as coordination's resolver sees it. */
function infoOf(document: string) {
  const parsed = parse(document);
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(parsed.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]));
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

const ALL_AGENCIES = infoOf('{ cohort(from: "a", to: "b") { id size { value } sicknessInsuranceMembers employmentMembers socialServicesMembers careMembers } }');
const FOLLOW_UP = infoOf('{ interventionFollowUp(from: "a", to: "b") { total { started { value } } } }');
const cohort = (definition: string, memberCount: number): StatisticsQuery => ({ kind: 'cohort', definition, memberCount });

function refusalOf(promise: Promise<unknown>): Promise<({ message: string } & Record<string, unknown>) | null> {
  return promise.then(() => null, (error: { message: string; extensions: Record<string, unknown> }) => ({ ...error.extensions, message: error.message }));
}

describe('touches per member', () => {
  it('is one for a report and one more per agency handed the members and for signals', () => {
    expect(touchesPerMember(FOLLOW_UP)).toBe(1);
    expect(touchesPerMember(ALL_AGENCIES)).toBe(5);
    expect(touchesPerMember(infoOf('{ cohort(from: "a", to: "b") { id careMembers signals { byCode { code } } } }'))).toBe(3);
  });

  it('finds the fields inside fragments and counts an aliased repeat once', () => {
    const info = infoOf(`{ cohort(from: "a", to: "b") { id ...Sectors ... on Cohort { careMembers again: careMembers employmentMembers } } }
      fragment Sectors on Cohort { sicknessInsuranceMembers ... on Cohort { socialServicesMembers } ...Sectors2 }
      fragment Sectors2 on Cohort { signals { byCode { code } } }`);
    expect(touchesPerMember(info)).toBe(6);
  });
});

describe('analyst allowance', () => {
  let db: Kysely<CoordinationDb>;
  let now: number;
  const request = () => ({ db, caller: { actorId: 'analyst-1', role: 'analyst' as const, purpose: 'STATISTICS', requestId: 'r' } });

  beforeEach(async () => {
    db = new Kysely<CoordinationDb>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await migrations['0003_analyst_query_budget']!.up(db);
    now = Date.parse('2026-03-01T10:00:00Z');
  });
  afterEach(() => db.destroy());

  it('reads its settings from the env, with the documented defaults', () => {
    expect(allowanceSettings({})).toEqual({ queryBudget: 300, personsPerRequest: null, personsPerMinute: 1_200_000 });
    expect(allowanceSettings({ ANALYST_QUERY_BUDGET: '5', ANALYST_PERSONS_PER_REQUEST: '10', ANALYST_PERSONS_PER_MINUTE: '20' })).toEqual({ queryBudget: 5, personsPerRequest: 10, personsPerMinute: 20 });
  });

  it('spends one unit per distinct definition in 30 days; a repeat is free, and the unit frees up 30 days on', async () => {
    const allowance = new AnalystAllowance({ queryBudget: 2, personsPerRequest: 1e9, personsPerMinute: 1e9 }, { now: () => now });
    await allowance.admit(request(), FOLLOW_UP, cohort('A', 10));
    now += 1000;
    await allowance.admit(request(), FOLLOW_UP, cohort('B', 10));
    await allowance.admit(request(), FOLLOW_UP, cohort('A', 10));
    const refused = await refusalOf(allowance.admit(request(), FOLLOW_UP, cohort('C', 10)));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', reason: 'QUERY_BUDGET_SPENT', budget: 2, nextUnitAt: '2026-03-31T10:00:00.000Z' });
    expect(refused!.message).toContain('2 distinct statistics queries per 30 days');
    expect(refused!.message).toContain('2026-03-31T10:00:00.000Z');
    // The refused definition was not registered; the same kind with another definition is another query.
    expect(await db.selectFrom('analyst_query').select('definition_digest').execute()).toHaveLength(2);
    // Another analyst has their own budget.
    await allowance.admit({ ...request(), caller: { ...request().caller, actorId: 'analyst-2' } }, FOLLOW_UP, cohort('C', 10));
    now = Date.parse('2026-03-01T10:00:00Z') + BUDGET_WINDOW_MS + 1;
    await allowance.admit(request(), FOLLOW_UP, cohort('C', 10));
  });

  it('lets only one of two concurrent new definitions take the last unit', async () => {
    const allowance = new AnalystAllowance({ queryBudget: 1, personsPerRequest: 1e9, personsPerMinute: 1e9 }, { now: () => now });
    const outcomes = await Promise.all([refusalOf(allowance.admit(request(), FOLLOW_UP, cohort('A', 1))), refusalOf(allowance.admit(request(), FOLLOW_UP, cohort('B', 1)))]);
    expect(outcomes.filter((o) => o === null)).toHaveLength(1);
    expect(outcomes.find((o) => o !== null)).toMatchObject({ reason: 'QUERY_BUDGET_SPENT' });
  });

  it('bounds the person-touches of one request, summed over its fields', async () => {
    const allowance = new AnalystAllowance({ queryBudget: 100, personsPerRequest: 1000, personsPerMinute: 1e9 }, { now: () => now });
    const ctx = request();
    await allowance.admit(ctx, ALL_AGENCIES, cohort('A', 100)); // 500
    await allowance.admit(ctx, ALL_AGENCIES, cohort('A', 100)); // 1000
    const refused = await refusalOf(allowance.admit(ctx, ALL_AGENCIES, cohort('A', 1)));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', reason: 'ANALYST_WORK_LIMIT', limit: 1000, touches: 1005 });
    expect(refused!.message).toContain('1,005 person records');
    expect(refused!.message).toContain('1 members × 5 = 5');
    // The next request starts again from nothing.
    await allowance.admit(request(), ALL_AGENCIES, cohort('A', 200));
  });

  it('bounds one analyst\'s person-touches over a sliding minute', async () => {
    const allowance = new AnalystAllowance({ queryBudget: 100, personsPerRequest: 1e9, personsPerMinute: 1000 }, { now: () => now });
    await allowance.admit(request(), ALL_AGENCIES, cohort('A', 120)); // 600 at 0 s
    now += 30_000;
    await allowance.admit(request(), ALL_AGENCIES, cohort('A', 80)); // 400 at 30 s
    now += 20_000;
    const refused = await refusalOf(allowance.admit(request(), FOLLOW_UP, cohort('B', 1)));
    expect(refused).toMatchObject({ reason: 'ANALYST_WORK_LIMIT', limit: 1000, retryAfterSeconds: 10 });
    expect(refused!.message).toContain('1,000 person records in the last minute');
    // A refused field spends no budget either.
    expect(await db.selectFrom('analyst_query').select('definition_digest').execute()).toHaveLength(1);
    // Another analyst is not held back; the first one is again once the oldest work is a minute old.
    await allowance.admit({ ...request(), caller: { ...request().caller, actorId: 'analyst-2' } }, ALL_AGENCIES, cohort('A', 200));
    now += 10_001;
    await allowance.admit(request(), ALL_AGENCIES, cohort('A', 120));
  });

  it('at the defaults and a 100,000-person seed, admits a whole-population cohort with every agency and refuses 20 aliased ones', async () => {
    const allowance = new AnalystAllowance({ ...allowanceSettings({}), personsPerRequest: 8 * 100_000 }, { now: () => now });
    // SignalsEveryParticipant: every participant handed to all four agencies.
    await allowance.admit(request(), ALL_AGENCIES, cohort('everyone', 100_000));
    now += 60_001;
    const ctx = request();
    const outcomes = [];
    for (let i = 0; i < 20; i++) outcomes.push(await refusalOf(allowance.admit(ctx, ALL_AGENCIES, cohort('everyone', 100_000))));
    expect(outcomes[0]).toBeNull();
    expect(outcomes.slice(1).every((o) => o?.reason === 'ANALYST_WORK_LIMIT')).toBe(true);
    // A whole-förbund cohort and a report over every participation fit in one request beside each other.
    now += 60_001;
    const other = request();
    await allowance.admit(other, ALL_AGENCIES, cohort('förbund', 25_230));
    await allowance.admit(other, FOLLOW_UP, { kind: 'interventionFollowUp', definition: 'all', memberCount: 114_995 });
  });

  it('gives back the reserved work of a field its budget refuses', async () => {
    const allowance = new AnalystAllowance({ queryBudget: 1, personsPerRequest: 1000, personsPerMinute: 1000 }, { now: () => now });
    const ctx = request();
    await allowance.admit(ctx, ALL_AGENCIES, cohort('A', 100));
    expect(await refusalOf(allowance.admit(ctx, ALL_AGENCIES, cohort('B', 100)))).toMatchObject({ reason: 'QUERY_BUDGET_SPENT' });
    await allowance.admit(ctx, ALL_AGENCIES, cohort('A', 100));
  });
});
