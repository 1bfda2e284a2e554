import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayIso } from '@finsam/kit/dates';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { personEntities, serveSubgraph } from '@finsam/devkit/testing/subgraph-client';
import { dayInRehabilitationChain, rehabilitationCheckpoint } from '../src/resolvers/sickness-benefit-case.ts';
import { buildSicknessInsurance } from '../src/subgraph.ts';

const CASES = personEntities(`sicknessInsurance {
  ongoingSickLeave { id currentDegree dayInRehabilitationChain rehabilitationCheckpoint }
  cases { id benefit status startDate endDate employed degreeSteps { from to degree } diagnosisCode diagnosisGroup decisionDate refusalReason caseOfficer { name office } }
}`);

describe('sickness-insurance subgraph', () => {
  let subgraph: Awaited<ReturnType<typeof serveSubgraph>>;
  beforeAll(async () => { subgraph = await serveSubgraph(buildSicknessInsurance); });
  afterAll(() => subgraph?.close());

  it('resolves a Person entity to its benefit cases with degree steps and the rehabilitation chain', async () => {
    const { body } = await subgraph.query(CASES, await subgraph.personRefs([FIXTURE_PERSONS.allConsent]));
    expect(body.errors).toBeUndefined();
    const insurance = body.data._entities[0].sicknessInsurance;
    expect(insurance.cases).toHaveLength(1);
    const [sickLeave] = insurance.cases;
    expect(sickLeave).toMatchObject({ benefit: 'SJUKPENNING', status: 'GRANTED', employed: true, diagnosisCode: 'F43.8A' });
    expect(sickLeave.diagnosisGroup).toMatch(/^F00-F99/);
    expect(sickLeave.degreeSteps.map((s: { degree: number }) => s.degree)).toEqual([100, 50]);
    expect(insurance.ongoingSickLeave).toMatchObject({ currentDegree: 50, dayInRehabilitationChain: 101, rehabilitationCheckpoint: 'ANY_WORK_AT_EMPLOYER' });
  });

  it('gives a person without cases an empty list, not an error', async () => {
    const { body } = await subgraph.query(CASES, await subgraph.personRefs([FIXTURE_PERSONS.longAssistanceNoActivity]));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].sicknessInsurance).toEqual({ ongoingSickLeave: null, cases: [] });
  });

  it('loads 100 persons\' cases and degree steps in two statements', async () => {
    const numbers = Object.values(FIXTURE_PERSONS);
    const before = await subgraph.statements();
    const { body } = await subgraph.query(CASES, await subgraph.personRefs([...numbers, ...numbers]));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toHaveLength(numbers.length * 2);
    expect(await subgraph.statements() - before).toBe(2);
  });

  it('offers no root field that returns a person', async () => {
    const { body } = await subgraph.query('{ __schema { queryType { fields { name } } } }');
    expect(body.data.__schema.queryType.fields.map((f: { name: string }) => f.name).sort()).toEqual(['_entities', '_service']);
  });
});

describe('the rehabilitation chain', () => {
  const today = todayIso();
  const sickSince = (days: number) => ({ benefit: 'SJUKPENNING', status: 'GRANTED', start_date: addDays(today, -(days - 1)), end_date: null });

  it('counts the day from the first day of sick leave and stops at the end date', () => {
    expect(dayInRehabilitationChain(sickSince(1), today)).toBe(1);
    expect(dayInRehabilitationChain(sickSince(181), today)).toBe(181);
    expect(dayInRehabilitationChain({ ...sickSince(300), end_date: addDays(today, -200) }, today)).toBe(100);
    expect(dayInRehabilitationChain({ ...sickSince(10), benefit: 'SJUKERSATTNING' }, today)).toBeNull();
  });

  it('moves the assessment at days 90, 180 and 365, and to the whole labour market at once for the unemployed', () => {
    expect(rehabilitationCheckpoint(90, true)).toBe('OWN_OR_OTHER_WORK_AT_EMPLOYER');
    expect(rehabilitationCheckpoint(91, true)).toBe('ANY_WORK_AT_EMPLOYER');
    expect(rehabilitationCheckpoint(181, true)).toBe('LABOUR_MARKET_UNLESS_RETURN_LIKELY');
    expect(rehabilitationCheckpoint(366, true)).toBe('WHOLE_LABOUR_MARKET');
    expect(rehabilitationCheckpoint(1, false)).toBe('WHOLE_LABOUR_MARKET');
  });
});
