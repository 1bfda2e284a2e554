import { randomUUID } from 'node:crypto';
import { AGENCIES, AGENCY_TABLE, type Agency } from '@finsam/kit/agencies';
import { requestAgencyRelease } from '@finsam/kit/agency-statistics-release';
import { releasedSet, type AuditLog } from '@finsam/kit/audit';
import { failure, type Result } from '@finsam/kit/errors';
import { subgraphUrl } from '@finsam/kit/config';
import { signStatisticsBasis } from '@finsam/kit/release-basis';
import { forbundId } from '@finsam/kit/trusted-forbund';
import { controllerKindOf } from '@finsam/kit/controllers';
import {
  CARE_ANSWERS, decodeAnswers, EMPLOYMENT_ANSWERS, SICKNESS_INSURANCE_ANSWERS, SOCIAL_SERVICES_ANSWERS, type AnswerLayout, type Answers,
} from '@finsam/kit/signal-statistics';
import type { RecipientKey, SigningKey } from '@finsam/kit/signing-key';
import {
  periodBounds, protectTables, RELEASE_AGE_BANDS, RELEASE_PRIORITY_GROUPS, RELEASE_SEXES,
  type AgencyReleaseAnswer, type Marginal, type ParticipationRow, type RandomSource, type ReleaseMember, type ReleaseMemberList, type Workload,
} from '@finsam/kit/statistics-release';
import { STATISTICS_RULES, SIGNAL_CODES } from './cohort-signals.ts';
import {
  consentsInForce, participationsForRelease, releaseDomains, storeRelease, type CoordinationDb, type Db, type ReleaseParticipationRow,
} from './data.ts';
import { ageBand } from './follow-up.ts';
import { RELEASE_JOB_ACTOR } from './statistics-release-job.ts';

/**
 * The cohort part of the statistics release (issue 20; docs/statistics-release.md): for each
 * period coordination has released, its cohort (the persons registered in during it, each by
 * their earliest registration in it) is handed to each agency for that agency's own release of
 * its categories, and the agencies' yes/no answers to the signal questions are combined here into
 * the signal counts, released with their own noise. The exact signal counts exist only in this
 * job's memory; analysts' cohorts are answered from what it stores (resolvers/cohort.ts).
 */

/** The signal release's measures: every member, and the members of each priority group. */
export const MEMBERS = 'members';
export const memberPriorityGroupMeasure = (group: string) => `members.priorityGroup.${group}`;

/**
 * k of the multi-valued dimension `signal`: the most signals one person contributes to a table.
 * In the 2,000-person seed, of the members with any signal 89 % have one, 10 % two, 1 % three
 * and none more (measured on the 2025 release); three keeps everyone's signals at σ √3 times a
 * one-valued table's.
 */
export const SIGNALS_PER_PERSON = 3;

/** Dimensions a cohort's filter narrows by, each a table of its own with the signal. */
const BY = ['municipality', 'intervention', 'sex', 'ageBand'] as const;

/**
 * The signal counts' workload, 11 tables: by signal alone, and by signal and each of municipality,
 * intervention, sex and age band (a cohort filtered or broken down by one of them), by signal for
 * each priority group (the operations filter by them), and by signal and municipality for mental
 * ill health (CohortAcrossSectors). Each table weighs 1: σ = √(3 · 11 / 2) ≈ 4.1 at ρ = 1.
 */
export function signalWorkload(domains: { interventions: readonly string[]; municipalities: readonly string[] }): Workload {
  const measures: Record<string, Record<string, string>> = {};
  for (const group of RELEASE_PRIORITY_GROUPS) measures[memberPriorityGroupMeasure(group)] = { [`priorityGroup.${group}`]: 'YES' };
  const marginals: Marginal[] = [
    { measure: MEMBERS, dimensions: ['signal'] },
    ...BY.map((d) => ({ measure: MEMBERS, dimensions: ['signal', d] })),
    ...RELEASE_PRIORITY_GROUPS.map((group) => ({ measure: memberPriorityGroupMeasure(group), dimensions: ['signal'] })),
    { measure: memberPriorityGroupMeasure('MENTAL_ILL_HEALTH'), dimensions: ['signal', 'municipality'] },
  ];
  return {
    domains: {
      signal: [...SIGNAL_CODES],
      intervention: [...domains.interventions],
      municipality: [...domains.municipalities],
      sex: [...RELEASE_SEXES],
      ageBand: [...RELEASE_AGE_BANDS],
    },
    multiValued: { signal: SIGNALS_PER_PERSON },
    measures: { [MEMBERS]: {}, ...measures },
    marginals,
  };
}

/** A person of a period's cohort, with the dimensions of their earliest registration in it. */
export interface PeriodMember {
  personnummer: string;
  participationId: string;
  registeredIn: string;
  intervention: string;
  municipality: string;
  sex: string;
  ageBand: string;
  priorityGroups: string[];
}

/** The period's cohort: each person registered in during [from, to], by their earliest registration in it (protected identities are not read). */
export function periodMembers(rows: readonly ReleaseParticipationRow[], from: string, to: string): PeriodMember[] {
  const members = new Map<string, PeriodMember>();
  // Rows come oldest registration first, ties by id: the first row of a person is their earliest.
  for (const row of rows) {
    if (row.registered_in < from || row.registered_in > to || members.has(row.personnummer)) continue;
    members.set(row.personnummer, {
      personnummer: row.personnummer, participationId: row.id, registeredIn: row.registered_in, intervention: row.intervention_id,
      municipality: row.municipality_code, sex: row.sex, ageBand: ageBand(row.birth_date, row.registered_in),
      priorityGroups: JSON.parse(row.priority_groups) as string[],
    });
  }
  return [...members.values()].sort((a, b) => a.personnummer.localeCompare(b.personnummer));
}

/**
 * Each agency's list: the members whose consent covers it on `asOf`, each with the consent that
 * runs longest (the agency checks it itself), in personnummer order; for an agency of many
 * controllers, with the controllers those consents name, whose data alone counts. A member without such a
 * consent is on no list of that agency: it learns nothing of them.
 */
export function agencyLists(
  members: readonly PeriodMember[], consents: readonly { agency: Agency; valid_to: string; record: string; controller?: string | null }[],
): Record<Agency, ReleaseMember[]> {
  const best = new Map<Agency, Map<string, { from: string; to: string }>>(AGENCIES.map((a) => [a, new Map()]));
  // For an agency of many controllers (the social services' municipalities), which ones each member's consents name.
  const named = new Map<Agency, Map<string, Set<string>>>(AGENCIES.map((a) => [a, new Map()]));
  for (const c of consents) {
    const [personnummer, from, to] = c.record.split(' ') as [string, string, string];
    const byPerson = best.get(c.agency);
    const current = byPerson?.get(personnummer);
    if (byPerson && (!current || to > current.to)) byPerson.set(personnummer, { from, to });
    if (c.controller) {
      const ofAgency = named.get(c.agency)!;
      (ofAgency.get(personnummer) ?? ofAgency.set(personnummer, new Set()).get(personnummer)!).add(c.controller);
    }
  }
  return Object.fromEntries(AGENCIES.map((agency) => [agency, members.flatMap((m) => {
    const consent = best.get(agency)!.get(m.personnummer);
    const controllers = controllerKindOf(agency) ? [...(named.get(agency)!.get(m.personnummer) ?? [])].sort() : null;
    return consent ? [{
      personnummer: m.personnummer, consentValidFrom: consent.from, consentValidTo: consent.to, ...(controllers ? { controllers } : {}),
      intervention: m.intervention, municipality: m.municipality, sex: m.sex, ageBand: m.ageBand, priorityGroups: m.priorityGroups,
    }] : [];
  })])) as Record<Agency, ReleaseMember[]>;
}

const LAYOUTS: Record<Agency, AnswerLayout<string>> = {
  SICKNESS_INSURANCE: SICKNESS_INSURANCE_ANSWERS, EMPLOYMENT: EMPLOYMENT_ANSWERS, SOCIAL_SERVICES: SOCIAL_SERVICES_ANSWERS, CARE: CARE_ANSWERS,
};

/** One agency's answers on a period's members, and each member's place in them; null where it released nothing on the member. */
type AnswersOf = (personnummer: string) => { answers: Answers<string>; at: number } | null;

/** Reads an agency's answers against the list it was handed (the digest must match; each member's 'released' bit must be set). */
export function answersOf(agency: Agency, wire: string, listText: string, list: readonly ReleaseMember[]): AnswersOf | null {
  const answers = decodeAnswers(wire, LAYOUTS[agency], listText, list.length);
  if (!answers) return null;
  const at = new Map(list.map((m, i) => [m.personnummer, i]));
  return (personnummer) => {
    const i = at.get(personnummer);
    return i !== undefined && answers.get(i, 'released') ? { answers, at: i } : null;
  };
}

/** The period's members as rows of the signal release: each with the signals the agencies' answers fire. */
export function signalRows(members: readonly PeriodMember[], answers: Record<Agency, AnswersOf>): ParticipationRow[] {
  const rules = SIGNAL_CODES.map((code) => [code, STATISTICS_RULES[code]] as const);
  return members.map((m) => {
    const facts = [answers.SICKNESS_INSURANCE(m.personnummer), answers.EMPLOYMENT(m.personnummer), answers.SOCIAL_SERVICES(m.personnummer), answers.CARE(m.personnummer)] as const;
    // The rules are typed per agency's questions; the answers here are read by the same layouts.
    const signals = rules.filter(([, rule]) => (rule as (...a: unknown[]) => boolean)(...facts)).map(([code]) => code);
    const attributes: Record<string, string> = { intervention: m.intervention, municipality: m.municipality, sex: m.sex, ageBand: m.ageBand };
    for (const group of RELEASE_PRIORITY_GROUPS) attributes[`priorityGroup.${group}`] = (group === 'NONE' ? m.priorityGroups.length === 0 : m.priorityGroups.includes(group)) ? 'YES' : 'NO';
    return { person: m.personnummer, id: m.participationId, at: m.registeredIn, attributes, sets: { signal: signals } };
  });
}

export interface CohortReleaseOptions {
  /** The day the job runs: consents are read in force on it, and the agencies' facts are as of it. */
  today: string;
  random: RandomSource;
  now: () => string;
  audit: AuditLog;
  signingKey: Pick<SigningKey, 'kid' | 'privateKey'>;
  /** Each agency's published encryption key, to seal its list to. */
  recipientKey: (agency: Agency) => Promise<RecipientKey>;
  env: NodeJS.ProcessEnv;
  /** ρ per period of the signal counts: a month's and a year's. */
  rhoOf: (period: string) => number;
  rhoPerYear: number;
}

export interface CohortReleaseResult {
  /** Periods whose signal counts this run released. */
  released: { period: string; rho: number; members: number; cells: number; ms: number; agencies: Record<Agency, { counted: number; alreadyReleased: boolean }> }[];
  /** Periods left for a later run, with why (an agency that did not answer). */
  failed: { period: string; agency: Agency; message: string }[];
}

/** Hands one agency its list for a period, signed and sealed to it; its answer, or why not. */
async function askAgency(agency: Agency, period: string, listText: string, options: CohortReleaseOptions): Promise<Result<AgencyReleaseAnswer>> {
  const basis = await signStatisticsBasis(options.signingKey, agency, period, listText, await options.recipientKey(agency), Date.now(), forbundId(options.env));
  return requestAgencyRelease(subgraphUrl(AGENCY_TABLE[agency].subgraph, options.env), { basis, period }, options.env);
}

/**
 * The cohort releases of the given periods (those coordination has released, in order) whose
 * signal counts are not stored yet. A period's signal counts are stored only when all four
 * agencies answered: a rule missing an agency never fires, so a partial count would be a false
 * floor. An agency stores its own release the first time it is asked, whatever the others do.
 */
export async function runCohortReleases(db: Db, periods: readonly string[], options: CohortReleaseOptions): Promise<CohortReleaseResult> {
  const result: CohortReleaseResult = { released: [], failed: [] };
  if (periods.length === 0) return result;
  const domains = await releaseDomains(db);
  const workload = signalWorkload(domains);
  const consents = await consentsInForce(db, options.today);
  for (const period of periods) {
    const started = Date.now();
    const { from, to } = periodBounds(period);
    const members = periodMembers(await participationsForRelease(db, from, to), from, to);
    const lists = agencyLists(members, consents);
    const answers = {} as Record<Agency, AnswersOf>;
    const agencies = {} as CohortReleaseResult['released'][number]['agencies'];
    let complete = true;
    // The four agencies are separate processes (separate controllers): asked at once, each draws
    // its own release while the others draw theirs.
    const asked = await Promise.all(AGENCIES.map(async (agency) => {
      const list: ReleaseMemberList = {
        agency, period, from, to, asOf: options.today,
        domains: { intervention: domains.interventions, municipality: domains.municipalities }, members: lists[agency],
      };
      const listText = JSON.stringify(list);
      const answer = await askAgency(agency, period, listText, options).catch((error: unknown) => failure<AgencyReleaseAnswer>('SUBGRAPH_UNAVAILABLE', (error as Error).message));
      return { agency, answer, read: answer.ok ? answersOf(agency, answer.value.signalFacts, listText, lists[agency]) : null };
    }));
    for (const { agency, answer, read } of asked) {
      if (!answer.ok || !read) {
        complete = false;
        result.failed.push({ period, agency, message: answer.ok ? 'its signal answers do not fit the list it was handed' : `${answer.refusal.code}${answer.refusal.reason ? ` ${answer.refusal.reason}` : ''}: ${answer.refusal.message}` });
        continue;
      }
      answers[agency] = read;
      agencies[agency] = { counted: answer.value.counted, alreadyReleased: answer.value.alreadyReleased };
    }
    if (!complete) continue;
    const release = protectTables(signalRows(members, answers), workload, options.rhoOf(period), options.random, {
      period, computedAt: options.now(), releasesPerYear: 13, rhoPerYear: options.rhoPerYear,
    });
    const row = {
      period, year: period.slice(0, 4), made_at: release.computedAt, rho: release.rho, rho_requested: release.rhoRequested,
      delta: release.privacy.delta, epsilon: release.privacy.epsilonPerRelease, table_count: release.tables.length, release: JSON.stringify(release),
    };
    const actor = { actorId: RELEASE_JOB_ACTOR, role: 'job', purpose: 'STATISTICS_RELEASE', requestId: `signal-release-${period}-${randomUUID()}` };
    const stored = await options.audit.changeWithRecords<CoordinationDb, boolean>(actor, (trx) => storeRelease(trx, row, 'signal_release'), (done) => (done ? [{
      personnummer: null, agency: 'COORDINATION', fields: [`signalRelease.${period}`], decision: 'RELEASED', reason: 'STATISTICS_RELEASE',
      protectedIdentity: false, releasedSet: releasedSet(members.map((m) => m.personnummer)),
    }] : []));
    if (stored) {
      result.released.push({
        period, rho: release.rho, members: members.length, cells: release.tables.reduce((n, t) => n + t.cells.length, 0), ms: Date.now() - started, agencies,
      });
    }
  }
  return result;
}
