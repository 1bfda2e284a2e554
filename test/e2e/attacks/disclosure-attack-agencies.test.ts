import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releasedSet } from '@finsam/kit/audit';
import { addMonths, covers, monthOf } from '@finsam/kit/dates';
import { icd10Chapter, UNKNOWN_CHAPTER } from '@finsam/kit/icd10';
import { SeededRandom } from '@finsam/kit/random';
import { ageBand } from '@finsam/coordination/follow-up';
import {
  clampedLogLikelihood, describeScore, differsByMonth, NO_ALLOWANCE_LIMITS, releasesOfWindow, simulateAttack, type HonestScore, type Publish, HALF_NOISE_ROUNDS
} from '../../support/attacker.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * Issue 11, the agencies' side, played against what answers `Cohort.care` and
 * `Cohort.socialServices` since issue 20: each agency's stored statistics releases
 * (docs/statistics-release.md, "The agencies' releases"; subgraphs/kit/src/agency-statistics-release.ts).
 * For each period coordination has released (every month, and the whole calendar year 2025 of
 * the seed), each agency counted, once, its categories of the persons registered in during the
 * period (each by their earliest registration in it) whose consent covered the agency on the day
 * of the release (`as_of`), as of that day, by intervention, municipality, sex, age band and
 * priority group, 11 tables of weight 1 with discrete Gaussian noise (σ ≈ 2.35 in a month's cell,
 * 1.66 in a year's). A cohort's figure is the sum of the protected cells of the one table of its
 * filter over the period's releases: the year's release for a whole released calendar year, the
 * months' for the rest (releasesOfWindow in test/support/attacker.ts models it). Two periods
 * answered from the same releases but one month therefore differ by exactly that month's cells.
 *
 * What is guessed, for each target counted in the release it is attacked through:
 * - care: whether the target's certificate in force on the release day is in ICD-10 chapter F
 *   (`certificatesByChapter`, category `F00-F99 …`): F or NOT_F (another chapter, or none);
 * - social services: the target's band of months with ekonomiskt bistånd among the twelve ending
 *   with the release day's month (`assistanceMonthsLast12`: NONE, 1_5, 6_9, 10_12).
 * The truth is the release's own: the members each release counted (coordination's participations
 * and consents as the job hands them over, checked against the digest of the counted set in the
 * agency's audit record of the release) with their categories computed from the agency's store
 * as its release computes them (subgraphs/care/src/resolvers/cohort.ts: the chapters of the
 * certificates whose work-capacity steps cover `as_of`, the first in the domain's order;
 * subgraphs/social-services/src/resolvers/cohort.ts: the band of months with assistance).
 *
 * What the attacker knows: every person's months of registration in, intervention, home
 * municipality, sex, age band and priority groups, whose consent covers each agency on the
 * release day (so which members each release counts), which periods are released, and the
 * mechanism and each table's σ (the docs publish them; the releases store them). As the worst
 * case of differential privacy it also knows every OTHER member's category: it subtracts them
 * from the cells it reads, so the only unknown left is the target's own 1 (where the target is
 * alone in the cell, as strategies 1 and 4 pick, there is little or nothing to subtract). It
 * weighs what it reads with the exact likelihood of a clamped Gaussian count (a published 0 is any
 * noisy count pushed to 0 or below; clampedLogLikelihood), the published margins (the whole
 * released span without a filter) as its prior over the categories (care: each chapter and "no
 * certificate", shares of the members counted), and guesses the category of highest posterior
 * (care: F when F's posterior is above one half).
 *
 * What it asks: only queries the releases answer (no filter, or ONE of municipalityCodes,
 * interventionIds, sex, ageBand or priorityGroup, or MENTAL_ILL_HEALTH with one municipality;
 * anything else is BAD_USER_INPUT and would teach nothing, so refusals must be none), periods of
 * whole released months; each query reads both agencies at once, ten cohorts (aliases) to a
 * request, as an analyst may. The strategies, each on its own seeded choice of targets per agency
 * (a target is a person and a month whose release counts them, with that month's registration):
 *
 * 1. consecutive periods: [a, m − 1] and [a, m] (or [m + 1, b] and [m, b]) answered from the same
 *    releases but month m, the target's month of registration, with every filter where the target
 *    is alone or nearly alone (at most NEARLY others) in month m's cell; the difference of the two
 *    answers is month m's published cells (checked against the month asked alone);
 * 2. the year: the target's calendar year asked as exactly that year, with the filter of the
 *    year's table where the target has the fewest others (nobody is alone in a year's cell on the
 *    seed: 11 others at the least), the others subtracted;
 * 3. two analysts and restarts: strategy 1's pairs split, analyst-1 asking each smaller period,
 *    then care's and the social services' processes restarted (graph.restartSubgraphProcess), then
 *    analyst-2 asking each larger one; every answer must be identical to strategy 1's for the
 *    same query (and queries asked again after the restarts as before), so the reading is the same;
 * 4. exact zeros: targets alone in their month's cell of a table, each with the pairs (at most
 *    ZERO_PAIRS_PER_TARGET) whose smaller period has the most true zeros (care: chapter F a true
 *    zero), then the shortest: a category published as 0 without the target and not 0 with it
 *    (care: chapter F only, the question asked) is claimed as the target's, two at once are no
 *    claim. Against exact counts (before the cell key method) a lone member's chapter was right 60 of 60.
 *
 * Scoring, per strategy and agency, the honest score (simulateAttack in test/support/attacker.ts):
 * the right guesses against what the same reading gets right on releases that carry exactly the
 * noise they state. In 150 seeded rounds every cell the strategy reads is drawn from the release's
 * true counts plus discrete Gaussian noise of its table's stated σ, clamped at 0 as the release
 * clamps (the targets of one cell share its draw), and read by the same guess; the bound is
 * E + 3·√V (one-sided, about 0.13 %; V the larger of Σ p_i(1 − p_i) and the rounds' variance; or
 * the exact tail of the targets' Bernoulli(p_i) where that is more). The margins do not bound a
 * differentially private release (a target alone in a cell adds its own 1 to a noisy count), so
 * the margin guess (the most common category: care NOT_F, social services NONE) is printed
 * beside the bound, not scored; so is E on a release with half the noise read by an attacker who
 * knows so. Exact zeros are scored on the claims: the claims right against the same claims on the
 * simulated releases (each release of the smaller period drawn for the claimable categories); care's
 * claims all name chapter F, so this is also F's check. The test prints each category guessed off
 * the margin (claimed) against its share.
 *
 * Power: each strategy also reads its own queries with the TRUE counts in place of the published
 * ones (σ ≈ 0): it must then name every target (exact zeros: claim, rightly, every target whose
 * category is claimable and a true zero of one of its smaller periods), and those noiseless guesses
 * must beat the honest bound. So the queries do read the target, and the test fails a release
 * without enough noise.
 *
 * For reference, printed and not checked (its honest score too, 200 rounds): differential privacy's own worst case, the same
 * attacker reading every table holding the target (about 6.4 of the 11; the releases' table of the
 * members in no priority group cannot be asked, the schema's PriorityGroup has no NONE) in its
 * month's release (the month asked alone) and in its year's, everyone else subtracted: the
 * members of the released year, 120 per agency. That is about 1.8 of the ρ 3 a person's month and
 * year spend at an agency (μ ≈ 1.9 in Gaussian DP; a change of category moves two cells, √2 μ).
 * The targets share cells (the year's total, its two sexes), so the figures swing between runs
 * more than a binomial's.
 *
 * Results, three runs (7 December 2026; 2,000-person seed, every subgraph, the noise drawn afresh
 * by crypto each run; 120 targets per strategy and agency; right / E / bound, the margin guess's
 * right in brackets, printed, not scored):
 *
 * | strategy | care (F or not) | social services (band) |
 * | --- | --- | --- |
 * | 1 consecutive periods (1.0 tables a target) | 100, 100, 100 / 100.0 / 101 (100) | 73, 72, 72 / 72.3 / 76 (72) |
 * | 2 the year | 109, 109, 109 / 109.0 / 110 (109) | 89, 76, 93 / 86.5 / 96–96.6 (86) |
 * | 3 two analysts and restarts | as 1: no answer differs | as 1 |
 * | 4 exact zeros: claims right (claims) | 7 (32), 6 (30), 3 (29) / 5.4 / 12 | 15 (52), 13 (49), 19 (58) / 15.4 / 27 |
 * | reference, not checked: every table, month and year | 118, 108, 105 / 110.7 / 121.5 (105) | 20, 18, 18 / 102.5 / 120.8 (80) |
 *
 * At the stated noise the attacker of 1 to 3 seldom leaves the margin guess (care never names F),
 * so E is the margin guess's right within one and the bound the exact tail. With the true counts
 * every strategy names all 120 targets (exact zeros: the 16 claimable targets of care, 69 of the
 * social services). Against exact counts with small-count suppression (before the cell key
 * method) the earlier attacker won: chapter F named rightly 18 of 20 times where 8 was allowed,
 * the social services by consecutive months 40 of 43 against 37; on the releases 345 of its 375
 * queries were refused. The reference names chapter F far above its share (ε 19.6 at δ = 10⁻¹⁰
 * allows it; within the honest bound). Its social-services row is wrong, not leaking: the
 * attacker names band 1_5 for nearly every target with a posterior near 1 (right 18–21), where
 * on the true counts it names all 120 and on the simulated releases 102.5: some published cell it
 * reads differs from the truth computed for it here (seen too with the test as it was before the
 * honest score; earlier runs got 93–107): the year's total cell held 13 more in 1_5 and 8 fewer
 * in 6_9 and 10_12 than the truth computed here. Not yet settled whether the release (which reads
 * each member's controllers' stores) or this truth (every municipality's store) is wrong
 * (docs/disclosure-control.md, "The agencies' figures").
 *
 * The file takes 37–38 s on a shared 2-core machine (about 2,000 cohorts in 205 requests, and the
 * honest score's simulations), 78 s under heavy load.
 *
 * Nothing depends on timing (the restarts wait until the agencies answer again); the population's
 * seed and the choice of targets are fixed. Any error other than a refusal fails the test.
 */

const AGENCIES = ['CARE', 'SOCIAL_SERVICES'] as const;
type Agency = (typeof AGENCIES)[number];
const STORE = { CARE: 'care', SOCIAL_SERVICES: 'social-services' } as const;
/** The kind each agency releases that is attacked (the `Cohort` field and the release's dimension). */
const KIND = { CARE: 'certificatesByChapter', SOCIAL_SERVICES: 'assistanceMonthsLast12' } as const;
const F_CHAPTER = 'F00-F99';
/** Care's hypothesis of a member with no certificate in force: in no cell. */
const NO_CERTIFICATE = 'NO_CERTIFICATE';
const BANDS = ['NONE', '1_5', '6_9', '10_12'] as const;
/** What is guessed per agency. */
const GUESSES: Record<Agency, readonly string[]> = { CARE: ['F', 'NOT_F'], SOCIAL_SERVICES: BANDS };

/** Each strategy's analyst: its answers depend on its own queries only. Strategy 3 asks as the dev fixture analysts analyst-1 and analyst-2. */
const ANALYSTS = { margins: 'attacker-margins', months: 'attacker-months', year: 'attacker-year', zeros: 'attacker-zeros', worstCase: 'attacker-worst-case', first: 'analyst-1', second: 'analyst-2' } as const;
/** Targets per strategy and agency, at most; the fewest allowed. */
const MAX_TARGETS = 120;
const MIN_TARGETS = 100;
/** Strategy 1: a table is read when the target's month cell holds at most this many other counted members. */
const NEARLY = 2;
/** Strategy 4: pairs per target, at most (one per table the target is alone in). */
const ZERO_PAIRS_PER_TARGET = 2;
/** Cohorts per request (aliases; the gateway allows 20, and the analysts' cost limit about 10 of these). */
const BATCH = 10;
/** Strategy 1 checks this many pairs' difference against the month asked alone. */
const MONTH_CHECKS = 20;
/** Strategy 3 asks this many smaller periods again after the restarts. */
const ASKED_AGAIN = 20;
/** The σ the power check reads true counts with: nearly no noise. */
const NOISELESS_SIGMA = 0.2;
/** The exact tail a claimed category's bound allows (exact zeros): that of 3 standard deviations. */
const TAIL = 0.00135;

type By = 'all' | 'municipality' | 'intervention' | 'sex' | 'ageBand' | 'priorityGroup' | 'mentalIllHealthByMunicipality';
/** A released table and the cell of it a query reads: no filter, one dimension's value, a priority group, or mental ill health in a municipality. */
interface Filter { by: By; value: string | null }
type Window = readonly [number, number];
interface Query { window: Window; filter: Filter }
/** One cohort's answer: each agency's categories of the kind attacked and their counts. */
type Published = Record<Agency, Record<string, number>>;

interface Dims { intervention: string; municipality: string; sex: string; ageBand: string; priorityGroups: string[] }
/** A member a release counted, with its category there (care: the chapter counted, or NO_CERTIFICATE; social services: the band). */
interface Member extends Dims { personnummer: string; category: string; /** `YYYY-MM` of the registration in counted. */ registeredMonth: string }
interface AgencyRelease { period: string; asOf: string; sigma: Map<string, number>; members: Member[] }
/** A target: a member of the release of `period` (a month's key, or a year) of an agency. */
interface Target { agency: Agency; period: string; member: Member }
/** A read: two queries whose difference is one release's cells (smaller null: one query of exactly that release's period). */
interface Pair { filter: Filter; smaller: Window | null; larger: Window; period: string }
interface Plan { target: Target; pairs: Pair[] }
interface Observation { smaller: Published | null; larger: Published | null }
interface Tally { queries: number; requests: number; answered: number; refused: Record<string, number> }
const tally = (): Tally => ({ queries: 0, requests: 0, answered: 0, refused: {} });
const refusedOf = (t: Tally) => Object.values(t.refused).reduce((s, x) => s + x, 0);

const filterKey = (f: Filter) => `${f.by}:${f.value ?? ''}`;
const queryKey = (q: Query) => `${q.window[0]}-${q.window[1]}|${filterKey(q.filter)}`;
const inFilter = (m: Dims, f: Filter): boolean => {
  switch (f.by) {
    case 'all': return true;
    case 'priorityGroup': return m.priorityGroups.includes(f.value!);
    case 'mentalIllHealthByMunicipality': return m.priorityGroups.includes('MENTAL_ILL_HEALTH') && m.municipality === f.value;
    default: return m[f.by] === f.value;
  }
};
/** Every released table holding a member, and its cell: the filters an attacker can read the member's cell with. */
const filtersOf = (m: Dims): Filter[] => [
  { by: 'all', value: null }, { by: 'municipality', value: m.municipality }, { by: 'intervention', value: m.intervention },
  { by: 'sex', value: m.sex }, { by: 'ageBand', value: m.ageBand },
  // The releases also hold a table of the members in no priority group (NONE), but the schema's PriorityGroup has no such value: no analyst can ask it.
  ...m.priorityGroups.map((g): Filter => ({ by: 'priorityGroup', value: g })),
  ...(m.priorityGroups.includes('MENTAL_ILL_HEALTH') ? [{ by: 'mentalIllHealthByMunicipality', value: m.municipality } as Filter] : []),
];
/** The cohort's filter argument for a table's cell. */
const filterArgument = (f: Filter): Record<string, unknown> | null => {
  switch (f.by) {
    case 'all': return null;
    case 'municipality': return { municipalityCodes: [f.value] };
    case 'intervention': return { interventionIds: [f.value] };
    case 'mentalIllHealthByMunicipality': return { priorityGroup: 'MENTAL_ILL_HEALTH', municipalityCodes: [f.value] };
    default: return { [f.by]: f.value };
  }
};
/** The stored table a filter reads (`measure|dimensions`), for its σ. */
const tableOf = (agency: Agency, f: Filter): string => {
  const kind = KIND[agency];
  switch (f.by) {
    case 'all': return `participants|${kind}`;
    case 'priorityGroup': return `priorityGroup.${f.value}|${kind}`;
    case 'mentalIllHealthByMunicipality': return `priorityGroup.MENTAL_ILL_HEALTH|${[kind, 'municipality'].sort().join()}`;
    default: return `participants|${[kind, f.by].sort().join()}`;
  }
};

const COHORT_FIELDS = 'care { certificatesByChapter { category count { value } } } socialServices { assistanceMonthsLast12 { category count { value } } }';
const cohortsQuery = (n: number) => `query(${Array.from({ length: n }, (_, i) => `$f${i}: String!, $t${i}: String!, $x${i}: FollowUpFilter`).join(', ')}) {
  ${Array.from({ length: n }, (_, i) => `c${i}: cohort(from: $f${i}, to: $t${i}, filter: $x${i}) { ${COHORT_FIELDS} }`).join('\n  ')}
}`;

/** The least k with P(X > k) ≤ TAIL for X ~ Binomial(n, p): the most right guesses allowed of n each right with p (exact, for few guesses). */
function exactBound(n: number, p: number): number {
  let above = 1;
  let pmf = (1 - p) ** n;
  for (let k = 0; k <= n; k++) {
    above -= pmf;
    if (above <= TAIL) return k;
    pmf = pmf * ((n - k) / (k + 1)) * (p / (1 - p));
  }
  return n;
}

const seededOrder = <T>(list: readonly T[], seed: number) => {
  const random = new SeededRandom(seed);
  return list.map((x) => ({ x, k: random.next() })).sort((p, q) => p.k - q.k).map((p) => p.x);
};

describe('disclosure control of the agencies\' statistics releases against a differencing analyst (issue 11, issue 20)', () => {
  let graph: TestGraph;
  let started = 0;
  /** The released months, in order (index 0 the register's first month), and the released calendar years with their months. */
  let monthKeys: string[] = [];
  const monthBounds: { from: string; to: string }[] = [];
  const years = new Map<string, number[]>();
  /** Each agency's releases by period. */
  const releases: Record<Agency, Map<string, AgencyRelease>> = { CARE: new Map(), SOCIAL_SERVICES: new Map() };
  /** Each agency's categories of its kind (the release's domain, in its order); care's F chapter. */
  const domain = {} as Record<Agency, string[]>;
  let fChapter = '';
  /** The attacker's prior over each agency's hypotheses (care: every chapter and NO_CERTIFICATE), from the published margins. */
  const prior = {} as Record<Agency, Record<string, number>>;
  /** The true share of each guess among every member of the months' releases. */
  const trueShare = {} as Record<Agency, Record<string, number>>;
  const tokens = new Map<string, string>();
  const results: Record<string, unknown> = {};
  /** Strategy 1's answers by query: strategy 3 must get the same. */
  const monthAnswers = new Map<string, Published>();
  let monthPlans: Record<Agency, Plan[]> | null = null;

  beforeAll(async () => {
    started = Date.now();
    graph = await startGraph({ cohortReleases: true, persons: 2000, env: NO_ALLOWANCE_LIMITS, knownAnalysts: [ANALYSTS.margins, ANALYSTS.months, ANALYSTS.year, ANALYSTS.zeros, ANALYSTS.worstCase] });

    // Coordination's register: the participations, persons and consents the job hands the agencies.
    const coordination = graph.store('coordination');
    let participations: { id: string; personnummer: string; registered_in: string; intervention_id: string; municipality_code: string; sex: string; birth_date: string; priority_groups: string }[];
    let consents: { personnummer: string; agency: string; valid_from: string; valid_to: string; revoked_at: string | null }[];
    try {
      participations = (await sql<typeof participations[number]>`SELECT p.id, p.personnummer, p.registered_in, p.intervention_id, person.municipality_code, person.sex,
          person.birth_date, person.priority_groups
        FROM participation p JOIN person ON person.personnummer = p.personnummer
        WHERE person.identity_protection = 'NONE' AND (p.end_reason IS NULL OR p.end_reason <> 'REGISTERED_IN_ERROR')
        ORDER BY p.registered_in, p.id`.execute(coordination)).rows;
      consents = (await sql<typeof consents[number]>`SELECT personnummer, agency, valid_from, valid_to, revoked_at FROM consent`.execute(coordination)).rows;
    } finally {
      await coordination.destroy();
    }

    const consentsOf = new Map<string, typeof consents>();
    for (const c of consents) (consentsOf.get(c.personnummer) ?? consentsOf.set(c.personnummer, []).get(c.personnummer)!).push(c);
    // Each agency's stored releases, and the truth of each: whom it counted, with their category as of its day.
    for (const agency of AGENCIES) {
      const db = graph.store(STORE[agency]);
      try {
        const stored = (await sql<{ period: string; as_of: string; release: string }>`SELECT period, as_of, release FROM agency_statistics_release ORDER BY period`.execute(db)).rows;
        const audited = new Map((await sql<{ fields: string; member_count: number; member_set_digest: string }>`SELECT fields, member_count, member_set_digest FROM audit_log
          WHERE reason = 'STATISTICS_RELEASE' AND decision = 'RELEASED'`.execute(db)).rows.map((r) => [(JSON.parse(r.fields) as string[])[0]!.replace('statisticsRelease.', ''), r]));
        expect(stored.length, `${agency} has releases`).toBeGreaterThan(12);
        const asOfs = [...new Set(stored.map((r) => r.as_of))];
        // The categories as of each release's day, read as the agency's release reads them.
        const categoryOn = new Map<string, (personnummer: string) => string>();
        for (const asOf of asOfs) {
          if (agency === 'CARE') {
            // Each region's own store (care-14): the releases are the subgraph's (its own store), the certificates the region's.
            const certificates: { personnummer: string; diagnosis_code: string; work_capacity_steps_json: string }[] = [];
            for (const store of graph.personStores('care')) {
              const own = graph.store(store);
              try {
                certificates.push(...(await sql<{ personnummer: string; diagnosis_code: string; work_capacity_steps_json: string }>`
                  SELECT personnummer, diagnosis_code, work_capacity_steps_json FROM medical_certificate`.execute(own)).rows);
              } finally {
                await own.destroy();
              }
            }
            expect(certificates.length, 'the regions\' certificates').toBeGreaterThan(0);
            const chapters = new Map<string, Set<string>>();
            for (const c of certificates) {
              if (!(JSON.parse(c.work_capacity_steps_json) as { from: string; to: string | null }[]).some((s) => covers(s.from, s.to, asOf))) continue;
              (chapters.get(c.personnummer) ?? chapters.set(c.personnummer, new Set()).get(c.personnummer)!).add(icd10Chapter(c.diagnosis_code) ?? UNKNOWN_CHAPTER);
            }
            // k = 1: the first chapter in the domain's order (the release's domain, read below).
            categoryOn.set(asOf, (p) => domain.CARE.find((c) => chapters.get(p)?.has(c)) ?? NO_CERTIFICATE);
          } else {
            const current = monthOf(asOf);
            // Each member municipality's own store: a person who moved has months in two.
            const months = new Map<string, number>();
            for (const store of graph.personStores('social-services')) {
              const own = graph.store(store);
              try {
                for (const r of (await sql<{ personnummer: string; months: number | string }>`SELECT personnummer, COUNT(*) AS months FROM assistance_month
                  WHERE month >= ${addMonths(current, -11)} AND month <= ${current} GROUP BY personnummer`.execute(own)).rows) months.set(r.personnummer, (months.get(r.personnummer) ?? 0) + Number(r.months));
              } finally {
                await own.destroy();
              }
            }
            categoryOn.set(asOf, (p) => {
              const n = months.get(p) ?? 0;
              return n === 0 ? 'NONE' : n <= 5 ? '1_5' : n <= 9 ? '6_9' : '10_12';
            });
          }
        }
        for (const row of stored) {
          const release = JSON.parse(row.release) as { workload: { domains: Record<string, string[]> }; tables: { measure: string; dimensions: string[]; sigma: number }[] };
          domain[agency] ??= [...release.workload.domains[KIND[agency]]!];
          expect(release.workload.domains[KIND[agency]], `${agency} ${row.period}: the kind's domain`).toEqual(domain[agency]);
          const sigma = new Map(release.tables.map((t) => [`${t.measure}|${[...t.dimensions].sort().join()}`, t.sigma]));
          const [from, to] = row.period.length === 4 ? [`${row.period}-01-01`, `${row.period}-12-31`] : [`${row.period}-01`, `${row.period}-31`];
          // The period's cohort (each person by their earliest registration in it), those whose consent covers the agency on the day.
          const seen = new Set<string>();
          const members: Member[] = [];
          for (const p of participations) {
            if (p.registered_in < from || p.registered_in > to || seen.has(p.personnummer)) continue;
            seen.add(p.personnummer);
            if (!(consentsOf.get(p.personnummer) ?? []).some((c) => c.agency === agency && c.revoked_at === null && c.valid_from <= row.as_of && row.as_of <= c.valid_to)) continue;
            members.push({
              personnummer: p.personnummer, intervention: p.intervention_id, municipality: p.municipality_code, sex: p.sex, ageBand: ageBand(p.birth_date, p.registered_in),
              priorityGroups: JSON.parse(p.priority_groups) as string[], category: '', registeredMonth: p.registered_in.slice(0, 7),
            });
          }
          const categoryOf = categoryOn.get(row.as_of)!;
          for (const m of members) m.category = categoryOf(m.personnummer);
          // The truth counts exactly whom the release counted: the digest of the set in its audit record.
          const record = audited.get(row.period);
          expect(record, `${agency} ${row.period}: the release's audit record`).toBeDefined();
          expect({ count: members.length, digest: releasedSet(members.map((m) => m.personnummer)).digest }, `${agency} ${row.period}: the members counted`)
            .toEqual({ count: Number(record!.member_count), digest: record!.member_set_digest });
          releases[agency].set(row.period, { period: row.period, asOf: row.as_of, sigma, members });
        }
      } finally {
        await db.destroy();
      }
    }
    fChapter = domain.CARE.find((c) => c.startsWith(F_CHAPTER))!;
    expect(fChapter, 'care releases chapter F').toBeDefined();

    // The released months (the same at both agencies, consecutive from the register's first) and the whole released years.
    monthKeys = [...releases.CARE.keys()].filter((p) => p.length === 7);
    expect([...releases.SOCIAL_SERVICES.keys()].filter((p) => p.length === 7), 'both agencies released the same months').toEqual(monthKeys);
    expect(monthKeys[0], 'the first release is the register\'s first month').toBe(participations[0]!.registered_in.slice(0, 7));
    for (const [i, key] of monthKeys.entries()) {
      expect(addMonths(monthKeys[0]!, i), 'the released months are consecutive').toBe(key);
      const [year, month] = key.split('-').map(Number) as [number, number];
      monthBounds.push({ from: `${key}-01`, to: `${key}-${String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0')}` });
    }
    for (const period of [...releases.CARE.keys()].filter((p) => p.length === 4)) {
      expect(releases.SOCIAL_SERVICES.has(period), `both agencies released ${period}`).toBe(true);
      const inYear = monthKeys.flatMap((k, i) => (k.startsWith(`${period}-`) ? [i] : []));
      expect(inYear.length, `the twelve months of the released year ${period} are released`).toBe(12);
      years.set(period, inYear);
    }
    expect(years.size, 'a whole calendar year is released (strategy 2 reads it)').toBeGreaterThan(0);

    // The margins: the whole released span without a filter, the attacker's prior.
    const margins = tally();
    const [whole] = await askMany(ANALYSTS.margins, [{ window: [0, monthKeys.length - 1], filter: { by: 'all', value: null } }], margins);
    expect(whole, 'the margins are published').toBeTruthy();
    for (const agency of AGENCIES) {
      const published = whole![agency];
      const rows = releasesOfWindow(monthKeys, new Set(years.keys()), [0, monthKeys.length - 1]).flatMap((p) => releases[agency].get(p)!.members);
      if (agency === 'CARE') {
        // Care publishes no total of the members it counts; the attacker knows whom each release counts (the consents), so their number.
        const shares = Object.fromEntries(domain.CARE.map((c) => [c, published[c]! / rows.length]));
        prior.CARE = { ...shares, [NO_CERTIFICATE]: Math.max(1 - Object.values(shares).reduce((s, x) => s + x, 0), 0.01) };
      } else {
        const sum = BANDS.reduce((s, b) => s + published[b]!, 0);
        prior.SOCIAL_SERVICES = Object.fromEntries(BANDS.map((b) => [b, published[b]! / sum]));
      }
      const monthRows = monthKeys.flatMap((k) => releases[agency].get(k)!.members);
      trueShare[agency] = Object.fromEntries(GUESSES[agency].map((g) => [g, monthRows.filter((m) => guessOf(agency, m.category) === g).length / monthRows.length]));
    }
  }, 300_000);

  afterAll(async () => {
    console.log(`attack on the agencies' releases: ${JSON.stringify({
      seconds: (Date.now() - started) / 1000,
      marginShares: Object.fromEntries(AGENCIES.map((a) => [a, Object.fromEntries(GUESSES[a].map((g) => [g, Number(priorShare(a, g).toFixed(3))]))])),
      trueShares: Object.fromEntries(AGENCIES.map((a) => [a, Object.fromEntries(GUESSES[a].map((g) => [g, Number(trueShare[a]![g]!.toFixed(3))]))])),
      results,
    })}`);
    await graph?.close();
  });

  // ---- The truth and the attacker's reading ----

  /** What is guessed of a category: care F or NOT_F, social services the band itself. */
  function guessOf(agency: Agency, category: string): string {
    return agency === 'CARE' ? (category === fChapter ? 'F' : 'NOT_F') : category;
  }
  /** The published margins' share of a guess. */
  function priorShare(agency: Agency, guess: string): number {
    if (agency === 'SOCIAL_SERVICES') return prior.SOCIAL_SERVICES[guess]!;
    const f = prior.CARE[fChapter]!;
    return guess === 'F' ? f : 1 - f;
  }
  const marginGuess = (agency: Agency) => [...GUESSES[agency]].sort((x, y) => priorShare(agency, y) - priorShare(agency, x))[0]!;
  const truthOf = (t: Target) => guessOf(t.agency, t.member.category);
  /** The hypotheses of a target's category: the domain's categories (care: and no certificate). */
  const hypotheses = (agency: Agency) => (agency === 'CARE' ? [...domain.CARE, NO_CERTIFICATE] : domain.SOCIAL_SERVICES);

  const periodCounts = new Map<string, Record<string, number>>();
  /** A release's true counts of a table's cell, by category. */
  function countsIn(agency: Agency, period: string, filter: Filter): Record<string, number> {
    const key = `${agency}|${period}|${filterKey(filter)}`;
    let counts = periodCounts.get(key);
    if (!counts) {
      counts = Object.fromEntries(domain[agency].map((c) => [c, 0]));
      for (const m of releases[agency].get(period)!.members) if (inFilter(m, filter) && m.category in counts) counts[m.category]! += 1;
      periodCounts.set(key, counts);
    }
    return counts;
  }
  /** A window's true counts of a table's cell, as the agency sums its releases (a whole released year from the year's). */
  function trueCounts(agency: Agency, window: Window | null, filter: Filter): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(domain[agency].map((c) => [c, 0]));
    if (window === null) return out;
    for (const period of releasesOfWindow(monthKeys, new Set(years.keys()), window)) {
      const counts = countsIn(agency, period, filter);
      for (const c of domain[agency]) out[c]! += counts[c]!;
    }
    return out;
  }
  /** The others' true counts in a release's cell of a table, the target left out: what the attacker subtracts. */
  function othersIn(target: Target, period: string, filter: Filter): Record<string, number> {
    const out = { ...countsIn(target.agency, period, filter) };
    const own = releases[target.agency].get(period)!.members.find((m) => m.personnummer === target.member.personnummer);
    if (own && inFilter(own, filter) && own.category in out) out[own.category]! -= 1;
    return out;
  }
  const othersCount = (target: Target, period: string, filter: Filter) => Object.values(othersIn(target, period, filter)).reduce((s, x) => s + x, 0)
    // Care's cells hold only members with a certificate: the others without one are in the cell's members too.
    + (target.agency === 'CARE' ? releases.CARE.get(period)!.members.filter((m) => m.personnummer !== target.member.personnummer && inFilter(m, filter) && m.category === NO_CERTIFICATE).length : 0);

  /** One read release cell: the published cells (larger − smaller, or the year's as published), the others' true counts, the table's σ. */
  interface Read { key: string; cells: Record<string, number>; others: Record<string, number>; sigma: number }
  function reads(plan: Plan, observations: readonly Observation[], noiseless = false): Read[] {
    const { agency } = plan.target;
    return plan.pairs.flatMap((pair, j) => {
      const o = observations[j]!;
      const larger = noiseless ? trueCounts(agency, pair.larger, pair.filter) : o.larger?.[agency];
      const smaller = noiseless ? trueCounts(agency, pair.smaller, pair.filter) : pair.smaller === null ? {} : o.smaller?.[agency];
      if (!larger || !smaller) return [];
      const sigma = noiseless ? NOISELESS_SIGMA : releases[agency].get(pair.period)!.sigma.get(tableOf(agency, pair.filter));
      expect(sigma, `σ of ${tableOf(agency, pair.filter)} in ${pair.period}`).toBeDefined();
      return [{
        key: `${pair.period}|${filterKey(pair.filter)}`, sigma: sigma!, others: othersIn(plan.target, pair.period, pair.filter),
        cells: Object.fromEntries(domain[agency].map((c) => [c, larger[c]! - (smaller[c] ?? 0)])),
      }];
    });
  }
  /**
   * The attacker's guess: the margins as prior over the hypotheses, times the likelihood of every
   * distinct release cell read (the same cell read twice is the same noise: counted once) under
   * "the target is in h" (the others' true counts plus 1 in h). Nothing read: the margin guess.
   */
  function guess(plan: Plan, observations: readonly Observation[], noiseless = false): { guess: string; posterior: number } {
    return guessFrom(plan.target.agency, reads(plan, observations, noiseless));
  }
  /**
   * The guess from cells read. A hypothesis h adds 1 to the others' count of its own category
   * only, so each read's likelihood is the read's with nobody added (every category at the others'
   * count) times the ratio of h's own cell: the same posterior, a domain's length of terms a read
   * instead of its square (care's domain is every chapter). `sigmaScale` scales the σ read with
   * (the honest score's release with half the noise, read by an attacker who knows so).
   */
  function guessFrom(agency: Agency, all: readonly Read[], sigmaScale = 1): { guess: string; posterior: number } {
    const read = [...new Map(all.map((r) => [r.key, r])).values()];
    if (read.length === 0) return { guess: marginGuess(agency), posterior: priorShare(agency, marginGuess(agency)) };
    const hs = hypotheses(agency);
    const score = hs.map((h) => Math.log(Math.max(prior[agency][h] ?? 0, 1e-6)));
    for (const r of read) {
      const sigma = r.sigma * sigmaScale;
      let nobody = 0;
      for (const c of domain[agency]) nobody += clampedLogLikelihood(r.cells[c]!, r.others[c]!, sigma);
      hs.forEach((h, i) => {
        score[i]! += nobody + (h in r.cells ? clampedLogLikelihood(r.cells[h]!, r.others[h]! + 1, sigma) - clampedLogLikelihood(r.cells[h]!, r.others[h]!, sigma) : 0);
      });
    }
    const top = Math.max(...score);
    const weights = score.map((s) => Math.exp(s - top));
    const sum = weights.reduce((s, w) => s + w, 0);
    const posterior: Record<string, number> = {};
    hs.forEach((h, i) => { posterior[guessOf(agency, h)] = (posterior[guessOf(agency, h)] ?? 0) + weights[i]! / sum; });
    const best = [...GUESSES[agency]].sort((x, y) => (posterior[y] ?? 0) - (posterior[x] ?? 0) || GUESSES[agency].indexOf(x) - GUESSES[agency].indexOf(y))[0]!;
    return { guess: best, posterior: posterior[best] ?? 0 };
  }

  // ---- The honest score: what the stated noise allows ----

  /** A release's cells of a table as a simulated release publishes them: each category's key, true count and the σ the release states. */
  function cellsOf(agency: Agency, period: string, filter: Filter): { c: string; key: string; truth: number; sigma: number }[] {
    const truth = countsIn(agency, period, filter);
    const sigma = releases[agency].get(period)!.sigma.get(tableOf(agency, filter));
    expect(sigma, `σ of ${tableOf(agency, filter)} in ${period}`).toBeDefined();
    return domain[agency].map((c) => ({ c, key: `${period}|${filterKey(filter)}|${c}`, truth: truth[c]!, sigma: sigma! }));
  }
  const published = (cells: ReturnType<typeof cellsOf>, publish: Publish) => Object.fromEntries(cells.map((x) => [x.c, publish(x.key, x.truth, x.sigma)]));
  /**
   * The attacker's reading played on simulated releases (simulateAttack): each pair's difference is
   * its release's cells, drawn from the true counts with the σ the release states, the others
   * subtracted as in the real reading. E and the bound of the right guesses; and E on a release
   * with half the stated noise read by an attacker who knows so (printed: how far the bound is
   * from a release with too little).
   */
  function honestScore(agency: Agency, plans: readonly Plan[], rounds?: number): { honest: HonestScore; halfNoise: HonestScore | null } {
    const reads = plans.map((plan) => plan.pairs.map((pair) => ({ key: `${pair.period}|${filterKey(pair.filter)}`, others: othersIn(plan.target, pair.period, pair.filter), cells: cellsOf(agency, pair.period, pair.filter) })));
    const play = (scale: number) => (i: number, publish: Publish) => guessFrom(agency, reads[i]!.map((r) => ({ key: r.key, others: r.others, sigma: r.cells[0]!.sigma, cells: published(r.cells, publish) })), scale).guess;
    const truths = plans.map((plan) => truthOf(plan.target));
    return {
      honest: simulateAttack(truths, play(1), { rounds }).score(),
      halfNoise: rounds === undefined ? simulateAttack(truths, play(0.5), { noiseScale: 0.5, rounds: HALF_NOISE_ROUNDS }).score() : null,
    };
  }

  // ---- Asking ----

  async function tokenOf(analyst: string) {
    if (!tokens.has(analyst)) tokens.set(analyst, await graph.token('analyst', analyst));
    return tokens.get(analyst)!;
  }
  const parse = (cohort: { care: { certificatesByChapter: { category: string; count: { value: number } }[] }; socialServices: { assistanceMonthsLast12: { category: string; count: { value: number } }[] } }): Published => ({
    CARE: Object.fromEntries(cohort.care.certificatesByChapter.map((c) => [c.category, c.count.value])),
    SOCIAL_SERVICES: Object.fromEntries(cohort.socialServices.assistanceMonthsLast12.map((c) => [c.category, c.count.value])),
  });
  /** One cohort asked alone: its answer, or null when refused (counted by reason). */
  async function askOne(analyst: string, q: Query, count: Tally): Promise<Published | null> {
    count.requests += 1;
    const response = await graph.query(await tokenOf(analyst), cohortsQuery(1), { f0: monthBounds[q.window[0]]!.from, t0: monthBounds[q.window[1]]!.to, x0: filterArgument(q.filter) });
    const error = response.body.errors?.[0];
    const reason = error?.extensions?.code === 'FORBIDDEN' && typeof error.extensions.reason === 'string' ? error.extensions.reason
      : error?.extensions?.code === 'BAD_USER_INPUT' && typeof error.extensions.argument === 'string' ? `outside the releases (${error.extensions.argument})` : null;
    if (reason) {
      count.refused[reason] = (count.refused[reason] ?? 0) + 1;
      return null;
    }
    expect(response.body.errors, JSON.stringify({ q, errors: response.body.errors })).toBeUndefined();
    count.answered += 1;
    return parse(response.body.data!.c0);
  }
  /** Cohorts asked BATCH to a request, in order; a request with any error is asked again cohort by cohort. */
  async function askMany(analyst: string, queries: readonly Query[], count: Tally): Promise<(Published | null)[]> {
    const out: (Published | null)[] = [];
    for (let i = 0; i < queries.length; i += BATCH) {
      const batch = queries.slice(i, i + BATCH);
      count.queries += batch.length;
      count.requests += 1;
      const variables: Record<string, unknown> = {};
      batch.forEach((q, j) => Object.assign(variables, { [`f${j}`]: monthBounds[q.window[0]]!.from, [`t${j}`]: monthBounds[q.window[1]]!.to, [`x${j}`]: filterArgument(q.filter) }));
      const response = await graph.query(await tokenOf(analyst), cohortsQuery(batch.length), variables);
      if (response.status === 200 && !response.body.errors && response.body.data) {
        count.answered += batch.length;
        batch.forEach((_, j) => out.push(parse(response.body.data![`c${j}`])));
      } else {
        for (const q of batch) out.push(await askOne(analyst, q, count));
      }
    }
    return out;
  }
  /** Each plan's pairs' answers, every distinct query asked once (the same query is answered the same: strategy 3 checks so). */
  async function observe(plans: readonly Plan[], analyst: string, count: Tally, answers = new Map<string, Published | null>()): Promise<Observation[][]> {
    const wanted = new Map<string, Query>();
    for (const plan of plans) {
      for (const pair of plan.pairs) {
        for (const window of [pair.smaller, pair.larger]) if (window) wanted.set(queryKey({ window, filter: pair.filter }), { window, filter: pair.filter });
      }
    }
    const missing = [...wanted].filter(([key]) => !answers.has(key));
    const got = await askMany(analyst, missing.map(([, q]) => q), count);
    missing.forEach(([key], i) => answers.set(key, got[i]!));
    return plans.map((plan) => plan.pairs.map((pair) => ({
      smaller: pair.smaller ? answers.get(queryKey({ window: pair.smaller, filter: pair.filter }))! : null,
      larger: answers.get(queryKey({ window: pair.larger, filter: pair.filter }))!,
    })));
  }

  // ---- Pairs of periods ----

  /** The pair of windows around month m anchored at a < m (smaller [a, m − 1]) or at b > m (smaller [m + 1, b]). */
  const windowsAt = (filter: Filter, m: number, anchor: number): Pair => (anchor < m
    ? { filter, smaller: [anchor, m - 1], larger: [anchor, m], period: monthKeys[m]! }
    : { filter, smaller: [m + 1, anchor], larger: [m, anchor], period: monthKeys[m]! });
  const differsByItsMonth = (pair: Pair) => pair.smaller !== null && differsByMonth(monthKeys, new Set(years.keys()), pair.smaller, pair.larger, monthKeys.indexOf(pair.period));
  /** Every pair of periods differing by month m's release alone. */
  const pairsAround = (filter: Filter, m: number): Pair[] => monthKeys.flatMap((_, a) => (a === m ? [] : [windowsAt(filter, m, a)])).filter(differsByItsMonth);
  /** The pair differing by month m alone whose other end is nearest the register's first month (the last for the first month): periods from the start, shared by many targets. */
  function pairAt(filter: Filter, m: number): Pair {
    const anchor = m > 0 ? 0 : monthKeys.length - 1;
    const end = (p: Pair) => (p.larger[0] < m ? p.larger[0] : p.larger[1]);
    const pair = pairsAround(filter, m).sort((x, y) => Math.abs(end(x) - anchor) - Math.abs(end(y) - anchor))[0];
    expect(pair, `a pair of periods differing by month ${m} alone`).toBeDefined();
    return pair!;
  }
  /** Every member of every month's release of an agency, as targets. */
  const monthTargets = (agency: Agency): Target[] => monthKeys.flatMap((period) => releases[agency].get(period)!.members.map((member) => ({ agency, period, member })));

  /** Strategy 1 (and 3): members alone or nearly alone in their month's cell of some table; a pair per such table. */
  function monthsPlans(): Record<Agency, Plan[]> {
    if (!monthPlans) {
      monthPlans = Object.fromEntries(AGENCIES.map((agency, i) => {
        const plans = seededOrder(monthTargets(agency), 20301 + i).flatMap((target) => {
          const filters = filtersOf(target.member).filter((f) => othersCount(target, target.period, f) <= NEARLY);
          return filters.length === 0 ? [] : [{ target, pairs: filters.map((f) => pairAt(f, monthKeys.indexOf(target.period))) }];
        }).slice(0, MAX_TARGETS);
        return [agency, plans];
      })) as Record<Agency, Plan[]>;
    }
    return monthPlans;
  }

  /** Strategy 2: members of a released year's release, each read by exactly that year with the table of the fewest others. */
  function yearPlans(): Record<Agency, Plan[]> {
    return Object.fromEntries(AGENCIES.map((agency, i) => {
      const targets = [...years.keys()].flatMap((year) => releases[agency].get(year)!.members.map((member): Target => ({ agency, period: year, member })));
      const plans = seededOrder(targets, 20311 + i).slice(0, MAX_TARGETS).map((target) => {
        const ms = years.get(target.period)!;
        const filter = filtersOf(target.member).map((f, j) => ({ f, j, n: othersCount(target, target.period, f) })).sort((x, y) => x.n - y.n || x.j - y.j)[0]!.f;
        return { target, pairs: [{ filter, smaller: null, larger: [ms[0]!, ms.at(-1)!] as Window, period: target.period }] };
      });
      return [agency, plans];
    })) as Record<Agency, Plan[]>;
  }

  // ---- Scoring ----

  interface Guessed { target: Target; guess: string; posterior?: number }
  /**
   * A strategy's score for one agency. Checked: the right guesses against the honest score's
   * bound (what the same reading gets right on releases with exactly the noise they state, E + 3
   * standard deviations, simulated). Printed: the margin guess's right on the same targets; each
   * category guessed off the margin (exact zeros: each claimed), how often, how often right and its
   * share (the largest of its published share, its true share and its share among the targets);
   * and the right guesses the attacker expected by its own posteriors.
   */
  function score(agency: Agency, guesses: readonly Guessed[], population: readonly Target[], honest: HonestScore, claims = false) {
    const n = guesses.length;
    const margin = marginGuess(agency);
    const right = guesses.filter((g) => g.guess === truthOf(g.target)).length;
    const baseline = guesses.filter((g) => truthOf(g.target) === margin).length;
    const amongTargets = (c: string) => (population.length ? population.filter((t) => truthOf(t) === c).length / population.length : 0);
    const share = (c: string) => Math.max(priorShare(agency, c), trueShare[agency]![c]!, amongTargets(c));
    const byGuess = Object.fromEntries(GUESSES[agency].filter((c) => claims || c !== margin).flatMap((c) => {
      const named = guesses.filter((g) => g.guess === c);
      return named.length === 0 ? [] : [[c, { n: named.length, right: named.filter((g) => truthOf(g.target) === c).length, share: Number(share(c).toFixed(3)) }]];
    })) as Record<string, { n: number; right: number; share: number }>;
    const failures = right > honest.bound
      ? [`right ${right} of ${n}, but on releases with exactly the noise they state the same reading is right ${honest.expected.toFixed(1)} times on average (± ${honest.sd.toFixed(1)}), `
        + `so at most ${honest.bound.toFixed(1)} is allowed (3 standard deviations, one-sided); the margin guess ${margin} is right ${baseline} times`]
      : [];
    const expected = guesses.every((g) => g.posterior !== undefined) ? Number(guesses.reduce((sum, g) => sum + g.posterior!, 0).toFixed(1)) : undefined;
    return {
      targets: n, right, expected: Number(honest.expected.toFixed(1)), sd: Number(honest.sd.toFixed(1)), bound: Number(honest.bound.toFixed(1)),
      marginGuess: margin, baseline, byGuess, expectedByPosterior: expected, failures,
    };
  }

  /** Scores a strategy's plans and observations per agency (with the power check), prints its line, and fails when it beats the margins. */
  function scoreAndCheck(strategy: string, plans: Record<Agency, Plan[]>, observations: Record<Agency, Observation[][]>, count: Tally, extra: Record<string, unknown> = {}) {
    const summary: Record<string, unknown> = { queries: count.queries, requests: count.requests, answered: count.answered, refused: count.refused, ...extra };
    const failures: string[] = [];
    for (const agency of AGENCIES) {
      const mine = plans[agency];
      const targets = mine.map((p) => p.target);
      const guesses = mine.map((plan, i) => ({ target: plan.target, ...guess(plan, observations[agency][i]!) }));
      const noiseless = mine.map((plan, i) => ({ target: plan.target, guess: guess(plan, observations[agency][i]!, true).guess }));
      const { honest, halfNoise } = honestScore(agency, mine);
      const scored = score(agency, guesses, targets, honest);
      const power = score(agency, noiseless, targets, honest);
      const tablesRead = mine.reduce((s, p) => s + new Set(p.pairs.map((pair) => filterKey(pair.filter))).size, 0);
      summary[agency] = {
        ...scored, failures: undefined, tablesPerTarget: Number((tablesRead / Math.max(mine.length, 1)).toFixed(2)), offMargin: guesses.filter((g) => g.guess !== scored.marginGuess).length,
        noiselessRight: power.right, expectedAtHalfTheNoise: Number(halfNoise!.expected.toFixed(1)),
      };
      console.log(`attack on the agencies' releases, ${strategy}, ${agency}: ${mine.length} targets, right ${scored.right}, ${describeScore(honest)} (at half the noise expected ${halfNoise!.expected.toFixed(1)}), `
        + `margin guess ${scored.marginGuess} right ${scored.baseline}, expected right by the attacker's posteriors ${scored.expectedByPosterior}, guessed off the margin ${JSON.stringify(scored.byGuess)}; `
        + `right without noise ${power.right}; tables read per target ${(tablesRead / Math.max(mine.length, 1)).toFixed(2)}; `
        + `queries ${count.queries} in ${count.requests} requests, refused ${refusedOf(count)} ${JSON.stringify(count.refused)}`);
      expect(mine.length, `${strategy} ${agency}: targets`).toBeGreaterThanOrEqual(MIN_TARGETS);
      expect(power.right, `${strategy} ${agency}: with the true counts the same reading names every target (the queries read the target)`).toBe(mine.length);
      expect(power.failures.length, `${strategy} ${agency}: with the true counts the guesses beat the bound (the test can fail)`).toBeGreaterThan(0);
      failures.push(...scored.failures.map((f) => `${strategy} ${agency}: ${f}`));
    }
    results[strategy] = summary;
    expect(refusedOf(count), `${strategy}: every query asked reads released tables`).toBe(0);
    expect(failures, `the analyst learnt targets' categories from the releases:\n${failures.join('\n')}`).toEqual([]);
  }

  // ---- The strategies ----

  it('1. consecutive periods differing by the target\'s month alone, with the filters where it is (nearly) alone, tell no more than the margins', async () => {
    const plans = monthsPlans();
    const count = tally();
    const answers = new Map<string, Published | null>();
    const observations = {} as Record<Agency, Observation[][]>;
    for (const agency of AGENCIES) observations[agency] = await observe(plans[agency], ANALYSTS.months, count, answers);
    for (const [key, answer] of answers) if (answer) monthAnswers.set(key, answer);
    // A pair's difference is its month's cells: the month asked alone gives the same.
    const checked = AGENCIES.flatMap((agency) => plans[agency].flatMap((plan, i) => plan.pairs.map((pair, j) => ({ agency, pair, o: observations[agency][i]![j]! })))).slice(0, MONTH_CHECKS);
    const m = (pair: Pair) => monthKeys.indexOf(pair.period);
    const alone = await askMany(ANALYSTS.months, checked.map(({ pair }) => ({ window: [m(pair), m(pair)], filter: pair.filter })), count);
    const same = checked.filter(({ agency, o }, i) => o.larger && o.smaller && alone[i]
      && domain[agency].every((c) => o.larger![agency][c]! - o.smaller![agency][c]! === alone[i]![agency][c])).length;
    expect(same, 'a pair\'s difference is the month\'s own cells').toBe(checked.length);
    scoreAndCheck('1 consecutive periods', plans, observations, count, {
      alone: Object.fromEntries(AGENCIES.map((a) => [a, plans[a].filter((p) => p.pairs.some((pair) => othersCount(p.target, p.target.period, pair.filter) === 0)).length])),
      pairsCheckedAgainstTheMonth: same,
    });
  }, 300_000);

  it('2. the target\'s year read by exactly that year, everyone else subtracted, tells no more than the margins', async () => {
    const plans = yearPlans();
    const count = tally();
    const observations = {} as Record<Agency, Observation[][]>;
    const answers = new Map<string, Published | null>();
    for (const agency of AGENCIES) observations[agency] = await observe(plans[agency], ANALYSTS.year, count, answers);
    const others = AGENCIES.flatMap((a) => plans[a].map((p) => othersCount(p.target, p.target.period, p.pairs[0]!.filter)));
    scoreAndCheck('2 the year', plans, observations, count, { othersInTheYearCell: { min: Math.min(...others), max: Math.max(...others), median: [...others].sort((x, y) => x - y)[others.length >> 1] } });
  }, 300_000);

  it('3. two analysts and restarts of the agencies between the two queries of each pair get the same answers, so learn nothing more', async () => {
    const plans = monthsPlans();
    const count = tally();
    const smallerOf = new Map<string, Query>();
    const largerOf = new Map<string, Query>();
    for (const agency of AGENCIES) {
      for (const plan of plans[agency]) {
        for (const pair of plan.pairs) {
          smallerOf.set(queryKey({ window: pair.smaller!, filter: pair.filter }), { window: pair.smaller!, filter: pair.filter });
          largerOf.set(queryKey({ window: pair.larger, filter: pair.filter }), { window: pair.larger, filter: pair.filter });
        }
      }
    }
    // analyst-1 asks every smaller period, then both agencies' processes restart, then analyst-2 asks every larger one.
    const before = await askMany(ANALYSTS.first, [...smallerOf.values()], count);
    for (const name of ['care', 'social-services'] as const) await graph.restartSubgraphProcess(name);
    let answering = false;
    for (let attempt = 0; attempt < 200 && !answering; attempt++) {
      const response = await graph.query(await tokenOf(ANALYSTS.margins), cohortsQuery(1), { f0: monthBounds[0]!.from, t0: monthBounds[0]!.to, x0: null });
      answering = !response.body.errors && Boolean(response.body.data?.c0?.care && response.body.data?.c0?.socialServices);
      if (!answering) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answering, 'the agencies answer again after their restarts').toBe(true);
    const after = await askMany(ANALYSTS.second, [...largerOf.values()], count);
    const again = [...smallerOf.values()].slice(0, ASKED_AGAIN);
    const askedAgain = await askMany(ANALYSTS.second, again, count);
    const answers = new Map<string, Published | null>();
    [...smallerOf.keys()].forEach((key, i) => answers.set(key, before[i]!));
    [...largerOf.keys()].forEach((key, i) => answers.set(`${key}|after`, after[i]!));
    // Every answer is strategy 1's for the same query, whoever asks and across the restarts.
    const compared = [...[...smallerOf.keys()].map((key, i) => [key, before[i]] as const), ...[...largerOf.keys()].map((key, i) => [key, after[i]] as const)];
    const differing = compared.filter(([key, answer]) => JSON.stringify(answer) !== JSON.stringify(monthAnswers.get(key))).length;
    const againSame = again.filter((q, i) => JSON.stringify(askedAgain[i]) === JSON.stringify(answers.get(queryKey(q)))).length;
    const observations = Object.fromEntries(AGENCIES.map((agency) => [agency, plans[agency].map((plan) => plan.pairs.map((pair) => ({
      smaller: answers.get(queryKey({ window: pair.smaller!, filter: pair.filter }))!, larger: answers.get(`${queryKey({ window: pair.larger, filter: pair.filter })}|after`)!,
    })))])) as Record<Agency, Observation[][]>;
    expect(monthAnswers.size, 'strategy 1 ran first (its answers are compared)').toBeGreaterThan(0);
    expect(differing, 'answers differing from strategy 1\'s for the same query').toBe(0);
    expect(againSame, 'queries asked again after the restarts are answered as before').toBe(again.length);
    scoreAndCheck('3 two analysts and restarts', plans, observations, count, { compared: compared.length, differing, askedAgainAfterRestarts: again.length, answeredAsBefore: againSame });
  }, 300_000);

  it('4. exact zeros: a category 0 without the target and not 0 with it names the target\'s category no better than the margins do', async () => {
    const count = tally();
    const plans = {} as Record<Agency, Plan[]>;
    /** The categories a pair's claim can name: care chapter F (the question asked), social services every band. */
    const claimable = (agency: Agency) => (agency === 'CARE' ? [fChapter] : [...BANDS]);
    const zeros = (agency: Agency, pair: Pair) => {
      const counts = trueCounts(agency, pair.smaller, pair.filter);
      return claimable(agency).filter((c) => counts[c] === 0).length;
    };
    for (const [i, agency] of AGENCIES.entries()) {
      plans[agency] = seededOrder(monthTargets(agency), 20321 + i).flatMap((target) => {
        const m = monthKeys.indexOf(target.period);
        // Each table the target is alone in, with its pair of the most true zeros in the smaller period, then the shortest.
        const length = (p: Pair) => p.smaller![1] - p.smaller![0];
        const pairs = filtersOf(target.member).filter((f) => othersCount(target, target.period, f) === 0)
          .map((f) => pairsAround(f, m).sort((x, y) => zeros(agency, y) - zeros(agency, x) || length(x) - length(y))[0]!)
          .filter((p) => zeros(agency, p) > 0)
          .sort((x, y) => zeros(agency, y) - zeros(agency, x))
          .slice(0, ZERO_PAIRS_PER_TARGET);
        return pairs.length === 0 ? [] : [{ target, pairs }];
      }).slice(0, MAX_TARGETS);
    }
    const answers = new Map<string, Published | null>();
    const observations = {} as Record<Agency, Observation[][]>;
    for (const agency of AGENCIES) observations[agency] = await observe(plans[agency], ANALYSTS.zeros, count, answers);
    const summary: Record<string, unknown> = { queries: count.queries, requests: count.requests, answered: count.answered, refused: count.refused };
    const failures: string[] = [];
    for (const agency of AGENCIES) {
      // A claim: a category published 0 in a smaller period and not 0 in its larger one; two categories at once, no claim.
      const claimOf = (plan: Plan, obs: readonly Observation[], noiseless: boolean): string | null => {
        const named = new Set<string>();
        plan.pairs.forEach((pair, j) => {
          const l = noiseless ? trueCounts(agency, pair.larger, pair.filter) : obs[j]!.larger?.[agency];
          const s = noiseless ? trueCounts(agency, pair.smaller, pair.filter) : obs[j]!.smaller?.[agency];
          if (l && s) for (const c of claimable(agency)) if (s[c] === 0 && l[c] !== 0) named.add(c);
        });
        return named.size === 1 ? guessOf(agency, [...named][0]!) : null;
      };
      const mine = plans[agency];
      const targets = mine.map((p) => p.target);
      const claims = mine.flatMap((plan, i) => { const c = claimOf(plan, observations[agency][i]!, false); return c === null ? [] : [{ target: plan.target, guess: c }]; });
      const noiseless = mine.flatMap((plan, i) => { const c = claimOf(plan, observations[agency][i]!, true); return c === null ? [] : [{ target: plan.target, guess: c }]; });
      // Claimable on the true counts: the targets whose own category is a true zero of a smaller period of theirs.
      const claimableTargets = mine.filter((plan) => claimable(agency).includes(plan.target.member.category)
        && plan.pairs.some((pair) => trueCounts(agency, pair.smaller, pair.filter)[plan.target.member.category] === 0)).length;
      // The claims right scored against the same claims on releases with exactly the noise they state (simulated:
      // each smaller period's releases and the month's cells drawn from the true counts; a category is 0 over a
      // period when every release of it publishes 0 there, and then the larger is not 0 when the month's cell is not).
      const cells = mine.map((plan) => plan.pairs.map((pair) => ({
        smaller: releasesOfWindow(monthKeys, new Set(years.keys()), pair.smaller!).map((period) => cellsOf(agency, period, pair.filter).filter((x) => claimable(agency).includes(x.c))),
        month: cellsOf(agency, pair.period, pair.filter).filter((x) => claimable(agency).includes(x.c)),
      })));
      const play = (i: number, publish: Publish) => {
        const named = new Set<string>();
        for (const { smaller, month } of cells[i]!) {
          month.forEach((x, k) => {
            if (smaller.every((release) => publish(release[k]!.key, release[k]!.truth, release[k]!.sigma) === 0) && publish(x.key, x.truth, x.sigma) !== 0) named.add(x.c);
          });
        }
        return named.size === 1 ? guessOf(agency, [...named][0]!) : null;
      };
      const truths = mine.map((plan) => truthOf(plan.target));
      const simulation = simulateAttack(truths, play);
      const honest = simulation.score();
      const halfNoise = simulateAttack(truths, play, { noiseScale: 0.5, rounds: HALF_NOISE_ROUNDS }).score();
      const scored = score(agency, claims, targets, honest, true);
      const power = score(agency, noiseless, targets, honest, true);
      const claimsExpected = Number(simulation.score((_, g) => g !== null).expected.toFixed(1));
      summary[agency] = {
        ...scored, targets: mine.length, pairs: mine.reduce((s, p) => s + p.pairs.length, 0), claims: claims.length, claimsExpected,
        expectedAtHalfTheNoise: Number(halfNoise.expected.toFixed(1)), failures: undefined,
        noiselessClaims: noiseless.length, noiselessRight: power.right, claimableTargets,
      };
      console.log(`attack on the agencies' releases, 4 exact zeros, ${agency}: ${mine.length} targets, ${claims.length} claims (expected ${claimsExpected}), right ${scored.right}, ${describeScore(honest)} `
        + `(at half the noise expected ${halfNoise.expected.toFixed(1)}), margin guess ${scored.marginGuess} right ${scored.baseline}, by category ${JSON.stringify(scored.byGuess)}; without noise ${noiseless.length} claims, right ${power.right} (claimable ${claimableTargets})`);
      expect(mine.length, `exact zeros ${agency}: targets`).toBeGreaterThanOrEqual(MIN_TARGETS);
      expect({ claims: noiseless.length, right: power.right }, `exact zeros ${agency}: with the true counts every claimable target is claimed, rightly`).toEqual({ claims: claimableTargets, right: claimableTargets });
      expect(power.right, `exact zeros ${agency}: with the true counts the claims right beat the bound (the test can fail)`).toBeGreaterThan(honest.bound);
      failures.push(...scored.failures.map((f) => `4 exact zeros ${agency}: ${f}`));
    }
    results['4 exact zeros'] = summary;
    expect(refusedOf(count), 'exact zeros: every query asked reads released tables').toBe(0);
    expect(failures, `the analyst learnt targets' categories from the releases:\n${failures.join('\n')}`).toEqual([]);
  }, 300_000);

  it('for reference, not scored: every table of the target\'s month and year, everyone else subtracted (differential privacy\'s own worst case)', async () => {
    // The members of a released year's release, each read through every table holding it (the month of its
    // registration asked alone: a pair's difference, strategy 1 checks) in its month's release and in the year's.
    const plans = Object.fromEntries(AGENCIES.map((agency, i) => {
      const targets = [...years.keys()].flatMap((year) => releases[agency].get(year)!.members.map((member): Target => ({ agency, period: year, member })));
      return [agency, seededOrder(targets, 20331 + i).slice(0, MAX_TARGETS).map((target) => {
        const m = monthKeys.indexOf(target.member.registeredMonth);
        const ms = years.get(target.period)!;
        expect(releases[agency].get(target.member.registeredMonth)!.members.find((x) => x.personnummer === target.member.personnummer), 'the month of a year\'s member counts it alike')
          .toEqual(target.member);
        return { target, pairs: filtersOf(target.member).flatMap((filter): Pair[] => [
          { filter, smaller: null, larger: [m, m], period: target.member.registeredMonth }, { filter, smaller: null, larger: [ms[0]!, ms.at(-1)!], period: target.period },
        ]) };
      })];
    })) as Record<Agency, Plan[]>;
    const count = tally();
    const answers = new Map<string, Published | null>();
    const observations = {} as Record<Agency, Observation[][]>;
    for (const agency of AGENCIES) observations[agency] = await observe(plans[agency], ANALYSTS.worstCase, count, answers);
    const summary: Record<string, unknown> = { queries: count.queries, requests: count.requests, answered: count.answered, refused: count.refused };
    for (const agency of AGENCIES) {
      const mine = plans[agency];
      // The honest score too, printed (fewer rounds: every table, month and year is many reads a target).
      const { honest } = honestScore(agency, mine, 200);
      const scored = score(agency, mine.map((plan, i) => ({ target: plan.target, ...guess(plan, observations[agency][i]!) })), mine.map((p) => p.target), honest);
      const power = score(agency, mine.map((plan, i) => ({ target: plan.target, guess: guess(plan, observations[agency][i]!, true).guess })), mine.map((p) => p.target), honest);
      summary[agency] = { ...scored, failures: undefined, tablesPerTarget: Number((mine.reduce((s, p) => s + p.pairs.length, 0) / 2 / mine.length).toFixed(2)), noiselessRight: power.right,
        beyondTheBound: scored.right > scored.bound,
        // Each category named off the margin against its share alone (the exact tail): what a rare category named right tells.
        namedBeyondTheirShare: Object.fromEntries(Object.entries(scored.byGuess).map(([c, g]) => [c, g.right > exactBound(g.n, g.share)])),
      };
      console.log(`attack on the agencies' releases, for reference (every table, month and year, everyone else subtracted), ${agency}: ${mine.length} targets, right ${scored.right}, `
        + `${describeScore(honest)}, margin guess ${scored.marginGuess} right ${scored.baseline}, expected right by the attacker's posteriors ${scored.expectedByPosterior}, guessed off the margin ${JSON.stringify(scored.byGuess)}; right without noise ${power.right}`);
      expect(power.right, `reference ${agency}: with the true counts every target is named`).toBe(mine.length);
    }
    results['for reference: every table, month and year, everyone else known'] = summary;
    expect(refusedOf(count), 'reference: every query asked reads released tables').toBe(0);
  }, 300_000);
});
