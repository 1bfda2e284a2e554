import { AGENCY_TABLE, type Agency, type AgencyRow } from '@finsam/kit/agencies';
import type { CategoryCount, MembersForAgency } from '@finsam/kit/cohort';
import { publish, publishWithin, type ProtectedCount, type RecordKeys, type Tally } from '@finsam/kit/disclosure';
import {
  CARE_ANSWERS, decodeAnswers, EMPLOYMENT_ANSWERS, SICKNESS_INSURANCE_ANSWERS, SOCIAL_SERVICES_ANSWERS, SPELL_MONTHS, type Answers,
} from '@finsam/kit/signal-statistics';
import type { FollowUpRow } from './data.ts';
import { SIGNAL_RULES, type SignalCode } from './signals.ts';

/** What each agency released for the cohort through the query plan, under its `signalFactsField`: its answers (signal-statistics.ts). */
export type ReleasedSectors = { [A in Agency as AgencyRow<A>['signalFactsField']]?: string | null };

/** The member list coordination handed each agency (under its `membersField`), as it handed it over. */
export type HandedOverLists = Record<Agency, string>;

export interface CohortSignalFigures {
  byCode: { code: SignalCode; count: ProtectedCount }[];
  byMunicipality: { code: SignalCode; counts: CategoryCount[] }[];
  byIntervention: { code: SignalCode; counts: CategoryCount[] }[];
}

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

/** The personnummer of a handed-over list, in its order. */
export function handedOverPersons(handedOver: string): string[] {
  const { members } = JSON.parse(handedOver) as MembersForAgency;
  return members === '' ? [] : members.split(',').map((record) => record.slice(0, record.indexOf(' ')));
}

/** One agency's answers with each member's place in them; null when they did not arrive or do not fit the list handed over. */
function answersOf<Q extends string>(wire: string | null | undefined, layout: Parameters<typeof decodeAnswers<Q>>[1], handedOver: string) {
  const persons = handedOverPersons(handedOver);
  const answers = decodeAnswers(wire, layout, handedOver, persons.length);
  if (!answers) return null;
  const at = new Map(persons.map((p, i) => [p, i]));
  return (personnummer: string): Answer<Answers<Q>> | null => {
    const i = at.get(personnummer);
    return i !== undefined && answers.get(i, 'released') ? { answers, at: i } : null;
  };
}

/**
 * Combines the agencies' answers into each member's signals, and publishes only protected counts
 * (disclosure.ts): each code's count perturbed with the store's record keys, and each category
 * under a code only when the code's own count is published.
 */
export function cohortSignalFigures(
  members: readonly FollowUpRow[], released: ReleasedSectors, handedOver: HandedOverLists, keys: RecordKeys,
  listed: { municipalities: readonly string[]; interventions: readonly string[] } = { municipalities: [], interventions: [] },
): CohortSignalFigures {
  const releasedBy = (agency: Agency) => released[AGENCY_TABLE[agency].signalFactsField];
  const fk = answersOf(releasedBy('SICKNESS_INSURANCE'), SICKNESS_INSURANCE_ANSWERS, handedOver.SICKNESS_INSURANCE);
  const af = answersOf(releasedBy('EMPLOYMENT'), EMPLOYMENT_ANSWERS, handedOver.EMPLOYMENT);
  const ss = answersOf(releasedBy('SOCIAL_SERVICES'), SOCIAL_SERVICES_ANSWERS, handedOver.SOCIAL_SERVICES);
  const care = answersOf(releasedBy('CARE'), CARE_ANSWERS, handedOver.CARE);

  // One member may take part in several interventions in the period: one person, several rows.
  const persons = new Map<string, { municipality: string; interventions: Set<string> }>();
  for (const row of members) {
    const person = persons.get(row.personnummer) ?? { municipality: row.municipality_code, interventions: new Set<string>() };
    person.interventions.add(row.intervention_id);
    persons.set(row.personnummer, person);
  }
  // The categories shown: those listed whoever is in them (so that presence says nothing), and any member's.
  const municipalities = [...new Set([...listed.municipalities, ...[...persons.values()].map((p) => p.municipality)])].sort();
  const interventions = [...new Set([...listed.interventions, ...[...persons.values()].flatMap((p) => [...p.interventions])])].sort();
  const withSignal = SIGNAL_CODES.map(() => [] as string[]);
  const byMunicipality = SIGNAL_CODES.map(() => new Map<string, string[]>());
  const byIntervention = SIGNAL_CODES.map(() => new Map<string, string[]>());
  const rules = SIGNAL_CODES.map((code) => STATISTICS_RULES[code]);

  for (const [personnummer, person] of persons) {
    const answers = [fk?.(personnummer) ?? null, af?.(personnummer) ?? null, ss?.(personnummer) ?? null, care?.(personnummer) ?? null] as const;
    rules.forEach((rule, r) => {
      if (!rule(...answers)) return;
      withSignal[r]!.push(personnummer);
      const m = byMunicipality[r]!;
      (m.get(person.municipality) ?? m.set(person.municipality, []).get(person.municipality)!).push(personnummer);
      for (const intervention of person.interventions) {
        const i = byIntervention[r]!;
        (i.get(intervention) ?? i.set(intervention, []).get(intervention)!).push(personnummer);
      }
    });
  }

  const codeTallies = withSignal.map((persons) => keys.tally(persons));
  const byCode = SIGNAL_CODES.map((code, r) => ({ code, count: publish(codeTallies[r]!) }));
  const breakdown = (tables: Map<string, string[]>[], categories: string[]) => SIGNAL_CODES.map((code, r) => {
    const tallies: Tally[] = categories.map((category) => keys.tally(tables[r]!.get(category) ?? []));
    // A code whose own count is withheld shows no category of its own.
    const counts = publishWithin(codeTallies[r]!, tallies);
    return { code, counts: categories.map((category, c) => ({ category, count: counts[c]! })) };
  });
  return { byCode, byMunicipality: breakdown(byMunicipality, municipalities), byIntervention: breakdown(byIntervention, interventions) };
}
