import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, covers, monthOf, todayIso } from '@finsam/kit/dates';
import { icd10Chapter } from '@finsam/kit/icd10';
import { SeededRandom } from '@finsam/kit/random';
import { binomialBound, conditionsOf, filterOf, has, matches, subsets, NO_ALLOWANCE_LIMITS, readRegister, type Condition, type Participation } from '../../support/attacker.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * Issue 11, the agencies' side: an analyst must not learn a person's sector data by differencing
 * the agencies' aggregates of `cohort`. This is the attacker of disclosure-attack.test.ts turned on
 * the region's care and the social services. It knows each target's quasi-identifiers (month of
 * registration in, intervention, home municipality, sex, age band, priority groups) and, as the
 * worst case, uses the coordination store (participations and consents) to pick cohorts whose
 * true member sets differ by exactly the target, or hold the target alone among the members the
 * agency counts. It asks only queries valid under the narrowed rules (whole-month periods, at most
 * one value per list filter, real municipality codes and intervention ids), so the same test runs
 * before and after the disclosure control.
 *
 * What it guesses, for each target person whose consent (samtycke) covers the agency today:
 * - care: whether the target has a medical certificate in force today in ICD-10 chapter F
 *   (`certificatesByChapter`, category `F00-F99 …`), a yes/no;
 * - social services: the target's band of months with ekonomiskt bistånd in the last 12
 *   (`assistanceMonthsLast12`: NONE, 1_5, 6_9, 10_12).
 * The truth is read from the agency's own store, computed as the agency's cohort resolver does.
 * Each is scored against the guess from the published margins alone: always the most common
 * category of the whole population's cohort. The attacker passes (the graph fails) when it is
 * right significantly more often than that.
 *
 * Refusals (FORBIDDEN with a reason, BAD_USER_INPUT for a filter no table answers)
 * count as "no information"; any other error fails the test. Nothing depends on timing; the
 * population's seed and the target order are fixed.
 *
 * Since issue 20 the agencies answer from their statistics releases (docs/statistics-release.md,
 * "The agencies' releases"): every figure is a sum of protected cells drawn once per period, the
 * same however it is asked, so differencing or averaging two cohorts only differences or averages
 * the same released noise. A filter the releases hold no table for (two dimensions together, a
 * priority group with a municipality other than mental ill health's) is refused with
 * BAD_USER_INPUT naming `filter`, and also counts as "no information"; the attacker's periods end
 * with the last month released.
 */

const COUNT = '{ value suppressed }';
const COHORT = `query($from: String!, $to: String!, $filter: FollowUpFilter) {
  cohort(from: $from, to: $to, filter: $filter) {
    size ${COUNT}
    socialServices { assistanceMonthsLast12 { category count ${COUNT} } }
    care { certificatesByChapter { category count ${COUNT} } }
  }
}`;

type Agency = 'CARE' | 'SOCIAL_SERVICES';
const AGENCIES: readonly Agency[] = ['CARE', 'SOCIAL_SERVICES'];
/** The categories guessed per agency: care's "in chapter F today" or not, the social services' four bands. */
const CATEGORIES: Record<Agency, readonly string[]> = {
  CARE: ['F', 'NOT_F'],
  SOCIAL_SERVICES: ['NONE', '1_5', '6_9', '10_12'],
};
const F_CHAPTER = 'F00-F99';

/** How many targets each strategy attacks (distinct persons across all strategies; each needs care consent). */
const WANTED = { periods: 45, toggle: 30, averaging: 15, alone: 60 } as const;
type Strategy = keyof typeof WANTED;
/** A set the attacker compares must hold at least this many other members the agency counts: "large". */
const LARGE = 10;

/** One agency's published table: each category's count (null when suppressed), and which categories were listed at all. */
interface Table { counts: Record<string, number | null>; listed: Set<string> }
/** Both agencies' tables of one cohort; null for "no information" (a refusal). */
type Published = Record<Agency, Table> | null;

interface Guess {
  strategy: Strategy;
  agency: Agency;
  target: string;
  guess: string;
  decided: boolean;
}

interface Pair { conditions: Condition[]; larger: [number, number, Condition[]]; smaller: [number, number, Condition[]]; size: number }

describe('disclosure control of the agencies\' cohort aggregates against a differencing analyst (issue 11)', () => {
  let graph: TestGraph;
  let analyst: string;
  let rows: Participation[];
  let months: { from: string; to: string }[];
  /** Agencies whose consent covers each person today (not revoked). */
  const consents = new Map<string, Set<Agency>>();
  /** The truth, per agency, per person with consent to it: the category the agency counts the person in. */
  const truth: Record<Agency, Map<string, string>> = { CARE: new Map(), SOCIAL_SERVICES: new Map() };
  let requests = 0;
  const refusals: Record<string, number> = {};

  beforeAll(async () => {
    graph = await startGraph({ persons: 2000, env: NO_ALLOWANCE_LIMITS, knownAnalysts: ['analyst-agencies'] });
    analyst = await graph.token('analyst', 'analyst-agencies');
    const today = todayIso();
    const coordination = graph.store('coordination');
    try {
      ({ rows, months } = await readRegister(coordination));
      // The agencies answer up to the last month released: the attacker asks no later month (nor counts anyone registered in one).
      const released = (await sql<{ period: string }>`SELECT MAX(period) AS period FROM statistics_release WHERE period LIKE '____-__'`.execute(coordination)).rows[0]!.period;
      months = months.filter((m) => m.from.slice(0, 7) <= released);
      rows = rows.filter((r) => r.month < months.length);
      const inForce = (await sql<{ personnummer: string; agency: string }>`SELECT personnummer, agency FROM consent
        WHERE revoked_at IS NULL AND valid_from <= ${today} AND valid_to >= ${today}`.execute(coordination)).rows;
      for (const c of inForce) if ((AGENCIES as readonly string[]).includes(c.agency)) (consents.get(c.personnummer) ?? consents.set(c.personnummer, new Set()).get(c.personnummer)!).add(c.agency as Agency);
    } finally {
      await coordination.destroy();
    }
    const consenting = (agency: Agency) => [...new Set(rows.filter((r) => !r.protectedIdentity && consents.get(r.personnummer)?.has(agency)).map((r) => r.personnummer))];

    // Care's truth, as subgraphs/care/src/resolvers/cohort.ts counts it: a certificate with a work-capacity step covering today, in chapter F.
    const care = graph.store('care');
    try {
      const certificates = (await sql<{ personnummer: string; diagnosis_code: string; work_capacity_steps_json: string }>`
        SELECT personnummer, diagnosis_code, work_capacity_steps_json FROM medical_certificate`.execute(care)).rows;
      const inF = new Set<string>();
      for (const c of certificates) {
        const steps = JSON.parse(c.work_capacity_steps_json) as { from: string; to: string | null }[];
        if (steps.some((s) => covers(s.from, s.to, today)) && (icd10Chapter(c.diagnosis_code) ?? '').startsWith(F_CHAPTER)) inF.add(c.personnummer);
      }
      for (const p of consenting('CARE')) truth.CARE.set(p, inF.has(p) ? 'F' : 'NOT_F');
    } finally {
      await care.destroy();
    }
    // The social services' truth, as subgraphs/social-services/src/resolvers/cohort.ts counts it: months with assistance in the twelve ending this month.
    const socialServices = graph.store('social-services');
    try {
      const current = monthOf(today);
      const counts = (await sql<{ personnummer: string; months: number | string }>`SELECT personnummer, COUNT(*) AS months FROM assistance_month
        WHERE month >= ${addMonths(current, -11)} AND month <= ${current} GROUP BY personnummer`.execute(socialServices)).rows;
      const monthsOf = new Map(counts.map((c) => [c.personnummer, Number(c.months)]));
      const band = (n: number) => (n === 0 ? 'NONE' : n <= 5 ? '1_5' : n <= 9 ? '6_9' : '10_12');
      for (const p of consenting('SOCIAL_SERVICES')) truth.SOCIAL_SERVICES.set(p, band(monthsOf.get(p) ?? 0));
    } finally {
      await socialServices.destroy();
    }
  });
  afterAll(() => graph?.close());

  /** One cohort over whole months [a, b]: both agencies' published tables. */
  async function cohort(a: number, b: number, conditions: readonly Condition[]): Promise<Published> {
    requests += 1;
    const response = await graph.query(analyst, COHORT, { from: months[a]!.from, to: months[b]!.to, filter: filterOf(conditions) });
    const error = response.body.errors?.[0];
    // A refusal (FORBIDDEN with a reason) tells the attacker nothing, nor does a filter the agencies' releases hold no table for.
    if (error?.extensions?.code === 'FORBIDDEN' && typeof error.extensions.reason === 'string') {
      refusals[error.extensions.reason] = (refusals[error.extensions.reason] ?? 0) + 1;
      return null;
    }
    if (error?.extensions?.code === 'BAD_USER_INPUT' && error.extensions.argument === 'filter') {
      refusals.NOT_RELEASED = (refusals.NOT_RELEASED ?? 0) + 1;
      return null;
    }
    expect(response.body.errors, JSON.stringify({ a, b, conditions, errors: response.body.errors })).toBeUndefined();
    const data = response.body.data!.cohort as {
      socialServices: { assistanceMonthsLast12: { category: string; count: { value: number | null } }[] };
      care: { certificatesByChapter: { category: string; count: { value: number | null } }[] };
    };
    const table = (cells: { category: string; count: { value: number | null } }[], name: (category: string) => string | null, categories: readonly string[]): Table => {
      const counts: Record<string, number | null> = Object.fromEntries(categories.map((c) => [c, 0]));
      const listed = new Set<string>();
      for (const cell of cells) {
        const category = name(cell.category);
        if (category === null) continue;
        listed.add(category);
        counts[category] = cell.count.value;
      }
      return { counts, listed };
    };
    return {
      // Care lists chapters: only chapter F is read; a chapter not listed counts 0.
      CARE: table(data.care.certificatesByChapter, (c) => (c.startsWith(F_CHAPTER) ? 'F' : null), ['F']),
      SOCIAL_SERVICES: table(data.socialServices.assistanceMonthsLast12, (c) => c, CATEGORIES.SOCIAL_SERVICES),
    };
  }

  it('gives an analyst no better guess of a target\'s chapter-F certificate or assistance band than the published margins do', async () => {
    const started = Date.now();
    // The margins: the whole period's cohort without a filter.
    const margin = (await cohort(0, months.length - 1, []))!;
    const bandTotal = CATEGORIES.SOCIAL_SERVICES.reduce((s, c) => s + (margin.SOCIAL_SERVICES.counts[c] ?? 0), 0);
    const careMembers = truth.CARE.size;
    // Shares from the margins. Care publishes no total of the members it counts: the share in F is taken of the members with
    // care consent (a count that tells nothing of anyone's health), so that the baseline is the fair one.
    const marginShare: Record<Agency, Record<string, number>> = {
      CARE: { F: (margin.CARE.counts.F ?? 0) / careMembers, NOT_F: 1 - (margin.CARE.counts.F ?? 0) / careMembers },
      SOCIAL_SERVICES: Object.fromEntries(CATEGORIES.SOCIAL_SERVICES.map((c) => [c, (margin.SOCIAL_SERVICES.counts[c] ?? 0) / bandTotal])),
    };
    const byMargin = Object.fromEntries(AGENCIES.map((agency) => [agency, [...CATEGORIES[agency]].sort((x, y) => marginShare[agency][y]! - marginShare[agency][x]!)])) as Record<Agency, string[]>;
    const marginGuess = (agency: Agency) => byMargin[agency][0]!;
    // p0: the margin guess's share, the larger of the published one and the true one among everyone the agency counts (the bound errs for the graph).
    const p0 = Object.fromEntries(AGENCIES.map((agency) => {
      const trueShare = [...truth[agency].values()].filter((v) => v === marginGuess(agency)).length / truth[agency].size;
      return [agency, Math.max(marginShare[agency][marginGuess(agency)]!, trueShare)];
    })) as Record<Agency, number>;

    /**
     * The attacker's reading of pairs of published tables whose true member sets differ by the
     * target (`larger` holds it): the category whose figure moved is the target's (averaged over
     * the pairs); care: F when F grew by about one. When nothing published moved, a category
     * hidden on both sides; otherwise the margin guess.
     */
    function differences(agency: Agency, pairs: [Published, Published][]): { guess: string; decided: boolean } {
      const seen = pairs.filter((p): p is [NonNullable<Published>, NonNullable<Published>] => p[0] !== null && p[1] !== null).map(([l, s]) => [l[agency], s[agency]] as const);
      if (seen.length === 0) return { guess: marginGuess(agency), decided: false };
      const read = agency === 'CARE' ? ['F'] : CATEGORIES[agency];
      const moved: { c: string; d: number }[] = [];
      const unknown: string[] = [];
      for (const c of read) {
        const both = seen.filter(([l, s]) => l.counts[c] !== null && s.counts[c] !== null).map(([l, s]) => l.counts[c]! - s.counts[c]!);
        if (both.length > 0) {
          const d = both.reduce((sum, x) => sum + x, 0) / both.length;
          if (Math.abs(d) >= 0.5) moved.push({ c, d });
        } else if (seen.some(([l, s]) => (l.counts[c] === null) !== (s.counts[c] === null))) moved.push({ c, d: 0.5 });
        else unknown.push(c);
      }
      if (agency === 'CARE') {
        // The region lists only chapters someone is in: F listed with the target and not without it is the target's.
        if (seen.some(([l, s]) => l.listed.has('F') && !s.listed.has('F'))) return { guess: 'F', decided: true };
        if (seen.some(([l]) => !l.listed.has('F'))) return { guess: 'NOT_F', decided: true };
        // F moved up: F. F compared and did not move: not F. F hidden on both sides: the margin guess.
        if (moved.some((m) => m.d > 0)) return { guess: 'F', decided: true };
        if (unknown.length === 0) return { guess: 'NOT_F', decided: true };
        return { guess: marginGuess(agency), decided: false };
      }
      if (moved.length > 0) {
        moved.sort((x, y) => Math.abs(x.d - 1) - Math.abs(y.d - 1) || byMargin[agency].indexOf(x.c) - byMargin[agency].indexOf(y.c));
        return { guess: moved[0]!.c, decided: true };
      }
      if (unknown.length > 0 && unknown.length < read.length) return { guess: byMargin[agency].find((c) => unknown.includes(c))!, decided: true };
      return { guess: marginGuess(agency), decided: false };
    }

    const guesses: Guess[] = [];
    const used = new Set<string>();
    const consentsTo = (p: string, agency: Agency) => consents.get(p)?.has(agency) ?? false;
    const record = (strategy: Strategy, target: string, decide: (agency: Agency) => { guess: string; decided: boolean }) => {
      for (const agency of AGENCIES) if (consentsTo(target, agency)) guesses.push({ strategy, agency, target, ...decide(agency) });
    };

    /** The true members of a cohort: persons with a participation in the months that matches every condition (protected identities never count). */
    const byMonth = (() => {
      const lists: Participation[][] = [];
      for (const r of rows) if (!r.protectedIdentity) (lists[r.month] ??= []).push(r);
      return lists;
    })();
    const membersOf = (a: number, b: number, conditions: readonly Condition[]) => {
      const out = new Set<string>();
      for (let m = Math.max(a, 0); m <= b; m++) for (const r of byMonth[m] ?? []) if (matches(r, conditions)) out.add(r.personnummer);
      return out;
    };
    /** Whether `larger` is `smaller` plus the target exactly; then the number of other members with care consent. */
    const differsByTarget = (target: string, larger: Set<string>, smaller: Set<string>) => {
      if (larger.size !== smaller.size + 1 || !larger.has(target) || smaller.has(target)) return null;
      for (const p of smaller) if (!larger.has(p)) return null;
      return [...smaller].filter((p) => consentsTo(p, 'CARE')).length;
    };

    const seeded = new SeededRandom(20262);
    const random = () => seeded.next();
    // Targets: persons with care consent and no protected identity, each with one of their participations (the attacker knows them all).
    const targets = [...new Map(rows.filter((r) => !r.protectedIdentity && consentsTo(r.personnummer, 'CARE')).map((r) => [r.personnummer, r])).values()]
      .map((r) => ({ r, k: random() })).sort((x, y) => x.k - y.k).map((x) => x.r);
    const rowsOf = new Map<string, Participation[]>();
    for (const r of rows) (rowsOf.get(r.personnummer) ?? rowsOf.set(r.personnummer, []).get(r.personnummer)!).push(r);
    const take = (strategy: Strategy) => new Set(guesses.filter((g) => g.strategy === strategy).map((g) => g.target)).size < WANTED[strategy];

    /** [S..M] against [S..M-1], or [M..E] against [M+1..E], whose members differ by exactly the target: largest first. */
    function periodPairs(person: string): Pair[] {
      const pairs: Pair[] = [];
      for (const t of rowsOf.get(person)!) {
        for (const conditions of subsets(conditionsOf(t), 1, 3)) {
          for (const [larger, smaller] of [[[0, t.month], [0, t.month - 1]], [[t.month, months.length - 1], [t.month + 1, months.length - 1]]] as const) {
            if (smaller[0] > smaller[1]) continue;
            const size = differsByTarget(person, membersOf(larger[0], larger[1], conditions), membersOf(smaller[0], smaller[1], conditions));
            if (size !== null && size >= LARGE) pairs.push({ conditions, larger: [larger[0], larger[1], conditions], smaller: [smaller[0], smaller[1], conditions], size });
          }
        }
      }
      const seen = new Set<string>();
      return pairs.map((p, i) => ({ p, i })).sort((x, y) => y.p.size - x.p.size || x.i - y.i).map((x) => x.p)
        .filter((p) => { const key = JSON.stringify([p.larger, p.smaller]); return !seen.has(key) && Boolean(seen.add(key)); });
    }
    // One after the other, never at once: which of two close queries is refused must not depend on timing.
    const ask = async (p: Pair): Promise<[Published, Published]> => [await cohort(...p.larger), await cohort(...p.smaller)];

    // 1. Consecutive periods: the cohort up to the target's month against the one up to the month before.
    for (const t of targets) {
      if (!take('periods')) break;
      if (used.has(t.personnummer)) continue;
      const pair = periodPairs(t.personnummer)[0];
      if (!pair) continue;
      used.add(t.personnummer);
      const observed = await ask(pair);
      record('periods', t.personnummer, (agency) => differences(agency, [observed]));
    }

    // 2. Toggle: a large cohort, and the same cohort narrowed by one more filter value (a municipality,
    // a sex, an age band, an intervention or a priority group) that every member but the target has.
    for (const t of targets) {
      if (!take('toggle')) break;
      if (used.has(t.personnummer)) continue;
      let best: Pair | null = null;
      for (const own of rowsOf.get(t.personnummer)!) {
        for (const conditions of subsets(conditionsOf(own), 1, 2)) {
          const pool = rows.filter((r) => !r.protectedIdentity && r.personnummer !== t.personnummer && matches(r, conditions));
          const poolByMonth = months.map((_, m) => pool.filter((r) => r.month === m));
          for (const attribute of ['municipality', 'sex', 'band', 'intervention', 'priorityGroup'] as const) {
            if (conditions.some((c) => c[0] === attribute)) continue;
            const valuesOf = (r: Participation): string[] => (attribute === 'priorityGroup' ? r.priorityGroups.filter((g) => !own.priorityGroups.includes(g)) : r[attribute] === own[attribute] ? [] : [r[attribute]]);
            const candidates = new Set((poolByMonth[own.month]!.length > 0 ? poolByMonth[own.month]! : pool).flatMap(valuesOf));
            for (const value of candidates) {
              const toggle: Condition = [attribute, value];
              const fits = (m: number) => poolByMonth[m]!.every((r) => has(r, toggle));
              if (!fits(own.month)) continue;
              let [a, b] = [own.month, own.month];
              while (a > 0 && fits(a - 1)) a -= 1;
              while (b < months.length - 1 && fits(b + 1)) b += 1;
              const size = differsByTarget(t.personnummer, membersOf(a, b, conditions), membersOf(a, b, [...conditions, toggle]));
              if (size !== null && size >= LARGE && (!best || size > best.size)) best = { conditions, larger: [a, b, conditions], smaller: [a, b, [...conditions, toggle]], size };
            }
          }
        }
      }
      if (!best) continue;
      used.add(t.personnummer);
      const observed = await ask(best);
      record('toggle', t.personnummer, (agency) => differences(agency, [observed]));
    }

    // 3. Averaging: several different pairs that differ by the same target (other filters, the other
    // side of the month), each asked twice: every difference averaged.
    for (const t of targets) {
      if (!take('averaging')) break;
      if (used.has(t.personnummer)) continue;
      const pairs = periodPairs(t.personnummer).slice(0, 4);
      if (pairs.length < 2) continue;
      used.add(t.personnummer);
      const observed: [Published, Published][] = [];
      for (const pair of pairs) for (let repeat = 0; repeat < 2; repeat++) observed.push(await ask(pair));
      record('averaging', t.personnummer, (agency) => differences(agency, observed));
    }

    // 4. Alone: a cohort of one month in which the target is the only member with care consent. A
    // chapter the region lists, a band published as 0 or not: what is left describes the target.
    for (const t of targets) {
      if (!take('alone')) break;
      if (used.has(t.personnummer)) continue;
      let best: { month: number; conditions: Condition[]; size: number } | null = null;
      for (const own of rowsOf.get(t.personnummer)!) {
        for (const conditions of subsets(conditionsOf(own), 1, 3)) {
          const members = membersOf(own.month, own.month, conditions);
          const counted = [...members].filter((p) => consentsTo(p, 'CARE'));
          if (counted.length !== 1) continue;
          // Prefer a cohort where the target is alone for the social services too, then the smallest.
          const social = [...members].filter((p) => consentsTo(p, 'SOCIAL_SERVICES')).length;
          const score = (social <= 1 ? 0 : 100) + members.size;
          if (!best || score < best.size) best = { month: own.month, conditions, size: score };
        }
      }
      if (!best) continue;
      used.add(t.personnummer);
      const published = await cohort(best.month, best.month, best.conditions);
      const members = membersOf(best.month, best.month, best.conditions);
      record('alone', t.personnummer, (agency) => {
        if (!published) return { guess: marginGuess(agency), decided: false };
        const table = published[agency];
        if (agency === 'CARE') return { guess: table.listed.has('F') && table.counts.F !== 0 ? 'F' : 'NOT_F', decided: true };
        if ([...members].filter((p) => consentsTo(p, agency)).length !== 1) return { guess: marginGuess(agency), decided: false };
        const possible = byMargin[agency].filter((c) => table.counts[c] !== 0);
        return { guess: possible[0] ?? marginGuess(agency), decided: possible.length === 1 };
      });
    }

    // Scoring, per agency. Under "no disclosure" each guess is right with at most the probability p0
    // of the margin's category; the number right is then at most Binomial(n, p0), and the attacker is
    // refused the win unless it beats n·p0 by more than 3 standard deviations (one-sided, ≈ 0.13 %).
    // The same for each category guessed: with no disclosure the guess tells nothing of the truth, so
    // the guesses of category c are right with at most c's share (the larger of the margin's and the
    // true one). This catches a rare category (chapter F) named right, which the overall count barely sees.
    const shareOf = (agency: Agency, c: string) => Math.max(marginShare[agency][c]!, [...truth[agency].values()].filter((v) => v === c).length / truth[agency].size);
    /** The most right guesses of n allowed when each is right with p: the least k with P(X > k) at most that of 3 sigma (exact, for few guesses). */
    const exactBound = (n: number, p: number) => {
      const pmf = (k: number) => { let c = 1; for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1); return c * p ** k * (1 - p) ** (n - k); };
      let above = 1;
      for (let k = 0; k <= n; k++) {
        above -= pmf(k);
        if (above <= 0.00135) return k;
      }
      return n;
    };
    const score = (agency: Agency, list: Guess[]) => {
      const n = list.length;
      const right = list.filter((g) => g.guess === truth[agency].get(g.target)).length;
      const marginRight = list.filter((g) => marginGuess(agency) === truth[agency].get(g.target)).length;
      const byGuess = Object.fromEntries(CATEGORIES[agency].flatMap((c) => {
        const named = list.filter((g) => g.guess === c);
        return named.length === 0 ? [] : [[c, { n: named.length, right: named.filter((g) => truth[agency].get(g.target) === c).length, bound: exactBound(named.length, shareOf(agency, c)) }]];
      }));
      return { n, right, accuracy: Number((n ? right / n : 0).toFixed(3)), marginRight, decided: list.filter((g) => g.decided).length, bound: binomialBound(n, p0[agency]), byGuess };
    };
    const strategies = Object.keys(WANTED) as Strategy[];
    const results = Object.fromEntries(AGENCIES.map((agency) => {
      const mine = guesses.filter((g) => g.agency === agency);
      return [agency, {
        marginGuess: marginGuess(agency), p0: Number(p0[agency].toFixed(3)), overall: score(agency, mine),
        perStrategy: Object.fromEntries(strategies.map((s) => [s, score(agency, mine.filter((g) => g.strategy === s))])),
      }];
    })) as Record<Agency, { marginGuess: string; p0: number; overall: ReturnType<typeof score>; perStrategy: Record<Strategy, ReturnType<typeof score>> }>;
    const report = { targets: used.size, requests, refusals, seconds: (Date.now() - started) / 1000, results };
    console.log(`disclosure attack on the agencies: ${JSON.stringify(report, null, 1)}`);

    expect(used.size, 'the attack needs at least 100 target persons').toBeGreaterThanOrEqual(100);
    expect(results.CARE.overall.n, 'care targets').toBeGreaterThanOrEqual(100);
    expect(requests, 'requests stay bounded').toBeLessThan(1000);
    for (const s of strategies) expect(results.CARE.perStrategy[s].n, `care targets for ${s}`).toBeGreaterThanOrEqual(10);
    const failures = AGENCIES.flatMap((agency) => [...strategies.map((s) => [s, results[agency].perStrategy[s]] as const), ['overall', results[agency].overall] as const]
      .flatMap(([s, r]) => [
        ...(r.right > r.bound ? [`${agency} ${s}: right ${r.right}/${r.n} (${(100 * r.accuracy).toFixed(1)} %), but guessing ${marginGuess(agency)} from the margins is right with `
          + `p0 = ${(100 * p0[agency]).toFixed(1)} %, so at most n·p0 + 3·sqrt(n·p0·(1−p0)) = ${r.bound} is allowed (one-sided binomial bound, 3 sigma)`] : []),
        ...Object.entries(r.byGuess).filter(([, g]) => g.right > g.bound)
          .map(([c, g]) => `${agency} ${s}: guessed ${c} ${g.n} times and right ${g.right}, but ${c}'s share is ${(100 * shareOf(agency, c)).toFixed(1)} %, so at most ${g.bound} is allowed (exact one-sided binomial tail, 0.135 %)`),
      ]));
    expect(failures, `the analyst learnt targets' sector data by differencing:\n${failures.join('\n')}`).toEqual([]);
  }, 180_000);
});
