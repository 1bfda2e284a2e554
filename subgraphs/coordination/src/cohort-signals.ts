import {
  CARE_ANSWERS, EMPLOYMENT_ANSWERS, SICKNESS_INSURANCE_ANSWERS, SOCIAL_SERVICES_ANSWERS, SPELL_MONTHS, type Answers,
} from '@finsam/kit/signal-statistics';
import { SIGNAL_RULES, type SignalCode } from './signals.ts';

export const SIGNAL_CODES = Object.keys(SIGNAL_RULES) as SignalCode[];

type SI = Answers<(typeof SICKNESS_INSURANCE_ANSWERS)['questions'] extends Record<infer Q, unknown> ? Q & string : never>;
type EM = Answers<(typeof EMPLOYMENT_ANSWERS)['questions'] extends Record<infer Q, unknown> ? Q & string : never>;
type SS = Answers<(typeof SOCIAL_SERVICES_ANSWERS)['questions'] extends Record<infer Q, unknown> ? Q & string : never>;
type CA = Answers<(typeof CARE_ANSWERS)['questions'] extends Record<infer Q, unknown> ? Q & string : never>;

/** One agency's answers on one member, or null when the agency released nothing on the member (unknown, as on the person view). */
interface Answer<A> { answers: A; at: number }

/**
 * The statistics variant of each rule (docs/signal-statistics.md): the person rule's parts that
 * read one sector are answered by that agency; coordination only combines the answers. A sector
 * the agency did not answer for is unknown, so a rule that needs it never fires.
 */
export const STATISTICS_RULES: Record<SignalCode, (fk: Answer<SI> | null, af: Answer<EM> | null, ss: Answer<SS> | null, care: Answer<CA> | null) => boolean> = {
  // Exists a month m (0–12) with a refusal or withdrawal decided, and no registration that month or the next.
  SICKNESS_BENEFIT_ENDED_NOT_REGISTERED: (fk, af) => {
    if (!fk || !af) return false;
    for (let m = 0; m <= 12; m++) {
      if (fk.answers.get(fk.at, 'sjukpenningRefusedOrWithdrawn', m)
        && !af.answers.get(af.at, 'registered', m) && !(m >= 1 && af.answers.get(af.at, 'registered', m - 1))) return true;
    }
    return false;
  },
  DAY_180_APPROACHING: (fk) => !!fk && fk.answers.get(fk.at, 'day180NoMeetingOrPlan'),
  // Exists a month m (0–24) in which sjukpenning ended, and bistånd in one of the 12 months after it.
  LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE: (fk, _af, ss) => {
    if (!fk || !ss) return false;
    for (let m = 0; m <= 24; m++) {
      if (!fk.answers.get(fk.at, 'sjukpenningLeft', m)) continue;
      for (let k = m - 12; k <= m - 1; k++) if (ss.answers.get(ss.at, 'assistance', k)) return true;
    }
    return false;
  },
  LONG_ASSISTANCE_NO_ACTIVITY: (_fk, af, ss) => !!af && !!ss && ss.answers.get(ss.at, 'assistance6Of12') && !af.answers.get(af.at, 'activeLastYear'),
  // Exists a month m (0–3) sick-listed with a certificate at the social services, with no benefit granted that month.
  SICK_LISTED_WITHOUT_BENEFIT: (fk, _af, ss) => {
    if (!fk || !ss) return false;
    for (let m = 0; m <= 3; m++) if (ss.answers.get(ss.at, 'sickWithCertificate', m) && !fk.answers.get(fk.at, 'benefitGranted', m)) return true;
    return false;
  },
  ACTIVITY_COMPENSATION_NO_ACTIVITY: (fk, af) => !!fk && fk.answers.get(fk.at, 'activityCompensationNow')
    && ((!!af && !af.answers.get(af.at, 'activeToday')) || fk.answers.get(fk.at, 'activityCompensationEndingNoRenewal')),
  // Runs of months with a sick spell (a new run where a spell reaches its 8th day): a run with no certified month fires.
  SICK_IN_PROGRAMME_NO_CERTIFICATE: (_fk, af, _ss, care) => {
    if (!af || !care) return false;
    let inRun = false;
    let certified = false;
    for (let k = SPELL_MONTHS - 1; k >= 0; k--) {
      const on = af.answers.get(af.at, 'sickSpell', k);
      if (inRun && !certified && (!on || af.answers.get(af.at, 'sickSpellStarts', k))) return true;
      if (!on) {
        inRun = false;
        continue;
      }
      if (!inRun || af.answers.get(af.at, 'sickSpellStarts', k)) {
        inRun = true;
        certified = false;
      }
      if (care.answers.get(care.at, 'certified', k)) certified = true;
    }
    return inRun && !certified;
  },
  // Exists a month m (0–12) with a refusal "work capacity not reduced", and a certificate of 100 % that month or the next.
  CONFLICTING_ASSESSMENTS: (fk, _af, _ss, care) => {
    if (!fk || !care) return false;
    for (let m = 0; m <= 12; m++) {
      if (fk.answers.get(fk.at, 'refusedCapacityNotReduced', m)
        && (care.answers.get(care.at, 'fullyReduced', m) || care.answers.get(care.at, 'fullyReduced', m - 1))) return true;
    }
    return false;
  },
};
