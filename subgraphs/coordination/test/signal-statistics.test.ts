import { describe, expect, it } from 'vitest';
import { todayIso } from '@finsam/kit/dates';
import { generatePopulation } from '@finsam/devkit/population/generate';
import type { PersonProfile } from '@finsam/devkit/population/types';
import {
  Answers, answerCare, answerEmployment, answerSicknessInsurance, answerSocialServices,
  CARE_ANSWERS, EMPLOYMENT_ANSWERS, SICKNESS_INSURANCE_ANSWERS, SOCIAL_SERVICES_ANSWERS,
  type CareFacts, type EmploymentFacts, type SicknessInsuranceFacts, type SocialServicesFacts,
} from '@finsam/kit/signal-statistics';
import { dayInRehabilitationChain } from '@finsam/sickness-insurance/rehabilitation-chain';
import { reasonForNeed } from '@finsam/social-services/reasons-for-need';
import { SIGNAL_CODES, STATISTICS_RULES } from '../src/cohort-signals.ts';
import { computeSignals, type SignalCode } from '../src/signals.ts';

/** Each sector's facts of a seeded person, as each agency's subgraph builds them from its rows. */
function factsOf(p: PersonProfile, today: string) {
  const sicknessInsurance: SicknessInsuranceFacts = {
    cases: p.sicknessCases.map((c) => ({
      benefit: c.benefit, status: c.status, startDate: c.startDate, endDate: c.endDate, decisionDate: c.decisionDate, refusalReason: c.refusalReason,
      reconciliationMeetingDate: c.reconciliationMeetingDate, rehabilitationPlanDate: c.rehabilitationPlanDate,
      dayInRehabilitationChain: dayInRehabilitationChain({ benefit: c.benefit, status: c.status, start_date: c.startDate, end_date: c.endDate }, today),
    })),
  };
  const employment: EmploymentFacts = {
    registrations: p.registrations.map((r) => ({ registeredOn: r.registeredOn, deregisteredOn: r.deregisteredOn })),
    programmes: p.programmes.map((x) => ({ startDate: x.startDate, endDate: x.endDate, reportedSickFrom: x.reportedSickFrom, reportedSickTo: x.reportedSickTo })),
  };
  const socialServices: SocialServicesFacts = { assistanceMonths: p.assistanceMonths.map((m) => ({ month: m.month, reasonForNeed: { group: reasonForNeed(m.reasonForNeed).group } })) };
  const care: CareFacts = { certificates: p.certificates.map((c) => ({ issuedOn: c.issuedOn, workCapacitySteps: c.workCapacitySteps })) };
  return { sicknessInsurance, employment, socialServices, care };
}

/** For each code: members the person rule raises, members the statistics variant raises, and those where they differ. */
function compare(persons: number, known: (sector: string, i: number) => boolean = () => true) {
  const today = todayIso();
  const population = generatePopulation({ seed: 1, persons, referenceDate: today });
  const n = population.persons.length;
  const fk = Answers.empty(SICKNESS_INSURANCE_ANSWERS, n);
  const af = Answers.empty(EMPLOYMENT_ANSWERS, n);
  const ss = Answers.empty(SOCIAL_SERVICES_ANSWERS, n);
  const care = Answers.empty(CARE_ANSWERS, n);
  const result = Object.fromEntries(SIGNAL_CODES.map((c) => [c, { person: 0, statistics: 0, differ: 0 }])) as Record<SignalCode, { person: number; statistics: number; differ: number }>;
  const differingMembers = new Set<number>();
  population.persons.forEach((p, i) => {
    const facts = factsOf(p, today);
    const seen = {
      sicknessInsurance: known('sicknessInsurance', i) ? facts.sicknessInsurance : null,
      employment: known('employment', i) ? facts.employment : null,
      socialServices: known('socialServices', i) ? facts.socialServices : null,
      care: known('care', i) ? facts.care : null,
    };
    if (seen.sicknessInsurance) answerSicknessInsurance(fk, i, seen.sicknessInsurance, today);
    if (seen.employment) answerEmployment(af, i, seen.employment, today);
    if (seen.socialServices) answerSocialServices(ss, i, seen.socialServices, today);
    if (seen.care) answerCare(care, i, seen.care, today);
    const personSignals = new Set(computeSignals(seen, today).map((s) => s.code));
    const answer = <A>(a: A, sector: keyof typeof seen) => (seen[sector] ? { answers: a, at: i } : null);
    for (const code of SIGNAL_CODES) {
      const statistics = STATISTICS_RULES[code](answer(fk, 'sicknessInsurance'), answer(af, 'employment'), answer(ss, 'socialServices'), answer(care, 'care'));
      const person = personSignals.has(code);
      result[code].person += person ? 1 : 0;
      result[code].statistics += statistics ? 1 : 0;
      if (person !== statistics) {
        result[code].differ += 1;
        differingMembers.add(i);
      }
    }
  });
  return { result, differingMembers: differingMembers.size, persons: n };
}

describe('signal statistics from the agencies\' yes/no answers', () => {
  it('agree with the person rules exactly where no dates are compared across agencies, and nearly elsewhere (2,000-person seed)', () => {
    const { result, differingMembers, persons } = compare(2000);
    // The figure for docs/signal-statistics.md.
    console.log(`signal statistics vs person view, ${persons} persons: ${differingMembers} members differ`, JSON.stringify(result));
    for (const code of ['DAY_180_APPROACHING', 'LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE', 'LONG_ASSISTANCE_NO_ACTIVITY', 'SICK_LISTED_WITHOUT_BENEFIT', 'ACTIVITY_COMPENSATION_NO_ACTIVITY'] as const) {
      expect(result[code].differ, code).toBe(0);
    }
    expect(SIGNAL_CODES.some((c) => result[c].person > 0)).toBe(true);
    // The month-resolution rules: under 1 % of the population differs.
    expect(differingMembers).toBeLessThan(persons / 100);
  });

  it('never raise a signal from a sector that answered nothing (no consent)', () => {
    // Every other member has no consent to each agency in turn; the exact rules stay exact.
    const { result } = compare(1000, (sector, i) => (i + sector.length) % 3 !== 0);
    for (const code of ['DAY_180_APPROACHING', 'LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE', 'LONG_ASSISTANCE_NO_ACTIVITY', 'SICK_LISTED_WITHOUT_BENEFIT', 'ACTIVITY_COMPENSATION_NO_ACTIVITY'] as const) {
      expect(result[code].differ, code).toBe(0);
    }
  });

  it('fit each agency\'s answers for a member in a few bytes', () => {
    expect([SICKNESS_INSURANCE_ANSWERS.bytes, EMPLOYMENT_ANSWERS.bytes, SOCIAL_SERVICES_ANSWERS.bytes, CARE_ANSWERS.bytes]).toEqual([8, 9, 6, 5]);
  });
});
