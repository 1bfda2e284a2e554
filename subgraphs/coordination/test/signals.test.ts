import { describe, expect, it } from 'vitest';
import { SIGNAL_FIXTURES, FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { generatePopulation } from '@finsam/devkit/population/generate';
import type { PersonProfile } from '@finsam/devkit/population/types';
import { dayInRehabilitationChain } from '@finsam/sickness-insurance/rehabilitation-chain';
import reasons from '@finsam/social-services/reasons-for-need.json' with { type: 'json' };
import { computeSignals, unseenAgencies, type SectorFacts, type SicknessCaseFacts } from '../src/signals.ts';

const today = '2026-06-15';

/** The sector fields a person's profile would give through the query plan. */
function factsOf(p: PersonProfile): SectorFacts {
  return {
    sicknessInsurance: {
      cases: p.sicknessCases.map((c) => ({
        benefit: c.benefit, status: c.status, startDate: c.startDate, endDate: c.endDate, decisionDate: c.decisionDate,
        refusalReason: c.refusalReason, reconciliationMeetingDate: c.reconciliationMeetingDate, rehabilitationPlanDate: c.rehabilitationPlanDate,
        dayInRehabilitationChain: dayInRehabilitationChain({ benefit: c.benefit, status: c.status, start_date: c.startDate, end_date: c.endDate }, today),
      })),
    },
    employment: { registrations: p.registrations, programmes: p.programmes },
    socialServices: {
      assistanceMonths: p.assistanceMonths.map((m) => ({ month: m.month, reasonForNeed: { group: reasons.codes.find((r) => r.code === m.reasonForNeed)!.group } })),
    },
    care: { certificates: p.certificates },
  };
}

const sjukpenning = (fields: Partial<SicknessCaseFacts>): SicknessCaseFacts => ({
  benefit: 'SJUKPENNING', status: 'GRANTED', startDate: '2026-01-01', endDate: null, decisionDate: '2026-01-20', refusalReason: null,
  reconciliationMeetingDate: null, rehabilitationPlanDate: null, dayInRehabilitationChain: null, ...fields,
});
const empty: Required<SectorFacts> = {
  sicknessInsurance: { cases: [] },
  employment: { registrations: [], programmes: [] },
  socialServices: { assistanceMonths: [] },
  care: { certificates: [] },
};
/** Words of an English sentence that no Swedish signal text has (ISO dates and agency names aside). */
export const ENGLISH = /\b(the|and|of|no|not|with|since|from|between|day|days|refused|withdrawn|ended|granted|months?|sick|benefit|certificate|registration|programme|work|capacity|reduced|within|ends?|period|reason|need|leave|assessment)\b/i;

const codes = (facts: SectorFacts) => computeSignals(facts, today).map((s) => s.code);

describe('signals from the seeded fixtures', () => {
  const population = generatePopulation({ seed: 3, persons: 200, referenceDate: today });
  const byNumber = new Map(population.persons.map((p) => [p.personnummer, p]));

  for (const [code, number] of Object.entries(SIGNAL_FIXTURES)) {
    it(`${code} is raised for its fixture person, with facts from more than one sector or source`, () => {
      const signals = computeSignals(factsOf(byNumber.get(number)!), today);
      const signal = signals.find((s) => s.code === code);
      expect(signal).toBeDefined();
      expect(signal!.arose <= today).toBe(true);
      expect(signal!.facts.length).toBeGreaterThanOrEqual(2);
    });
  }

  it('says every summary and fact in Swedish, with ISO dates (a coordinator reads them)', () => {
    const texts = population.persons.flatMap((p) => computeSignals(factsOf(p), today)).flatMap((s) => [s.summary, ...s.facts.map((f) => f.description)]);
    expect(texts.length).toBeGreaterThan(8);
    for (const text of texts) {
      expect(text, text).not.toMatch(ENGLISH);
      expect(text, text).not.toMatch(/\d{1,2}\/\d{1,2}\/\d{4}/);
    }
  });

  it('raises nothing for the person whose situation is in order', () => {
    expect(computeSignals(factsOf(byNumber.get(FIXTURE_PERSONS.allConsent)!), today)).toEqual([]);
  });
});

describe('signal rules', () => {
  it('SICKNESS_BENEFIT_ENDED_NOT_REGISTERED waits 25 days and clears with a registration', () => {
    const refused = { ...empty, sicknessInsurance: { cases: [sjukpenning({ status: 'REFUSED', decisionDate: '2026-05-01', endDate: '2026-05-01' })] } };
    expect(codes(refused)).toContain('SICKNESS_BENEFIT_ENDED_NOT_REGISTERED');
    expect(computeSignals(refused, today)[0]!.arose).toBe('2026-05-26');
    const recent = { ...empty, sicknessInsurance: { cases: [sjukpenning({ status: 'REFUSED', decisionDate: '2026-06-01', endDate: '2026-06-01' })] } };
    expect(codes(recent)).not.toContain('SICKNESS_BENEFIT_ENDED_NOT_REGISTERED');
    const registered = { ...refused, employment: { registrations: [{ registeredOn: '2026-05-20', deregisteredOn: null }], programmes: [] } };
    expect(codes(registered)).not.toContain('SICKNESS_BENEFIT_ENDED_NOT_REGISTERED');
  });

  it('does not read a sector it cannot see as empty', () => {
    const refused = { ...empty, sicknessInsurance: { cases: [sjukpenning({ status: 'REFUSED', decisionDate: '2026-05-01', endDate: '2026-05-01' })] } };
    expect(codes({ ...refused, employment: null })).not.toContain('SICKNESS_BENEFIT_ENDED_NOT_REGISTERED');
    const assisted = { ...empty, socialServices: { assistanceMonths: ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'].map((month) => ({ month, reasonForNeed: { group: 'UNEMPLOYED' } })) } };
    expect(codes(assisted)).toContain('LONG_ASSISTANCE_NO_ACTIVITY');
    expect(codes({ ...assisted, employment: null })).not.toContain('LONG_ASSISTANCE_NO_ACTIVITY');
  });

  it('names each sector it cannot see with the signals not evaluated for it, and still evaluates those that do not need it', () => {
    expect(unseenAgencies(empty)).toEqual([]);
    expect(unseenAgencies({ ...empty, care: null, employment: undefined })).toEqual([
      { agency: 'EMPLOYMENT', signalsNotEvaluated: ['SICKNESS_BENEFIT_ENDED_NOT_REGISTERED', 'LONG_ASSISTANCE_NO_ACTIVITY', 'SICK_IN_PROGRAMME_NO_CERTIFICATE'] },
      { agency: 'CARE', signalsNotEvaluated: ['SICK_IN_PROGRAMME_NO_CERTIFICATE', 'CONFLICTING_ASSESSMENTS'] },
    ]);
    const day165 = { ...empty, employment: null, care: null, sicknessInsurance: { cases: [sjukpenning({ dayInRehabilitationChain: 165 })] } };
    expect(codes(day165)).toEqual(['DAY_180_APPROACHING']);
  });

  it('DAY_180_APPROACHING only between day 150 and 180 and without meeting or plan', () => {
    const at = (day: number, fields: Partial<SicknessCaseFacts> = {}) => codes({ ...empty, sicknessInsurance: { cases: [sjukpenning({ dayInRehabilitationChain: day, ...fields })] } });
    expect(at(149)).not.toContain('DAY_180_APPROACHING');
    expect(at(150)).toContain('DAY_180_APPROACHING');
    expect(at(180)).toContain('DAY_180_APPROACHING');
    expect(at(181)).not.toContain('DAY_180_APPROACHING');
    expect(at(160, { reconciliationMeetingDate: '2026-04-01' })).not.toContain('DAY_180_APPROACHING');
    expect(at(160, { rehabilitationPlanDate: '2026-04-01' })).not.toContain('DAY_180_APPROACHING');
  });

  it('LONG_ASSISTANCE_NO_ACTIVITY needs six months in the last twelve', () => {
    const months = (list: string[]) => ({ ...empty, socialServices: { assistanceMonths: list.map((month) => ({ month, reasonForNeed: { group: 'OTHER' } })) } });
    expect(codes(months(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05']))).not.toContain('LONG_ASSISTANCE_NO_ACTIVITY');
    expect(codes(months(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']))).not.toContain('LONG_ASSISTANCE_NO_ACTIVITY');
    const withProgramme = { ...months(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']), employment: { registrations: [], programmes: [{ startDate: '2026-02-01', endDate: '2026-03-01', reportedSickFrom: null, reportedSickTo: null }] } };
    expect(codes(withProgramme)).not.toContain('LONG_ASSISTANCE_NO_ACTIVITY');
  });

  it('SICK_LISTED_WITHOUT_BENEFIT clears when a benefit is granted for the month', () => {
    const sick = { ...empty, socialServices: { assistanceMonths: [{ month: '2026-05', reasonForNeed: { group: 'SICK_LEAVE_WITH_CERTIFICATE' } }] } };
    expect(codes(sick)).toContain('SICK_LISTED_WITHOUT_BENEFIT');
    expect(codes({ ...sick, sicknessInsurance: { cases: [sjukpenning({ startDate: '2026-04-01' })] } })).not.toContain('SICK_LISTED_WITHOUT_BENEFIT');
  });

  it('ACTIVITY_COMPENSATION_NO_ACTIVITY clears with a programme and a pending application', () => {
    const compensation = sjukpenning({ benefit: 'AKTIVITETSERSATTNING', startDate: '2025-01-01', endDate: '2026-09-30' });
    const base = { ...empty, sicknessInsurance: { cases: [compensation] } };
    expect(codes(base)).toContain('ACTIVITY_COMPENSATION_NO_ACTIVITY');
    const active = {
      sicknessInsurance: { cases: [compensation, sjukpenning({ benefit: 'AKTIVITETSERSATTNING', status: 'APPLICATION_RECEIVED', startDate: '2026-10-01', decisionDate: null })] },
      employment: { registrations: [], programmes: [{ startDate: '2026-03-01', endDate: null, reportedSickFrom: null, reportedSickTo: null }] },
    };
    expect(codes({ ...empty, ...active })).not.toContain('ACTIVITY_COMPENSATION_NO_ACTIVITY');
  });

  it('SICK_IN_PROGRAMME_NO_CERTIFICATE after seven days, unless a certificate covers day 8', () => {
    const programme = (from: string, to: string | null) => ({ ...empty, employment: { registrations: [], programmes: [{ startDate: '2026-01-01', endDate: null, reportedSickFrom: from, reportedSickTo: to }] } });
    expect(codes(programme('2026-06-01', '2026-06-07'))).not.toContain('SICK_IN_PROGRAMME_NO_CERTIFICATE');
    expect(codes(programme('2026-06-01', '2026-06-08'))).toContain('SICK_IN_PROGRAMME_NO_CERTIFICATE');
    const certified = { ...programme('2026-06-01', null), care: { certificates: [{ issuedOn: '2026-06-05', workCapacitySteps: [{ from: '2026-06-05', to: '2026-07-05', reduction: 100 }] }] } };
    expect(codes(certified)).not.toContain('SICK_IN_PROGRAMME_NO_CERTIFICATE');
  });

  it('CONFLICTING_ASSESSMENTS needs a full reduction in the certificate against a refusal', () => {
    const refusal = { ...empty, sicknessInsurance: { cases: [sjukpenning({ status: 'REFUSED', refusalReason: 'WORK_CAPACITY_NOT_REDUCED', decisionDate: '2026-05-20', endDate: '2026-05-20' })] } };
    const certificate = (reduction: number) => ({ certificates: [{ issuedOn: '2026-05-10', workCapacitySteps: [{ from: '2026-05-10', to: '2026-06-30', reduction }] }] });
    expect(codes({ ...refusal, care: certificate(100) })).toContain('CONFLICTING_ASSESSMENTS');
    expect(codes({ ...refusal, care: certificate(50) })).not.toContain('CONFLICTING_ASSESSMENTS');
  });

  it('lists signals newest first', () => {
    const signals = computeSignals(factsOf(generatePopulation({ seed: 3, persons: 60, referenceDate: today }).persons.find((p) => p.personnummer === FIXTURE_PERSONS.activityCompensationNoActivity)!), today);
    const dates = signals.map((s) => s.arose);
    expect([...dates].sort().reverse()).toEqual(dates);
  });
});
