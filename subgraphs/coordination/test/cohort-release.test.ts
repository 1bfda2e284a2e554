import { describe, expect, it } from 'vitest';
import { AGENCIES, type Agency } from '@finsam/kit/agencies';
import {
  Answers, CARE_ANSWERS, EMPLOYMENT_ANSWERS, encodeAnswers, SICKNESS_INSURANCE_ANSWERS, SOCIAL_SERVICES_ANSWERS, type AnswerLayout,
} from '@finsam/kit/signal-statistics';
import { compactRelease, protectTables, seededRandom } from '@finsam/kit/statistics-release';
import { agencyLists, answersOf, periodMembers, signalRows, signalWorkload } from '../src/cohort-release-job.ts';
import { releasedCohortSize, releasedSignals } from '../src/released-cohort.ts';
import type { ReleaseParticipationRow } from '../src/data.ts';
import type { Catalogue } from '../src/released-follow-up.ts';

const row = (personnummer: string, id: string, registeredIn: string, intervention: string, municipality: string, groups: string[] = []): ReleaseParticipationRow => ({
  id, personnummer, intervention_id: intervention, registered_in: registeredIn, registered_out: null, occupation_before: 'OVRIGT', occupation_after: null,
  income_sources_before: '[]', income_sources_after: null, municipality_code: municipality, sex: 'FEMALE', birth_date: '1990-01-01', priority_groups: JSON.stringify(groups),
});

const domains = { interventions: ['i1', 'i2'], municipalities: ['1401', '1480'] };
const catalogue: Catalogue = {
  interventions: [{ id: 'i1', name: 'Steget', start_date: '2020-01-01', end_date: null }, { id: 'i2', name: 'Vägen', start_date: '2020-01-01', end_date: null }],
  municipalities: [{ code: '1401', name: 'Härryda', forbund_id: 'f1' }, { code: '1480', name: 'Göteborg', forbund_id: 'f1' }],
  forbund: [{ id: 'f1', name: 'Väst' }],
};
const LAYOUTS: Record<Agency, AnswerLayout<string>> = {
  SICKNESS_INSURANCE: SICKNESS_INSURANCE_ANSWERS, EMPLOYMENT: EMPLOYMENT_ANSWERS, SOCIAL_SERVICES: SOCIAL_SERVICES_ANSWERS, CARE: CARE_ANSWERS,
};

describe('the cohort part of the statistics release', () => {
  it('takes each person of a period once, by the earliest registration in it, and none registered in outside it', () => {
    const members = periodMembers([
      row('199001012381', 'a', '2025-01-05', 'i2', '1480'),
      row('199001012381', 'b', '2025-01-20', 'i1', '1480'),
      row('198502023456', 'c', '2024-12-31', 'i1', '1401'),
      row('198502023456', 'd', '2025-02-01', 'i1', '1401'),
    ], '2025-01-01', '2025-01-31');
    expect(members.map((m) => [m.personnummer, m.intervention])).toEqual([['199001012381', 'i2']]);
  });

  it('hands an agency only the members whose consent covers it, each with the longest-running consent', () => {
    const members = periodMembers([row('199001012381', 'a', '2025-01-05', 'i1', '1480'), row('198502023456', 'b', '2025-01-06', 'i1', '1401')], '2025-01-01', '2025-01-31');
    const lists = agencyLists(members, [
      { agency: 'CARE', valid_to: '2025-06-30', record: '199001012381 2025-01-01 2025-06-30' },
      { agency: 'CARE', valid_to: '2026-06-30', record: '199001012381 2025-01-01 2026-06-30' },
      { agency: 'EMPLOYMENT', valid_to: '2026-06-30', record: '198502023456 2025-01-01 2026-06-30' },
    ]);
    expect(lists.CARE).toEqual([expect.objectContaining({ personnummer: '199001012381', consentValidTo: '2026-06-30' })]);
    expect(lists.EMPLOYMENT.map((m) => m.personnummer)).toEqual(['198502023456']);
    expect(lists.SICKNESS_INSURANCE).toEqual([]);
    expect(lists.SOCIAL_SERVICES).toEqual([]);
  });

  it('names, for the social services, the municipalities each member\'s consents in force name, and none for an agency that is one authority', () => {
    const members = periodMembers([row('199001012381', 'a', '2025-01-05', 'i1', '1480')], '2025-01-01', '2025-01-31');
    const lists = agencyLists(members, [
      { agency: 'SOCIAL_SERVICES', valid_to: '2026-06-30', record: '199001012381 2025-01-01 2026-06-30', controller: '1481' },
      { agency: 'SOCIAL_SERVICES', valid_to: '2025-06-30', record: '199001012381 2025-01-01 2025-06-30', controller: '1480' },
      { agency: 'EMPLOYMENT', valid_to: '2026-06-30', record: '199001012381 2025-01-01 2026-06-30', controller: null },
    ]);
    expect(lists.SOCIAL_SERVICES).toEqual([expect.objectContaining({ personnummer: '199001012381', consentValidTo: '2026-06-30', controllers: ['1480', '1481'] })]);
    expect(lists.EMPLOYMENT[0]).not.toHaveProperty('controllers');
  });

  it('counts each signal once per person from the agencies\' answers, and reads the counts back by code, municipality and filter', () => {
    // 30 persons: the first 12 in Göteborg with mental ill health; Försäkringskassan says day 180 without a plan for every third.
    const rows = Array.from({ length: 30 }, (_, i) => row(`19900101${String(1000 + i)}`, `p${i}`, '2025-03-10', i % 2 ? 'i2' : 'i1', i < 12 ? '1480' : '1401', i < 12 ? ['MENTAL_ILL_HEALTH'] : []));
    const members = periodMembers(rows, '2025-03-01', '2025-03-31');
    const everyone = members.flatMap((m) => AGENCIES.map((agency) => ({ agency, valid_to: '2026-12-31', record: `${m.personnummer} 2025-01-01 2026-12-31` })));
    const lists = agencyLists(members, everyone);
    const answers = Object.fromEntries(AGENCIES.map((agency) => {
      const list = lists[agency];
      const text = JSON.stringify({ agency, members: list });
      const facts = Answers.empty(LAYOUTS[agency], list.length);
      list.forEach((_, i) => {
        facts.set(i, 'released');
        if (agency === 'SICKNESS_INSURANCE' && i % 3 === 0) facts.set(i, 'day180NoMeetingOrPlan');
      });
      return [agency, answersOf(agency, encodeAnswers(text, facts), text, list)!];
    })) as Parameters<typeof signalRows>[1];
    // ρ so large that the noise is 0: the reading is checked against known counts.
    const release = compactRelease(protectTables(signalRows(members, answers), signalWorkload(domains), 1e12, seededRandom('exact'), { period: '2025-03' }));
    const read = releasedSignals([release], {}, catalogue, { fromMonth: '2025-03', toMonth: '2025-03' });
    const byCode = read.byCode();
    expect(byCode.ok && byCode.value.find((c) => c.code === 'DAY_180_APPROACHING')!.count.value).toBe(10);
    expect(byCode.ok && byCode.value.filter((c) => c.code !== 'DAY_180_APPROACHING').every((c) => c.count.value === 0)).toBe(true);
    const byMunicipality = read.byMunicipality();
    expect(byMunicipality.ok && byMunicipality.value.find((b) => b.code === 'DAY_180_APPROACHING')!.counts).toEqual([
      { category: '1401', count: { value: 6, suppressed: false } }, { category: '1480', count: { value: 4, suppressed: false } },
    ]);
    const mental = releasedSignals([release, release], { priorityGroup: 'MENTAL_ILL_HEALTH', municipality: ['1480'] }, catalogue, { fromMonth: '2025-03', toMonth: '2025-04' }).byCode();
    expect(mental.ok && mental.value.find((c) => c.code === 'DAY_180_APPROACHING')!.count.value).toBe(8);
    // No table holds signal by intervention for one municipality: refused, naming the filter.
    const refused = releasedSignals([release], { municipality: ['1480'] }, catalogue, { fromMonth: '2025-03', toMonth: '2025-03' }).byIntervention();
    expect(refused.ok ? null : refused.refusal).toMatchObject({ code: 'BAD_USER_INPUT', details: { argument: 'filter' } });
    expect(releasedCohortSize([], {}).ok).toBe(true);
  });
});
