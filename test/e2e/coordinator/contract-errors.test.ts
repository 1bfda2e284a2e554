import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAuditTrailId } from '@finsam/kit/audit-trail';
import { addDays, todayIso } from '@finsam/kit/dates';
import { makePersonnummer } from '@finsam/kit/personnummer';
import { FIXTURE_PERSONS, SIGNAL_FIXTURES } from '@finsam/devkit/population/fixtures';
import { startGraph, type GraphQLResponse, type TestGraph } from '../../support/graph.ts';
import { callSubgraph } from '../../support/subgraph-caller.ts';

type GraphQLErrorBody = NonNullable<GraphQLResponse['body']['errors']>[number];
const errorsOf = (r: GraphQLResponse) => r.body.errors ?? [];
const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('errors a standard client can live with, through the real graph', () => {
  let graph: TestGraph;
  let coordinator: string;
  beforeAll(async () => {
    graph = await startGraph({ persons: 200 });
    coordinator = await graph.token('coordinator', 'coordinator-1');
  });
  afterAll(() => graph?.close());

  describe('errors only at paths the operation selected', () => {
    it('a caseload asked only for its signals comes back without the refusals of the sectors that fed them', async () => {
      const response = await graph.query(coordinator, '{ me { caseload(first: 60) { nodes { signals { code } } } } }');
      expect(response.body.errors).toBeUndefined();
      const codes = response.body.data!.me.caseload.nodes.flatMap((n: { signals: { code: string }[] | null }) => (n.signals ?? []).map((s) => s.code));
      // Still computed from what the agencies released: the fixtures' signals are there.
      expect(codes).toEqual(expect.arrayContaining(Object.keys(SIGNAL_FIXTURES)));
    });

    it('keeps a refusal at a field the client selected, under its alias and inside fragments', async () => {
      const plain = await graph.query(coordinator, 'query($p: String!) { person(personnummer: $p) { care { __typename } signals { code } } }', { p: FIXTURE_PERSONS.lacksCare });
      expect(errorsOf(plain)).toEqual([expect.objectContaining({ path: ['person', 'care'], extensions: expect.objectContaining({ code: 'FORBIDDEN', reason: 'NO_CONSENT' }) })]);

      const aliased = await graph.query(coordinator,
        'query($p: String!) { who: person(personnummer: $p) { ...Sectors } } fragment Sectors on Person { ... on Person { region: care { __typename } } }',
        { p: FIXTURE_PERSONS.lacksCare });
      expect(errorsOf(aliased)).toEqual([expect.objectContaining({ path: ['who', 'region'], extensions: expect.objectContaining({ code: 'FORBIDDEN', reason: 'NO_CONSENT' }) })]);

      const list = await graph.query(coordinator, '{ me { caseload(first: 60) { nodes { personnummer care { __typename } } } } }');
      const nodes = list.body.data!.me.caseload.nodes as { personnummer: string; care: unknown }[];
      const refusedAt = errorsOf(list).filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => e.path);
      expect(refusedAt).toContainEqual(['me', 'caseload', 'nodes', nodes.findIndex((n) => n.personnummer === FIXTURE_PERSONS.lacksCare), 'care']);
      for (const p of refusedAt) expect(nodes[p![3] as number]!.care).toBeNull();
    });
  });

  describe('date arguments', () => {
    it('names the argument and says the day does not exist', async () => {
      const auditor = await graph.token('auditor', 'auditor-1');
      for (const [argument, args] of [['from', 'from: "2025-02-30"'], ['to', 'from: "2025-01-01", to: "2025-04-31"']] as const) {
        const r = await graph.query(auditor, `query($p: String!) { auditTrail(personnummer: $p, ${args}) { id } }`, { p: FIXTURE_PERSONS.allConsent });
        const [error] = errorsOf(r);
        expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
        expect(error?.message).toMatch(new RegExp(`^${argument}\\b`));
        expect(error?.message).toMatch(/does not exist/);
      }
      const analyst = await graph.token('analyst', 'analyst-1');
      for (const [argument, from, to] of [['from', '2025-02-30', '2025-06-30'], ['to', '2025-01-01', '2025-02-29']] as const) {
        for (const field of ['interventionFollowUp(from: $from, to: $to) { __typename }', 'cohort(from: $from, to: $to) { __typename }']) {
          const r = await graph.query(analyst, `query($from: String!, $to: String!) { ${field} }`, { from, to });
          const [error] = errorsOf(r);
          expect(error?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', argument });
          expect(error?.message).toMatch(new RegExp(`^${argument}\\b`));
          expect(error?.message).toMatch(/does not exist/);
        }
      }
      const today = todayIso();
      const r = await graph.query(coordinator,
        'mutation($input: RecordConsentInput!) { recordConsent(input: $input) { __typename } }',
        { input: { personnummer: FIXTURE_PERSONS.lacksCare, agencies: ['CARE'], validFrom: today, validTo: `${Number(today.slice(0, 4)) + 1}-02-30`, formReference: 'F-1' } });
      expect(errorsOf(r)[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.validTo' });
      expect(errorsOf(r)[0]?.message).toMatch(/^validTo\b.*does not exist/);
    });
  });

  describe('personnummer', () => {
    it('says what is wrong with a serial number 000 and with a birth date in the future', async () => {
      const ask = (p: string) => graph.query(coordinator, 'query($p: String!) { person(personnummer: $p) { __typename } }', { p });
      const serial000 = errorsOf(await ask(makePersonnummer('1985-03-12', 0)))[0];
      expect(serial000?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'personnummer' });
      expect(serial000?.message).toMatch(/000/);
      expect(serial000?.message).not.toMatch(/date/);
      const future = errorsOf(await ask(makePersonnummer(addDays(todayIso(), 40), 382)))[0];
      expect(future?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'personnummer' });
      expect(future?.message).toMatch(/future/);
    });
  });

  describe('refusals', () => {
    it('every FORBIDDEN a client can get says why (extensions.reason)', async () => {
      const errors: GraphQLErrorBody[] = [];
      const collect = (r: { body?: { errors?: GraphQLErrorBody[] }; errors?: unknown[] }) => errors.push(...((r.body?.errors ?? r.errors ?? []) as GraphQLErrorBody[]));
      const analyst = await graph.token('analyst', 'analyst-1');
      const auditor = await graph.token('auditor', 'auditor-1');
      collect(await graph.query(coordinator, '{ __schema { queryType { name } } }'));
      collect(await graph.query(analyst, '{ me { id } }'));
      collect(await graph.query(coordinator, 'query($p: String!) { auditTrail(personnummer: $p) { id } }', { p: FIXTURE_PERSONS.allConsent }));
      collect(await graph.query(auditor, 'query($p: String!) { person(personnummer: $p) { name } }', { p: FIXTURE_PERSONS.allConsent }));
      collect(await graph.query(coordinator, 'query($p: String!) { person(personnummer: $p) { name address care { __typename } } }', { p: FIXTURE_PERSONS.protectedIdentity }));
      collect(await graph.query(coordinator, '{ interventionFollowUp(from: "2025-01-01", to: "2025-06-30") { __typename } }'));
      collect(await graph.query(coordinator, '{ cohort(from: "2025-01-01", to: "2025-06-30") { __typename } }'));
      collect(await graph.query(await graph.token('coordinator', 'coordinator-2'), 'query($p: String!) { person(personnummer: $p) { name } }', { p: FIXTURE_PERSONS.allConsent }));
      // What a holder of a gateway token reaches directly at coordination, past the gateway's own entry points.
      const caller = { role: 'coordinator' as const, requestId: 'contract-errors-1' };
      const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Coordinator { caseload(first: 1) { totalCount } } ... on Cohort { signals { __typename } } ... on AuditTrail { records { __typename } } } }';
      collect(await callSubgraph(graph, 'coordination', caller, entities, { r: [{ __typename: 'Coordinator', id: 'coordinator-2' }] }));
      collect(await callSubgraph(graph, 'coordination', caller, entities, { r: [{ __typename: 'Cohort', id: 'x' }] }));
      const auditTrailId = encodeAuditTrailId({ personnummer: FIXTURE_PERSONS.allConsent, from: null, to: todayIso() });
      collect(await callSubgraph(graph, 'coordination', caller, entities, { r: [{ __typename: 'AuditTrail', id: auditTrailId }] }));
      const forbidden = errors.filter((e) => e.extensions?.code === 'FORBIDDEN');
      expect(forbidden.length).toBeGreaterThanOrEqual(10);
      expect(forbidden.filter((e) => typeof e.extensions?.reason !== 'string' || e.extensions.reason === '').map((e) => e.message)).toEqual([]);
    });

    it('a coordinator the graph does not know gets a coded refusal, not me: null', async () => {
      const r = await graph.query(await graph.token('coordinator', 'coordinator-does-not-exist'), '{ me { id } }');
      expect(r.body.data?.me ?? null).toBeNull();
      expect(errorsOf(r)).toEqual([expect.objectContaining({
        path: ['me'], message: expect.stringMatching(/coordinator-does-not-exist/),
        extensions: expect.objectContaining({ code: 'FORBIDDEN', reason: 'UNKNOWN_COORDINATOR' }),
      })]);
    });
  });

  describe('a representation that does not hold what signals require', () => {
    // What a query planner other than ours, or a holder of the gateway's key, may hand coordination:
    // sector facts with fields missing or of the wrong kind. Read as they came, they crashed the
    // signal rules (INTERNAL_SERVER_ERROR, "Cannot read properties of undefined").
    const SIGNALS = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { signals { code } unseenAgencies { agency } } } }';
    const sectors = { sicknessInsurance: { cases: [] }, employment: { registrations: [], programmes: [] }, socialServices: { assistanceMonths: [] }, care: { certificates: [] } };
    const represent = (facts: Record<string, unknown>) => ({ r: [{ __typename: 'Person', personnummer: FIXTURE_PERSONS.allConsent, ...sectors, ...facts }] });

    it.each([
      ['a case without its start date', { sicknessInsurance: { cases: [{ benefit: 'SJUKPENNING', status: 'ENDED', endDate: '2026-01-31', decisionDate: null, refusalReason: null, reconciliationMeetingDate: null, rehabilitationPlanDate: null, dayInRehabilitationChain: null }] } }, 'sicknessInsurance.cases[0].startDate'],
      ['a certificate without its steps', { care: { certificates: [{ issuedOn: '2026-01-01' }] } }, 'care.certificates[0].workCapacitySteps'],
      ['an assistance month without its reason', { socialServices: { assistanceMonths: [{ month: '2026-01' }] } }, 'socialServices.assistanceMonths[0].reasonForNeed'],
      ['registrations that are not a list', { employment: { registrations: 'none', programmes: [] } }, 'employment.registrations'],
      ['a benefit no code list has', { sicknessInsurance: { cases: [{ benefit: 'LOTTERY', status: 'ENDED', startDate: '2025-01-01', endDate: null, decisionDate: null, refusalReason: null, reconciliationMeetingDate: null, rehabilitationPlanDate: null, dayInRehabilitationChain: null }] } }, 'sicknessInsurance.cases[0].benefit'],
    ])('%s is refused as BAD_USER_INPUT naming the field, not a crash', async (_case, facts, field) => {
      const answer = await callSubgraph(graph, 'coordination', { requestId: `malformed-representation-${field}` }, SIGNALS, represent(facts));
      expect(answer.status).toBe(200);
      expect(answer.data?._entities?.[0] ?? null).toBeNull();
      const codes = (answer.errors ?? []).map((e) => e.extensions?.code);
      expect(codes, JSON.stringify(answer.errors)).toContain('BAD_USER_INPUT');
      expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
      const refusal = answer.errors!.find((e) => e.extensions?.code === 'BAD_USER_INPUT')!;
      expect(refusal.message).toContain('representations');
      expect(refusal.message).toContain(field);
    });

    it('a well-formed one is answered, and sectors handed over as null are unseen, not refused', async () => {
      const whole = await callSubgraph(graph, 'coordination', { requestId: 'well-formed-representation' }, SIGNALS, represent({}));
      expect(whole.errors).toBeUndefined();
      expect(whole.data._entities[0]).toEqual({ signals: [], unseenAgencies: [] });
      const unseen = await callSubgraph(graph, 'coordination', { requestId: 'null-sectors-representation' }, SIGNALS, represent({ care: null }));
      expect(unseen.errors).toBeUndefined();
      expect(unseen.data._entities[0].unseenAgencies).toEqual([{ agency: 'CARE' }]);
    });
  });

  describe('signals asked outside the query plan', () => {
    // Hive Gateway's JavaScript planner (docs/performance.md) asks coordination for a caseload page's
    // signals in the same fetch as the page, handing over none of the agencies' data they require.
    // Computed from nothing, every agency came back unseen (UNAVAILABLE where the person had
    // consented) and no signal at all: a plausible answer, and a wrong one.
    const PAGE = '{ me { caseload(first: 5) { nodes { personnummer signals { code } unseenAgencies { agency reason } } } } }';
    const PERSON = `{ person(personnummer: "${FIXTURE_PERSONS.allConsent}") { personnummer signals { code } } }`;

    it.each([['a caseload page', PAGE, ['me', 'caseload', 'nodes', 0]], ['person', PERSON, ['person']]])('on %s is refused, with a code, at each such field', async (_case, query, at) => {
      const answer = await callSubgraph(graph, 'coordination', { requestId: `signals-outside-plan-${String(at[0])}` }, query);
      expect(answer.status).toBe(200);
      const refusals = (answer.errors ?? []).filter((e) => e.extensions?.code === 'BAD_USER_INPUT' && e.extensions?.reason === 'REQUIRES_NOT_HANDED_OVER');
      expect(refusals.length, JSON.stringify(answer.errors)).toBeGreaterThan(0);
      expect(refusals.map((e) => (e.path as (string | number)[]).slice(0, at.length))).toContainEqual(at);
      expect(refusals[0]!.message).toContain('signals');
      // Nothing computed from nothing: no field of the page carries signals or unseen agencies.
      const nodes = query === PAGE ? answer.data?.me?.caseload?.nodes ?? [] : [answer.data?.person].filter(Boolean);
      for (const node of nodes) {
        expect(node.signals ?? null).toBeNull();
        expect(node.unseenAgencies ?? null).toBeNull();
      }
    });
  });

  describe('request errors', () => {
    it('a syntax error is GRAPHQL_PARSE_FAILED; too many tokens stays a validation refusal', async () => {
      const syntax = await graph.query(coordinator, '{ me { id ');
      expect(syntax.status).toBe(400);
      expect(errorsOf(syntax).map((e) => e.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
      const tokens = await graph.query(coordinator, `{ ${Array.from({ length: 2100 }, () => '__typename').join(' ')} }`);
      expect(errorsOf(tokens).map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(errorsOf(tokens)[0]?.message).toMatch(/token/i);
    });
  });

  describe('a subgraph that does not answer', () => {
    it('gives SUBGRAPH_UNAVAILABLE at the path of each field it owns, and at signals when they could not see its sector', async () => {
      await graph.stopSubgraph('care');
      try {
        const one = await graph.query(coordinator, 'query($p: String!) { person(personnummer: $p) { care { __typename } employment { __typename } } }', { p: FIXTURE_PERSONS.allConsent });
        expect(one.body.data!.person.employment).not.toBeNull();
        expect(errorsOf(one)).toEqual([expect.objectContaining({ path: ['person', 'care'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'care' }) })]);

        const page = await graph.query(coordinator, '{ me { caseload(first: 5) { nodes { c: care { __typename } } } } }');
        expect(errorsOf(page).map((e) => e.path)).toEqual([0, 1, 2, 3, 4].map((i) => ['me', 'caseload', 'nodes', i, 'c']));
        expect(errorsOf(page).every((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE' && e.extensions?.serviceName === 'care')).toBe(true);

        // Signals without care are computed from the rest, and the client is told, at signals, which agency did not answer.
        const signals = await graph.query(coordinator, 'query($p: String!) { person(personnummer: $p) { signals { code } } }', { p: SIGNAL_FIXTURES.SICK_IN_PROGRAMME_NO_CERTIFICATE });
        expect(signals.body.data!.person.signals.map((s: { code: string }) => s.code)).not.toContain('SICK_IN_PROGRAMME_NO_CERTIFICATE');
        expect(errorsOf(signals)).toEqual([expect.objectContaining({
          path: ['person', 'signals'], message: expect.stringMatching(/^signals computed without care/),
          extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'care' }),
        })]);
      } finally {
        await graph.restartSubgraph('care');
      }
    });

    it('with Arbetsförmedlingen down, keeps the signals that do not need it and names it as unseen, on a person and across the caseload', async () => {
      await graph.stopSubgraph('employment');
      try {
        const one = await graph.query(coordinator, 'query($p: String!) { person(personnummer: $p) { signals { code } unseenAgencies { agency reason signalsNotEvaluated } } }',
          { p: SIGNAL_FIXTURES.DAY_180_APPROACHING });
        const person = one.body.data!.person;
        expect(person.signals.map((s: { code: string }) => s.code)).toContain('DAY_180_APPROACHING');
        expect(person.unseenAgencies).toContainEqual({
          agency: 'EMPLOYMENT', reason: 'UNAVAILABLE',
          signalsNotEvaluated: ['SICKNESS_BENEFIT_ENDED_NOT_REGISTERED', 'LONG_ASSISTANCE_NO_ACTIVITY', 'SICK_IN_PROGRAMME_NO_CERTIFICATE'],
        });

        const page = await graph.query(coordinator, '{ me { caseload(first: 60) { nodes { signals { code } unseenAgencies { agency reason } } } } }');
        const nodes = page.body.data!.me.caseload.nodes as { signals: { code: string }[] | null; unseenAgencies: { agency: string; reason: string }[] }[];
        expect(nodes.length).toBeGreaterThan(8);
        expect(nodes.every((n) => n.signals !== null)).toBe(true);
        // Unseen on every row: not answering, or (for a person who has not consented to it) not asked.
        expect(nodes.every((n) => n.unseenAgencies.some((u) => u.agency === 'EMPLOYMENT'))).toBe(true);
        expect(nodes.filter((n) => n.unseenAgencies.some((u) => u.agency === 'EMPLOYMENT' && u.reason === 'UNAVAILABLE')).length).toBeGreaterThan(nodes.length / 2);
        const codes = nodes.flatMap((n) => n.signals!.map((s) => s.code));
        expect(codes).toEqual(expect.arrayContaining(['DAY_180_APPROACHING', 'CONFLICTING_ASSESSMENTS', 'LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE']));
        expect(codes).not.toContain('LONG_ASSISTANCE_NO_ACTIVITY');
        expect(errorsOf(page).every((e) => e.extensions?.serviceName === 'employment' && e.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);

        // The same holds for every field that requires a sector: an auditor's extract comes from the agencies that answered, and says which did not.
        const auditor = await graph.token('auditor', 'auditor-1');
        const trail = await graph.query(auditor, 'query($p: String!) { auditTrail(personnummer: $p) { records { agency } } }', { p: SIGNAL_FIXTURES.DAY_180_APPROACHING });
        expect(trail.body.data!.auditTrail.records.map((r: { agency: string }) => r.agency)).toContain('COORDINATION');
        expect(errorsOf(trail)).toEqual([expect.objectContaining({
          path: ['auditTrail', 'records'], message: expect.stringMatching(/^records computed without employmentRecords/),
          extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'employment' }),
        })]);
      } finally {
        await graph.restartSubgraph('employment');
      }
    });

    it('names an agency without consent as NO_CONSENT, and none when every agency was seen', async () => {
      const query = 'query($p: String!) { person(personnummer: $p) { unseenAgencies { agency reason signalsNotEvaluated } } }';
      const lacksCare = await graph.query(coordinator, query, { p: FIXTURE_PERSONS.lacksCare });
      expect(lacksCare.body.data!.person.unseenAgencies).toEqual([
        { agency: 'CARE', reason: 'NO_CONSENT', signalsNotEvaluated: ['SICK_IN_PROGRAMME_NO_CERTIFICATE', 'CONFLICTING_ASSESSMENTS'] },
      ]);
      const all = await graph.query(coordinator, query, { p: FIXTURE_PERSONS.allConsent });
      expect(all.body.data!.person.unseenAgencies).toEqual([]);
    });

    it('a root field of a subgraph that is down has its path too', async () => {
      await graph.stopSubgraph('coordination');
      try {
        const r = await graph.query(coordinator, '{ me { id } }');
        expect(errorsOf(r)).toEqual([expect.objectContaining({ path: ['me'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'coordination' }) })]);
      } finally {
        await graph.restartSubgraph('coordination');
      }
    });
  });

  describe('npm run token', () => {
    it('mints for the role\'s own default user, from any directory, and says which DATA_DIR it read', async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'gateway/src/token-cli.ts'), '--role', 'analyst'], {
        cwd: os.tmpdir(), env: { ...process.env, DATA_DIR: graph.dataDir, JWKS_URL: '' },
      });
      const [comment, token] = stdout.trim().split('\n').slice(-2) as [string, string];
      expect(comment).toMatch(/analyst-1/);
      expect(comment).toContain(graph.dataDir);
      const r = await graph.query(token, '{ __typename }');
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
    });
  });
});
