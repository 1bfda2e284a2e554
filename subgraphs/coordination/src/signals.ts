import { addDays, addMonths, covers, daysBetween, monthOf, overlaps, type IsoDate } from '@finsam/kit/dates';
import type { Agency } from '@finsam/kit/agencies';
import {
  LOOKBACK_DAYS, REGISTRATION_WINDOW_DAYS,
  type CareFacts, type EmploymentFacts, type SicknessCaseFacts, type SicknessInsuranceFacts, type SocialServicesFacts,
} from '@finsam/kit/signal-statistics';

/**
 * Signals that a person is falling between the chairs. Each rule reads more than one sector,
 * as the query plan delivers them to `Person.signals` through @requires. A sector that is null
 * (no consent, or its subgraph down) is unknown, not empty: a rule that needs the absence of
 * something in a sector never fires on a sector it cannot see.
 */

export type { SicknessCaseFacts };

export interface SectorFacts {
  sicknessInsurance?: SicknessInsuranceFacts | null;
  employment?: EmploymentFacts | null;
  socialServices?: SocialServicesFacts | null;
  care?: CareFacts | null;
}

export type SignalCode =
  | 'SICKNESS_BENEFIT_ENDED_NOT_REGISTERED'
  | 'DAY_180_APPROACHING'
  | 'LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE'
  | 'LONG_ASSISTANCE_NO_ACTIVITY'
  | 'SICK_LISTED_WITHOUT_BENEFIT'
  | 'ACTIVITY_COMPENSATION_NO_ACTIVITY'
  | 'SICK_IN_PROGRAMME_NO_CERTIFICATE'
  | 'CONFLICTING_ASSESSMENTS';

export interface SignalFact {
  agency: Agency;
  description: string;
  date: IsoDate | null;
}

export interface Signal {
  code: SignalCode;
  arose: IsoDate;
  summary: string;
  facts: SignalFact[];
}

type Rule = (facts: SectorFacts, today: IsoDate) => Signal | null;


/** How a case ended, as the Swedish sentence says it (summaries and facts are read by coordinators, in Swedish). */
const STATUS_SV: Record<string, string> = { REFUSED: 'nekad', WITHDRAWN: 'indragen', ENDED: 'avslutad' };

const firstDay = (month: string): IsoDate => `${month}-01`;
const lastDay = (month: string): IsoDate => addDays(firstDay(addMonths(month, 1)), -1);
const sjukpenning = (facts: SectorFacts) => (facts.sicknessInsurance?.cases ?? []).filter((c) => c.benefit === 'SJUKPENNING');
const endOf = (c: SicknessCaseFacts): IsoDate | null => c.endDate ?? c.decisionDate;

const sicknessBenefitEndedNotRegistered: Rule = ({ sicknessInsurance, employment }, today) => {
  if (!sicknessInsurance || !employment) return null;
  for (const c of sjukpenning({ sicknessInsurance })) {
    const decided = c.decisionDate ?? c.endDate;
    if ((c.status !== 'REFUSED' && c.status !== 'WITHDRAWN') || decided === null) continue;
    const windowEnd = addDays(decided, REGISTRATION_WINDOW_DAYS);
    if (windowEnd > today || daysBetween(decided, today) > LOOKBACK_DAYS) continue;
    const registered = employment.registrations.some((r) => overlaps(r.registeredOn, r.deregisteredOn, decided, windowEnd));
    if (registered) continue;
    return {
      code: 'SICKNESS_BENEFIT_ENDED_NOT_REGISTERED', arose: windowEnd,
      summary: `Sjukpenning ${STATUS_SV[c.status]} och ingen inskrivning hos Arbetsförmedlingen inom ${REGISTRATION_WINDOW_DAYS} dagar.`,
      facts: [
        { agency: 'SICKNESS_INSURANCE', description: `Sjukpenning ${STATUS_SV[c.status]}`, date: decided },
        { agency: 'EMPLOYMENT', description: `Inte inskriven som arbetssökande mellan ${decided} och ${windowEnd}`, date: null },
      ],
    };
  }
  return null;
};

const day180Approaching: Rule = ({ sicknessInsurance }, today) => {
  for (const c of sjukpenning({ sicknessInsurance })) {
    const day = c.dayInRehabilitationChain;
    const ongoing = c.status === 'GRANTED' && (c.endDate === null || c.endDate >= today);
    if (!ongoing || day === null || day < 150 || day > 180) continue;
    if (c.reconciliationMeetingDate !== null || c.rehabilitationPlanDate !== null) continue;
    return {
      code: 'DAY_180_APPROACHING', arose: addDays(c.startDate, 149),
      summary: `Dag ${day} i sjukskrivningen: prövningen mot hela arbetsmarknaden börjar dag 181, och det finns varken avstämningsmöte eller plan.`,
      facts: [
        { agency: 'SICKNESS_INSURANCE', description: `Sjukpenning sedan ${c.startDate}, dag ${day} i rehabiliteringskedjan`, date: c.startDate },
        { agency: 'SICKNESS_INSURANCE', description: 'Inget avstämningsmöte och ingen plan för återgång i arbete', date: null },
      ],
    };
  }
  return null;
};

const leftInsuranceOnSocialAssistance: Rule = ({ sicknessInsurance, socialServices }, today) => {
  if (!sicknessInsurance || !socialServices) return null;
  for (const c of sjukpenning({ sicknessInsurance })) {
    const ended = endOf(c);
    if (!['ENDED', 'REFUSED', 'WITHDRAWN'].includes(c.status) || ended === null || daysBetween(ended, today) > 2 * LOOKBACK_DAYS) continue;
    const firstMonthAfter = socialServices.assistanceMonths
      .map((m) => m.month)
      .filter((m) => m > monthOf(ended) && m <= addMonths(monthOf(ended), 12))
      .sort()[0];
    if (firstMonthAfter === undefined) continue;
    return {
      code: 'LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE', arose: firstDay(firstMonthAfter),
      summary: 'Har lämnat sjukförsäkringen och sedan fått ekonomiskt bistånd.',
      facts: [
        { agency: 'SICKNESS_INSURANCE', description: `Sjukpenning ${STATUS_SV[c.status]}`, date: ended },
        { agency: 'SOCIAL_SERVICES', description: `Ekonomiskt bistånd från ${firstMonthAfter}`, date: firstDay(firstMonthAfter) },
      ],
    };
  }
  return null;
};

const longAssistanceNoActivity: Rule = ({ socialServices, employment }, today) => {
  if (!socialServices || !employment) return null;
  const current = monthOf(today);
  const recent = socialServices.assistanceMonths.map((m) => m.month)
    .filter((m) => m > addMonths(current, -12) && m <= current).sort();
  if (recent.length < 6) return null;
  const yearAgo = addDays(today, -LOOKBACK_DAYS);
  const active = employment.registrations.some((r) => overlaps(r.registeredOn, r.deregisteredOn, yearAgo, today)) ||
    employment.programmes.some((p) => overlaps(p.startDate, p.endDate, yearAgo, today));
  if (active) return null;
  return {
    code: 'LONG_ASSISTANCE_NO_ACTIVITY', arose: firstDay(recent[5]!),
    summary: `Ekonomiskt bistånd ${recent.length} av de senaste 12 månaderna, utan inskrivning eller program hos Arbetsförmedlingen.`,
    facts: [
      { agency: 'SOCIAL_SERVICES', description: `Ekonomiskt bistånd ${recent.length} av de senaste 12 månaderna`, date: firstDay(recent[0]!) },
      { agency: 'EMPLOYMENT', description: 'Ingen inskrivning och inget program de senaste 12 månaderna', date: null },
    ],
  };
};

const sickListedWithoutBenefit: Rule = ({ socialServices, sicknessInsurance, care }, today) => {
  if (!socialServices || !sicknessInsurance) return null;
  const sickMonths = socialServices.assistanceMonths
    .filter((m) => m.reasonForNeed.group === 'SICK_LEAVE_WITH_CERTIFICATE' && m.month > addMonths(monthOf(today), -4) && m.month <= monthOf(today))
    .map((m) => m.month).sort();
  const uncovered = sickMonths.filter((month) => !sicknessInsurance.cases.some((c) =>
    c.status === 'GRANTED' && overlaps(c.startDate, c.endDate, firstDay(month), lastDay(month))));
  if (uncovered.length === 0) return null;
  const first = uncovered[0]!;
  const facts: SignalFact[] = [
    { agency: 'SOCIAL_SERVICES', description: 'Orsak till behovet: sjukskrivning med läkarintyg', date: firstDay(first) },
    { agency: 'SICKNESS_INSURANCE', description: `Ingen sjukpenning beviljad för ${uncovered.join(', ')}`, date: null },
  ];
  const certificate = care?.certificates.find((c) => c.workCapacitySteps.some((s) => overlaps(s.from, s.to, firstDay(first), today)));
  if (certificate) facts.push({ agency: 'CARE', description: 'Läkarintyg för perioden', date: certificate.issuedOn });
  return {
    code: 'SICK_LISTED_WITHOUT_BENEFIT', arose: firstDay(first),
    summary: 'Sjukskriven med läkarintyg enligt socialtjänsten, men utan sjukpenning.',
    facts,
  };
};

const activityCompensationNoActivity: Rule = ({ sicknessInsurance, employment }, today) => {
  if (!sicknessInsurance) return null;
  const cases = sicknessInsurance.cases.filter((c) => c.benefit === 'AKTIVITETSERSATTNING');
  const current = cases.find((c) => c.status === 'GRANTED' && covers(c.startDate, c.endDate, today));
  if (!current) return null;
  const facts: SignalFact[] = [{ agency: 'SICKNESS_INSURANCE', description: `Aktivitetsersättning sedan ${current.startDate}`, date: current.startDate }];
  let arose: IsoDate | null = null;

  if (employment) {
    const registered = employment.registrations.some((r) => covers(r.registeredOn, r.deregisteredOn, today));
    const inProgramme = employment.programmes.some((p) => covers(p.startDate, p.endDate, today));
    if (!registered && !inProgramme) {
      facts.push({ agency: 'EMPLOYMENT', description: 'Ingen inskrivning och inget program hos Arbetsförmedlingen', date: null });
      arose = current.startDate;
    }
  }
  const renewalPending = cases.some((c) => (c.status === 'APPLICATION_RECEIVED' || c.status === 'INVESTIGATION') && c !== current);
  if (current.endDate !== null && daysBetween(today, current.endDate) <= 183 && !renewalPending) {
    facts.push({ agency: 'SICKNESS_INSURANCE', description: `Perioden slutar ${current.endDate} och ingen ny ansökan har gjorts`, date: current.endDate });
    const sixMonthsBefore = addDays(current.endDate, -183);
    arose = arose === null || sixMonthsBefore > arose ? sixMonthsBefore : arose;
  }
  if (arose === null) return null;
  return {
    code: 'ACTIVITY_COMPENSATION_NO_ACTIVITY', arose,
    summary: 'Aktivitetsersättning utan aktivitet, eller som snart upphör utan ny ansökan.',
    facts,
  };
};

const sickInProgrammeNoCertificate: Rule = ({ employment, care }, today) => {
  if (!employment || !care) return null;
  for (const p of employment.programmes) {
    if (p.reportedSickFrom === null) continue;
    const sickTo = p.reportedSickTo ?? today;
    const sickDays = daysBetween(p.reportedSickFrom, sickTo) + 1;
    if (sickDays <= 7) continue;
    // A certificate is needed from the eighth day of sickness.
    const eighthDay = addDays(p.reportedSickFrom, 7);
    const certified = care.certificates.some((c) => c.workCapacitySteps.some((s) => overlaps(s.from, s.to, eighthDay, sickTo)));
    if (certified) continue;
    return {
      code: 'SICK_IN_PROGRAMME_NO_CERTIFICATE', arose: eighthDay,
      summary: `Sjuk ${sickDays} dagar under ett program, utan läkarintyg.`,
      facts: [
        { agency: 'EMPLOYMENT', description: `Sjukanmäld i program från ${p.reportedSickFrom}${p.reportedSickTo ? ` till ${p.reportedSickTo}` : ''}`, date: p.reportedSickFrom },
        { agency: 'CARE', description: 'Inget läkarintyg som täcker sjukdomen från dag 8', date: null },
      ],
    };
  }
  return null;
};

const conflictingAssessments: Rule = ({ sicknessInsurance, care }, today) => {
  if (!sicknessInsurance || !care) return null;
  for (const c of sjukpenning({ sicknessInsurance })) {
    if (c.status !== 'REFUSED' || c.refusalReason !== 'WORK_CAPACITY_NOT_REDUCED' || c.decisionDate === null) continue;
    if (daysBetween(c.decisionDate, today) > LOOKBACK_DAYS) continue;
    const decided = c.decisionDate;
    for (const certificate of care.certificates) {
      const step = certificate.workCapacitySteps.find((s) => s.reduction === 100 && s.to >= decided && s.from <= addDays(decided, 30));
      if (!step) continue;
      return {
        code: 'CONFLICTING_ASSESSMENTS', arose: decided > certificate.issuedOn ? decided : certificate.issuedOn,
        summary: 'Försäkringskassan bedömer att arbetsförmågan inte är nedsatt, medan läkarintyget säger att den är helt nedsatt.',
        facts: [
          { agency: 'SICKNESS_INSURANCE', description: 'Sjukpenning nekad: arbetsförmågan inte nedsatt med minst en fjärdedel', date: decided },
          { agency: 'CARE', description: `Läkarintyg: arbetsförmågan nedsatt 100 % från ${step.from} till ${step.to}`, date: certificate.issuedOn },
        ],
      };
    }
  }
  return null;
};

export const SIGNAL_RULES: Record<SignalCode, Rule> = {
  SICKNESS_BENEFIT_ENDED_NOT_REGISTERED: sicknessBenefitEndedNotRegistered,
  DAY_180_APPROACHING: day180Approaching,
  LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE: leftInsuranceOnSocialAssistance,
  LONG_ASSISTANCE_NO_ACTIVITY: longAssistanceNoActivity,
  SICK_LISTED_WITHOUT_BENEFIT: sickListedWithoutBenefit,
  ACTIVITY_COMPENSATION_NO_ACTIVITY: activityCompensationNoActivity,
  SICK_IN_PROGRAMME_NO_CERTIFICATE: sickInProgrammeNoCertificate,
  CONFLICTING_ASSESSMENTS: conflictingAssessments,
};

/**
 * The agencies each rule cannot do without. A rule with one of them unseen is not evaluated at
 * all, and the person's unseenAgencies says so; an agency a rule only adds a fact from (care's
 * certificate beside a sick-listing, Arbetsförmedlingen beside aktivitetsersättning) is not one.
 */
export const RULE_NEEDS: Record<SignalCode, readonly Agency[]> = {
  SICKNESS_BENEFIT_ENDED_NOT_REGISTERED: ['SICKNESS_INSURANCE', 'EMPLOYMENT'],
  DAY_180_APPROACHING: ['SICKNESS_INSURANCE'],
  LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE: ['SICKNESS_INSURANCE', 'SOCIAL_SERVICES'],
  LONG_ASSISTANCE_NO_ACTIVITY: ['SOCIAL_SERVICES', 'EMPLOYMENT'],
  SICK_LISTED_WITHOUT_BENEFIT: ['SOCIAL_SERVICES', 'SICKNESS_INSURANCE'],
  ACTIVITY_COMPENSATION_NO_ACTIVITY: ['SICKNESS_INSURANCE'],
  SICK_IN_PROGRAMME_NO_CERTIFICATE: ['EMPLOYMENT', 'CARE'],
  CONFLICTING_ASSESSMENTS: ['SICKNESS_INSURANCE', 'CARE'],
};

const SECTOR_OF: Record<Agency, keyof SectorFacts> = {
  SICKNESS_INSURANCE: 'sicknessInsurance', EMPLOYMENT: 'employment', SOCIAL_SERVICES: 'socialServices', CARE: 'care',
};

/** The agencies whose sector the rules could not see (null: refused, or its agency did not answer), each with the signals not evaluated for it. */
export function unseenAgencies(facts: SectorFacts): { agency: Agency; signalsNotEvaluated: SignalCode[] }[] {
  return (Object.keys(SECTOR_OF) as Agency[])
    .filter((agency) => facts[SECTOR_OF[agency]] == null)
    .map((agency) => ({ agency, signalsNotEvaluated: (Object.keys(RULE_NEEDS) as SignalCode[]).filter((code) => RULE_NEEDS[code].includes(agency)) }))
    .filter((unseen) => unseen.signalsNotEvaluated.length > 0);
}

/** Every signal the facts raise today, newest first; a rule that needs a sector not seen is not evaluated. */
export function computeSignals(facts: SectorFacts, today: IsoDate): Signal[] {
  return (Object.entries(SIGNAL_RULES) as [SignalCode, Rule][])
    .filter(([code]) => RULE_NEEDS[code].every((agency) => facts[SECTOR_OF[agency]] != null))
    .map(([, rule]) => rule(facts, today))
    .filter((signal): signal is Signal => signal !== null)
    .sort((a, b) => (a.arose < b.arose ? 1 : a.arose > b.arose ? -1 : 0));
}
