import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '@finsam/kit/random';
import {
  describeScore, differsByMonth, NO_ALLOWANCE_LIMITS, readRegister, readReleases, releasesOfWindow, simulateAttack, type Participation, type Publish, clampedLogLikelihood as logLikelihood, HALF_NOISE_ROUNDS
} from '../../support/attacker.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * Issue 11: an analyst must not re-identify anyone by differencing aggregates. This test plays
 * the analyst against the real graph, where interventionFollowUp is answered from the stored
 * statistics releases (docs/statistics-release.md): one per month (ρ 1) and one per whole
 * calendar year (`YYYY`, ρ 2, the same tables, each person counted once a year: its earliest
 * participation registered in during the year). A period's figure is the sum of the protected
 * cells of the year's release for every whole released calendar year it covers and of the months'
 * for the rest (releasesForPeriod; releasesOfWindow in test/support/attacker.ts models it), and
 * occupation before is released in total and by municipality only.
 *
 * What the attacker knows, as the worst case: each target's quasi-identifiers (month of
 * registration in, municipality, intervention, sex, age band, priority groups) and everyone
 * else's occupation before, all read from the coordination store. With about 95 registrations a
 * month over ten municipalities nobody is alone in a released occupation-before cell, so the
 * attacker subtracts the others' true counts from what it reads (counted as the release counts
 * them: per person and month in a month's cells, per person and year in a year's): what is left
 * is the target's own 1 and the noise. It asks only what the release answers (whole released
 * months; occupation before in total, or filtered or grouped by municipality, a list of
 * municipalities summing their cells), each query reading that one table; a refusal would teach
 * nothing, and every query here must be answered (checked), so the test cannot pass by being refused.
 *
 * Its strategies, each the issue-11 idea on the release:
 * 1. periods: [S..M] against [S..M−1] (or [M..E] against [M+1..E]) in the target's municipality,
 *    where M is the target's month: they differ by month M's cells. Where one of the two would
 *    cover a whole released year the other does not (it would be answered from the year's
 *    release), S moves on (E back) until the two periods' releases differ by month M's alone;
 * 2. toggle: the target's month in two municipalities against the same month in the other one
 *    alone (a municipality list narrowed by one value);
 * 3. averaging: the same pair asked again, in other formulations (grouped by municipality or by
 *    förbund), the other side of the month, and the same month in the total's table: every
 *    difference averaged (the same cells read twice are the same number; the total's table has
 *    noise of its own);
 *    and in 1 to 3, when the target's year is released and its table counts the target (the
 *    person's earliest participation of the year): the year's cells too, a second read of the
 *    target's own 1 with noise of its own (σ of the year's table): a query of exactly that
 *    calendar year in the target's municipality (1), the toggle over the year (2), the
 *    municipality's and the total's year cells in three formulations each (3);
 * 4. protected identity: a municipality's filtered total against the same municipality's group of
 *    a broader report, for a target with protected identity (who is in no release): where they
 *    differ, the category that grew (they are the same cells, and the test checks they never differ);
 * 5. zeros: the target's month and municipality, the smallest released cell it is in; every
 *    category published as 0 is taken as one the target is not in.
 *
 * How it reads a difference (1 to 3): it knows the mechanism (the docs publish it; the release
 * stores each table's σ), so it takes the margins as its prior, the exact likelihood of a clamped
 * Gaussian count for every distinct month's cells and year's cells it read (the others' true
 * counts, plus 1 in the category supposed; a month's σ or the year's), and guesses the category
 * of highest posterior.
 *
 * Power: strategies 1 to 3 also read their own pairs on the true counts (nearly no noise), and
 * must then name every target, and so beat the bound; the year's reads alone must name every
 * target they are made for: the pairs and the year's reads do read the target, and the test
 * would fail a release without enough noise.
 *
 * On the per-query protection (before the releases) this attacker's strategies were the issue-11
 * red team's; the grown attacker of disclosure-attack-release.test.ts (issue 20) beat that one.
 *
 * What it guesses: each target participation's occupation before registration in (one of four
 * categories, the truth read from the store). Each strategy, and all five together, is scored
 * against what the same strategy gets right on releases that carry exactly the noise they state
 * (the honest score, simulateAttack in test/support/attacker.ts): 150 seeded rounds in which
 * every cell the strategies read is drawn from the true counts plus discrete Gaussian noise of its
 * table's stated σ, clamped at 0 as the release clamps, the targets of one cell sharing its draw,
 * and read by the same rule. The attacker passes (the graph fails) when it is right more often
 * than E + 3·√V (one-sided, about 0.13 %; V the larger of Σ p_i(1 − p_i) and the rounds' own
 * variance; or the exact tail of the targets' Bernoulli(p_i) where that is more). A release with
 * less noise than it states is right more often than E allows; the margins do not bound a
 * differentially private release (a target's own 1 in a noisy count tells something, as ε allows),
 * and the guess from the margins (the most common category of the published total) is printed
 * beside the bound, as is E on a release with half the noise read by an attacker who knows so.
 * Strategy 4 reads one cell twice (its E is the margin guess's right exactly: any difference
 * would be a leak); every cell the simulation draws holds exactly the others the attacker
 * subtracts and the target (checked).
 *
 * The allowances are set far above what the test asks (NO_ALLOWANCE_LIMITS): the release holds on
 * its own. Nothing depends on timing; the population's seed is fixed, the noise is drawn afresh
 * (crypto) each run.
 */

const OCCUPATIONS = ['FORVARVSARBETE', 'STUDIER', 'AKTIVT_ARBETSSOKANDE', 'OVRIGT'] as const;
type Occupation = (typeof OCCUPATIONS)[number];
const FOLLOW_UP = `query($from: String!, $to: String!, $groupBy: FollowUpDimension, $filter: FollowUpFilter) {
  interventionFollowUp(from: $from, to: $to, groupBy: $groupBy, filter: $filter) {
    groups { key occupationBefore { category count { value } } }
    total { occupationBefore { category count { value } } }
  }
}`;

/** How many targets each strategy attacks (distinct persons across all strategies). */
const WANTED = { periods: 30, toggle: 25, averaging: 15, protectedIdentity: 30, zeros: 30 } as const;
type Strategy = keyof typeof WANTED;

/** Published occupation counts of one total or group; null for "no information" (refused, group absent). */
type Published = Record<Occupation, number> | null;
type Counts = Record<Occupation, number>;
type Window = [number, number];
/**
 * Two queries whose difference is the target's month's cells of one table: `cell` the
 * municipality's (null: the total's); or, with `year`, the released year's cells (a query of
 * exactly the year, smaller null: read as published, or two differing by the cell's municipality).
 */
interface QueryPair {
  larger: { window: Window; municipalities: string[] | null };
  smaller: { window: Window; municipalities: string[] | null } | null;
  cell: string | null;
  groupBy?: string;
  year?: string;
}
/** The σ the power check reads true counts with: nearly no noise. */
const NOISELESS_SIGMA = 0.2;

interface Guess {
  strategy: Strategy;
  target: Participation;
  guess: Occupation;
  /** Whether the attacker's rule decided, or it fell back to the margin guess. */
  decided: boolean;
  /**
   * The same strategy's guess of the target on a simulated release (the cells it read, drawn from
   * the true counts with the stated σ): the honest score's. `sigmaScale` scales the σ it reads
   * with (a release with half the noise, read by an attacker who knows so).
   */
  play: (publish: Publish, sigmaScale: number) => Occupation;
}

describe('disclosure control against a differencing analyst, on the statistics releases (issue 11)', () => {
  let graph: TestGraph;
  let analyst: string;
  let rows: (Participation & { registeredIn: string })[];
  /** The released months: index 0 is the register's first month (the first release). */
  let months: { from: string; to: string }[];
  /** Month i's `YYYY-MM`, and the released calendar years (`YYYY`) with their months' indexes. */
  let monthKeys: string[];
  const years = new Map<string, number[]>();
  /** σ of the released occupation-before tables: in total, and by municipality; in a month's release and in a year's. */
  let sigmaTotal = 0;
  let sigmaMunicipality = 0;
  let yearSigmaTotal = 0;
  let yearSigmaMunicipality = 0;
  let requests = 0;
  let answered = 0;
  const refusals: Record<string, number> = {};

  beforeAll(async () => {
    graph = await startGraph({ persons: 2000, subgraphs: ['coordination'], env: NO_ALLOWANCE_LIMITS });
    analyst = await graph.token('analyst', 'analyst-1');
    const db = graph.store('coordination');
    try {
      const register = await readRegister(db);
      const { months: releases, years: yearly } = await readReleases(db);
      const periods = releases.map((r) => r.period);
      // σ of the two occupation-before tables: the release's own parameters (public: docs/statistics-release.md).
      const sigmas = (release: string) => {
        const tables = (JSON.parse(release) as { tables: { measure: string; dimensions: string[]; sigma: number }[] }).tables.filter((x) => x.measure === 'started');
        return [tables.find((x) => x.dimensions.join() === 'occupationBefore')!.sigma, tables.find((x) => [...x.dimensions].sort().join() === 'municipality,occupationBefore')!.sigma] as const;
      };
      [sigmaTotal, sigmaMunicipality] = sigmas(releases[0]!.release);
      expect(periods.length, 'months are released').toBeGreaterThan(12);
      expect(yearly.length, 'a whole calendar year is released (the attacker reads it)').toBeGreaterThan(0);
      [yearSigmaTotal, yearSigmaMunicipality] = sigmas(yearly[0]!.release);
      months = register.months.slice(0, periods.length);
      monthKeys = months.map((m) => m.from.slice(0, 7));
      expect(monthKeys, 'the releases are the register\'s months from its first on').toEqual(periods);
      for (const { period } of yearly) {
        const inYear = monthKeys.flatMap((k, i) => (k.startsWith(`${period}-`) ? [i] : []));
        expect(inYear.length, `the twelve months of the released year ${period} are released`).toBe(12);
        years.set(period, inYear);
      }
      const registeredIn = new Map((await sql<{ id: string; registered_in: string }>`SELECT id, registered_in FROM participation`.execute(db)).rows.map((r) => [r.id, r.registered_in]));
      rows = register.rows.map((r) => ({ ...r, registeredIn: registeredIn.get(r.id)! }));
    } finally {
      await db.destroy();
    }
  }, 300_000);
  afterAll(() => graph?.close());

  /**
   * One follow-up over whole released months [a, b], reading occupation before; the published
   * counts of the total and of each group. The graph answers it from the releases
   * releasesOfWindow names: a whole released calendar year from the year's release, every other
   * month from the month's.
   */
  async function followUp([a, b]: Window, municipalities: readonly string[] | null, groupBy = 'MUNICIPALITY') {
    requests += 1;
    const response = await graph.query(analyst, FOLLOW_UP, { from: months[a]!.from, to: months[b]!.to, groupBy, filter: municipalities ? { municipalityCodes: municipalities } : null });
    const error = response.body.errors?.[0];
    const reason = error?.extensions?.code === 'FORBIDDEN' && typeof error.extensions.reason === 'string' ? error.extensions.reason
      : error?.extensions?.code === 'BAD_USER_INPUT' && typeof error.extensions.argument === 'string' ? `outside the release (${error.extensions.argument})` : null;
    if (reason) {
      refusals[reason] = (refusals[reason] ?? 0) + 1;
      return null;
    }
    expect(response.body.errors, JSON.stringify({ a, b, municipalities, groupBy, errors: response.body.errors })).toBeUndefined();
    answered += 1;
    const report = response.body.data!.interventionFollowUp as {
      groups: { key: string; occupationBefore: { category: string; count: { value: number } }[] }[];
      total: { occupationBefore: { category: string; count: { value: number } }[] };
    };
    const published = (cells: { category: string; count: { value: number } }[]): Counts => {
      const out = Object.fromEntries(OCCUPATIONS.map((o) => [o, 0])) as Counts;
      for (const cell of cells) if ((OCCUPATIONS as readonly string[]).includes(cell.category)) out[cell.category as Occupation] = cell.count.value;
      return out;
    };
    return {
      total: published(report.total.occupationBefore),
      group: (key: string): Published => {
        const group = report.groups.find((g) => g.key === key);
        return group ? published(group.occupationBefore) : null;
      },
    };
  }

  it('gives an analyst no better guess of a target\'s occupation than the published margins do', async () => {
    const started = Date.now();
    const last = months.length - 1;
    // The margin: every released month's published total, and its most common category.
    const margin = (await followUp([0, last], null))!.total;
    const byMargin = [...OCCUPATIONS].sort((x, y) => margin[y] - margin[x]);
    const marginGuess = byMargin[0]!;
    const marginTotal = OCCUPATIONS.reduce((s, o) => s + margin[o], 0);
    const p0 = margin[marginGuess] / marginTotal;

    // The persons each month's table counts (protected identities in none): per person its earliest participation of the month.
    const plain = rows.filter((r) => !r.protectedIdentity && r.month <= last);
    const chosen = new Map<string, (typeof rows)[number]>();
    for (const r of plain) {
      const key = `${r.month}|${r.personnummer}`;
      const held = chosen.get(key);
      if (!held || r.registeredIn < held.registeredIn || (r.registeredIn === held.registeredIn && r.id < held.id)) chosen.set(key, r);
    }
    const counted = months.map((): Participation[] => []);
    for (const r of chosen.values()) counted[r.month]!.push(r);
    const isCounted = (t: Participation) => counted[t.month]!.some((r) => r.id === t.id);
    /** The released year of a month, or null; the persons a year's table counts: per person the earliest participation registered in during the year. */
    const yearOf = (month: number) => [...years].find(([, ms]) => ms.includes(month))?.[0] ?? null;
    const countedYear = new Map([...years.keys()].map((year) => {
      const first = new Map<string, Participation>();
      for (const r of years.get(year)!.flatMap((m) => counted[m]!)) {
        const held = first.get(r.personnummer);
        if (!held || r.month < held.month) first.set(r.personnummer, r);
      }
      return [year, [...first.values()]] as const;
    }));
    /** The released year whose table counts the target (by its own category), or null. */
    const yearCounting = (t: Participation) => {
      const year = yearOf(t.month);
      return year !== null && countedYear.get(year)!.some((r) => r.id === t.id) ? year : null;
    };
    /** Everyone else's true counts in a released year's cell, counted the year's way (one participation per person and year). */
    function othersInYear(t: Participation, year: string, municipality: string | null): Counts {
      const out = Object.fromEntries(OCCUPATIONS.map((o) => [o, 0])) as Counts;
      for (const r of countedYear.get(year)!) if (r.personnummer !== t.personnummer && (municipality === null || r.municipality === municipality)) out[r.occupationBefore as Occupation] += 1;
      return out;
    }
    /** Everyone else's true counts in one month's cell (a municipality's, or the total's): what the attacker subtracts. */
    function others(t: Participation, month: number, municipality: string | null): Counts {
      const out = Object.fromEntries(OCCUPATIONS.map((o) => [o, 0])) as Counts;
      for (const r of counted[month]!) if (r.personnummer !== t.personnummer && (municipality === null || r.municipality === municipality)) out[r.occupationBefore as Occupation] += 1;
      return out;
    }


    /**
     * The attacker's reading of pairs whose difference is one month's cells of one table (the
     * municipality's or the total's): the margins as prior, times the likelihood of each distinct
     * month's cells (a table and month read by several pairs are the same cells: counted once)
     * and of the year's cells (independent noise) under "the target is in c" (the others' true
     * counts, plus 1 in c), with the table's σ as the release publishes it (a month's, or the
     * year's). The category of highest posterior; nothing answered: the margin guess.
     */
    function posterior(pairs: { key: string; sigma: number; year?: string; larger: Published; smaller: Published; others: Counts }[], noiseless = false, record = !noiseless): { guess: Occupation; decided: boolean } {
      const seen = new Map<string, { sigma: number; cells: Counts; others: Counts }>();
      for (const { key, sigma, larger, smaller, others } of pairs) {
        if (!larger || !smaller) continue;
        const cells = Object.fromEntries(OCCUPATIONS.map((o) => [o, larger[o] - smaller[o]])) as Counts;
        const known = seen.get(key);
        if (!known) seen.set(key, { sigma: noiseless ? NOISELESS_SIGMA : sigma, cells, others });
        else if (record) repeated.push(JSON.stringify(known.cells) === JSON.stringify(cells));
      }
      if (seen.size === 0) return { guess: marginGuess, decided: false };
      const score = Object.fromEntries(OCCUPATIONS.map((c) => [c, Math.log(margin[c] / marginTotal)])) as Counts;
      for (const { sigma, cells, others } of seen.values()) {
        for (const c of OCCUPATIONS) for (const o of OCCUPATIONS) score[c] += logLikelihood(cells[o], others[o] + (o === c ? 1 : 0), sigma);
      }
      const guess = [...OCCUPATIONS].sort((x, y) => score[y] - score[x])[0]!;
      return { guess, decided: guess !== marginGuess };
    }
    /** Whether each repeat of a table and month (the same cells) gave the same difference. */
    const repeated: boolean[] = [];
    /**
     * The true counts a query would publish without noise, summed over the releases the graph
     * answers it from (releasesOfWindow: a month's persons, or a year's, one participation per
     * person): the power check's reading (see attack()).
     */
    const trueCounts = (window: Window, municipalities: readonly string[] | null): Counts => {
      const out = Object.fromEntries(OCCUPATIONS.map((o) => [o, 0])) as Counts;
      for (const period of releasesOfWindow(monthKeys, new Set(years.keys()), window)) {
        for (const r of period.length === 4 ? countedYear.get(period)! : counted[monthKeys.indexOf(period)]!) {
          if (municipalities === null || municipalities.includes(r.municipality)) out[r.occupationBefore as Occupation] += 1;
        }
      }
      return out;
    };
    const NOTHING = Object.fromEntries(OCCUPATIONS.map((o) => [o, 0])) as Counts;
    /**
     * A release's cells of occupation before (a municipality's, or the total's; a month's `YYYY-MM`
     * or a year's `YYYY`) as a simulated release publishes them: each category's key, its true
     * count (counted as that release counts) and the σ the release states.
     */
    const cellsOf = (municipality: string | null, period: string) => {
      const truth = trueCounts(period.length === 4 ? [years.get(period)![0]!, years.get(period)!.at(-1)!] : [monthKeys.indexOf(period), monthKeys.indexOf(period)], municipality === null ? null : [municipality]);
      const sigma = source(municipality, period.length === 4 ? period : undefined).sigma;
      return OCCUPATIONS.map((o) => ({ o, key: `${municipality ?? 'total'}|${period}|${o}`, truth: truth[o], sigma }));
    };
    const published = (cells: ReturnType<typeof cellsOf>, publish: Publish) => Object.fromEntries(cells.map((c) => [c.o, publish(c.key, c.truth, c.sigma)])) as Counts;
    /** Cells read whose true count is not the others the attacker subtracts and the target (none may be: the simulation plays what the attack reads). */
    let cellsNotOthersAndTarget = 0;
    /** Per strategy: targets the same pairs and reading name rightly when read on the true counts; and those with a year's read, by it alone. */
    const noiselessRight: Partial<Record<Strategy, number>> = {};
    const yearReads: Partial<Record<Strategy, { targets: number; right: number; noiselessAloneRight: number }>> = {};
    /**
     * One pair of a strategy: asked, and read on the true counts too (the power check: the pairs
     * difference the target, and a release without enough noise would give it away).
     */
    async function attack(strategy: Strategy, t: Participation, pairs: QueryPair[]) {
      const observations: Parameters<typeof posterior>[0] = [];
      const exact: Parameters<typeof posterior>[0] = [];
      for (const { larger, smaller, cell, groupBy, year } of pairs) {
        const l = await followUp(larger.window, larger.municipalities, groupBy);
        const s = smaller ? await followUp(smaller.window, smaller.municipalities, groupBy) : null;
        const known = year ? othersInYear(t, year, cell) : others(t, t.month, cell);
        observations.push({ ...source(cell, year), larger: l?.total ?? null, smaller: smaller ? s?.total ?? null : NOTHING, others: known });
        exact.push({ ...source(cell, year), larger: trueCounts(larger.window, larger.municipalities), smaller: smaller ? trueCounts(smaller.window, smaller.municipalities) : NOTHING, others: known });
      }
      if (posterior(exact, true).guess === t.occupationBefore) noiselessRight[strategy] = (noiselessRight[strategy] ?? 0) + 1;
      const guess = posterior(observations);
      // The same reading on a simulated release: each pair's difference is its release's cells of the target's municipality (or the total).
      const simulated = pairs.map(({ cell, year }, j) => {
        const cells = cellsOf(cell, year ?? monthKeys[t.month]!);
        if (cells.some((c) => c.truth !== observations[j]!.others[c.o] + (c.o === t.occupationBefore ? 1 : 0))) cellsNotOthersAndTarget += 1;
        return { ...observations[j]!, cells };
      });
      const play = (publish: Publish, sigmaScale: number) => posterior(simulated.map((p) => ({ ...p, sigma: p.sigma * sigmaScale, larger: published(p.cells, publish), smaller: NOTHING })), false, false).guess;
      if (pairs.some((p) => p.year)) {
        const held = yearReads[strategy] ?? (yearReads[strategy] = { targets: 0, right: 0, noiselessAloneRight: 0 });
        held.targets += 1;
        held.right += guess.guess === t.occupationBefore ? 1 : 0;
        held.noiselessAloneRight += posterior(exact.filter((e) => e.year), true).guess === t.occupationBefore ? 1 : 0;
      }
      guesses.push({ strategy, target: t, ...guess, play });
    }
    const source = (municipality: string | null, year?: string) => ({
      key: `${municipality ?? 'total'}|${year ?? 'month'}`, year,
      sigma: year ? (municipality === null ? yearSigmaTotal : yearSigmaMunicipality) : municipality === null ? sigmaTotal : sigmaMunicipality,
    });
    /** The target's released year as one query (`cell` the municipality's, null the total's), when the year's table counts the target; else nothing. */
    const yearQueries = (t: Participation, cell: string | null, groupBy?: string): QueryPair[] => {
      const year = yearCounting(t);
      if (year === null) return [];
      const ms = years.get(year)!;
      return [{ larger: { window: [ms[0]!, ms.at(-1)!], municipalities: cell === null ? null : [cell] }, smaller: null, cell, groupBy, year }];
    };

    /**
     * The pair differing by the target's month alone: from the first released month (or, for the
     * first month or `other`, to the last); where one period would hold a whole released year the
     * other does not (answered from the year's release, not its months), from the next month on
     * (to the month before) that makes the two periods' releases differ by the target's month alone.
     */
    const periodPair = (t: Participation, other = false): { larger: Window; smaller: Window } => {
      const before = Array.from({ length: t.month }, (_, a) => ({ larger: [a, t.month] as Window, smaller: [a, t.month - 1] as Window }));
      const after = Array.from({ length: last - t.month }, (_, i) => last - i).map((b) => ({ larger: [t.month, b] as Window, smaller: [t.month + 1, b] as Window }));
      const ordered = t.month > 0 && !(other && t.month < last) ? [...before, ...after] : [...after, ...before];
      const pair = ordered.find((p) => differsByMonth(monthKeys, new Set(years.keys()), p.smaller, p.larger, t.month));
      expect(pair, `a pair of periods differing by month ${t.month} alone`).toBeDefined();
      return pair!;
    };

    /** The queries of a pair differing by the target's month in one municipality's cells (null: the total's). */
    const periodQueries = (t: Participation, cell: string | null, other = false): QueryPair => {
      const pair = periodPair(t, other);
      const municipalities = cell === null ? null : [cell];
      return { larger: { window: pair.larger, municipalities }, smaller: { window: pair.smaller, municipalities }, cell };
    };
    /** The toggle's queries: the cells of `municipalities` with the target's and without it, over a window (a month, or the released year). */
    const toggleQueries = (t: Participation, window: Window, other: string, year?: string): QueryPair => ({
      larger: { window, municipalities: [t.municipality, other] }, smaller: { window, municipalities: [other] }, cell: t.municipality, year,
    });

    const guesses: Guess[] = [];
    /** Strategy 4: targets whose filtered total and group differed (the same cells: none may). */
    let differing = 0;
    const used = new Set<string>();
    const seeded = new SeededRandom(20261);
    const order = rows.filter((r) => r.month <= last).map((r) => ({ r, k: seeded.next() })).sort((x, y) => x.k - y.k).map((x) => x.r);
    const take = (strategy: Strategy) => guesses.filter((g) => g.strategy === strategy).length < WANTED[strategy];
    const free = (t: Participation) => !t.protectedIdentity && !used.has(t.personnummer) && isCounted(t);

    // 1. Consecutive periods: the report up to the target's month against the one up to the month before, in its municipality.
    for (const t of order) {
      if (!take('periods')) break;
      if (!free(t)) continue;
      used.add(t.personnummer);
      await attack('periods', t, [periodQueries(t, t.municipality), ...yearQueries(t, t.municipality)]);
    }

    // 2. Toggle: the target's month in its municipality and the month's largest other one, against that other one alone.
    for (const t of order) {
      if (!take('toggle')) break;
      if (!free(t)) continue;
      const sizes = new Map<string, number>();
      for (const r of counted[t.month]!) if (r.municipality !== t.municipality) sizes.set(r.municipality, (sizes.get(r.municipality) ?? 0) + 1);
      const other = [...sizes].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0]?.[0];
      if (!other) continue;
      used.add(t.personnummer);
      // And the same toggle over the target's released year, when its table counts the target.
      const year = yearCounting(t);
      const ms = year === null ? null : years.get(year)!;
      await attack('toggle', t, [toggleQueries(t, [t.month, t.month], other), ...(ms ? [toggleQueries(t, [ms[0]!, ms.at(-1)!], other, year!)] : [])]);
    }

    // 3. Averaging: the same pair asked again and in other formulations, the other side of the month, and the total's table.
    for (const t of order) {
      if (!take('averaging')) break;
      if (!free(t)) continue;
      used.add(t.personnummer);
      const pairs: QueryPair[] = [];
      for (const [other, cell] of [[false, t.municipality], [true, t.municipality], [false, null]] as const) {
        for (const groupBy of ['MUNICIPALITY', 'MUNICIPALITY', 'FORBUND']) pairs.push({ ...periodQueries(t, cell, other), groupBy });
      }
      // The year's cells, its municipality's and the total's, each asked in the same three formulations.
      for (const cell of [t.municipality, null]) for (const groupBy of ['MUNICIPALITY', 'MUNICIPALITY', 'FORBUND']) pairs.push(...yearQueries(t, cell, groupBy));
      await attack('averaging', t, pairs);
    }

    // 4. Protected identity: a municipality's filtered total (which, in the old protection, counted persons with
    // protected identity) against the same municipality's group in the broader report, over the target's month.
    for (const t of order) {
      if (!take('protectedIdentity')) break;
      if (!t.protectedIdentity || used.has(t.personnummer)) continue;
      used.add(t.personnummer);
      const filtered = await followUp([t.month, t.month], [t.municipality]);
      const broader = await followUp([t.month, t.month], null);
      // Where the two differ, the category that grew most is the target's; where they are equal (or one is refused), nothing is learned.
      const [l, s] = [filtered?.total ?? null, broader?.group(t.municipality) ?? null];
      const grown = l && s ? [...OCCUPATIONS].filter((o) => l[o] > s[o]).sort((x, y) => l[y] - s[y] - (l[x] - s[x])) : [];
      differing += l && s && OCCUPATIONS.some((o) => l[o] !== s[o]) ? 1 : 0;
      // Simulated: the filtered total and the group are the same cells of the month's release (which counts no protected identity).
      const cells = cellsOf(t.municipality, monthKeys[t.month]!);
      const play = (publish: Publish) => {
        const [pl, ps] = [published(cells, publish), published(cells, publish)];
        return [...OCCUPATIONS].filter((o) => pl[o] > ps[o]).sort((x, y) => pl[y] - ps[y] - (pl[x] - ps[x]))[0] ?? marginGuess;
      };
      guesses.push({ strategy: 'protectedIdentity', target: t, guess: grown[0] ?? marginGuess, decided: grown.length > 0, play });
    }

    // 5. Zeros: the targets in the smallest released cells (their month and municipality) first; a category published
    // as 0 in the target's group is one the target is not in.
    const bySize = order.filter((t) => !t.protectedIdentity && isCounted(t))
      .map((t) => ({ t, size: counted[t.month]!.filter((r) => r.municipality === t.municipality).length }))
      .sort((x, y) => x.size - y.size).map((x) => x.t);
    for (const t of bySize) {
      if (!take('zeros')) break;
      if (!free(t)) continue;
      used.add(t.personnummer);
      const report = await followUp([t.month, t.month], null);
      const group = report?.group(t.municipality) ?? null;
      const possible = byMargin.filter((o) => !group || group[o] !== 0);
      const cells = cellsOf(t.municipality, monthKeys[t.month]!);
      const play = (publish: Publish) => {
        const simulated = published(cells, publish);
        return byMargin.filter((o) => simulated[o] !== 0)[0] ?? marginGuess;
      };
      guesses.push({ strategy: 'zeros', target: t, guess: possible[0] ?? marginGuess, decided: group !== null && possible[0] !== marginGuess, play });
    }

    // Scoring: each strategy's guesses (and all together) against what the same strategy's guesses
    // are right on releases with exactly the noise they state: simulated from the true counts
    // (simulateAttack, test/support/attacker.ts), E + 3 standard deviations (one-sided, ≈ 0.13 %).
    // The targets of one month and municipality read the same cells: simulated together, their
    // noise shared as in the release. The margin guess's right guesses are printed beside it.
    const truths = guesses.map((g) => g.target.occupationBefore);
    const simulation = simulateAttack(truths, (i, publish) => guesses[i]!.play(publish, 1));
    const halfNoise = simulateAttack(truths, (i, publish) => guesses[i]!.play(publish, 0.5), { noiseScale: 0.5, rounds: HALF_NOISE_ROUNDS });
    const score = (strategy?: Strategy) => {
      const list = guesses.filter((g) => !strategy || g.strategy === strategy);
      const counts = (i: number, guess: string | null) => (!strategy || guesses[i]!.strategy === strategy) && guess === truths[i];
      const n = list.length;
      const right = list.filter((g) => g.guess === g.target.occupationBefore).length;
      const marginRight = list.filter((g) => marginGuess === g.target.occupationBefore).length;
      const honest = simulation.score(counts);
      return {
        n, right, noiselessRight: strategy ? noiselessRight[strategy] ?? 0 : undefined, accuracy: n ? right / n : 0, marginRight, decided: list.filter((g) => g.decided).length,
        expected: Number(honest.expected.toFixed(1)), sd: Number(honest.sd.toFixed(1)), bound: Number(honest.bound.toFixed(1)), expectedAtHalfTheNoise: Number(halfNoise.score(counts).expected.toFixed(1)), line: describeScore(honest),
      };
    };
    const strategies = Object.keys(WANTED) as Strategy[];
    const perStrategy = Object.fromEntries(strategies.map((s) => [s, score(s)]));
    const overall = score();
    const report = {
      targets: used.size, p0: Number(p0.toFixed(3)), marginGuess, requests, answered, refusals, seconds: (Date.now() - started) / 1000, yearReads,
      sigma: { total: sigmaTotal, municipality: sigmaMunicipality, yearTotal: yearSigmaTotal, yearMunicipality: yearSigmaMunicipality }, cellsNotOthersAndTarget, repeatedCells: repeated.length, repeatedDiffering: repeated.filter((same) => !same).length, protectedDiffering: differing,
      overall, perStrategy,
    };
    console.log(`disclosure attack on the releases: ${JSON.stringify(report, null, 1)}`);

    expect(requests - answered, `every query reads a released table, none is refused: ${JSON.stringify(refusals)}`).toBe(0);
    expect(repeated.filter((same) => !same).length, 'the same month\'s cells read twice are the same number').toBe(0);
    expect(differing, 'a filtered total and the same group of a broader report are the same cells').toBe(0);
    expect(cellsNotOthersAndTarget, 'every cell read holds the others subtracted and the target (the simulation plays what the attack reads)').toBe(0);
    expect(used.size, 'the attack needs at least 100 target persons').toBeGreaterThanOrEqual(100);
    for (const s of strategies) expect(perStrategy[s]!.n, `targets for ${s}`).toBeGreaterThanOrEqual(10);
    for (const s of ['periods', 'toggle', 'averaging'] as const) {
      expect(noiselessRight[s], `${s}: on the true counts the same pairs and reading name every target's category`).toBe(perStrategy[s]!.n);
      expect(noiselessRight[s], `${s}: on the true counts the guesses beat the bound (the test can fail)`).toBeGreaterThan(perStrategy[s]!.bound);
      const withYear = guesses.filter((g) => g.strategy === s && yearCounting(g.target) !== null).length;
      expect(yearReads[s]?.targets ?? 0, `${s}: every target its released year's table counts has the year read`).toBe(withYear);
      expect(yearReads[s]?.noiselessAloneRight ?? 0, `${s}: on the true counts the year's read alone names every target it is made for`).toBe(withYear);
    }
    const failures = [...strategies.map((s) => [s, perStrategy[s]!] as const), ['overall', overall] as const]
      .filter(([, r]) => r.right > r.bound)
      .map(([s, r]) => `${s}: right ${r.right}/${r.n} (${(100 * r.accuracy).toFixed(1)} %), but on releases with exactly the noise they state the same guesses are right `
        + `${r.expected} times on average (± ${r.sd}), so at most ${r.bound} is allowed (3 standard deviations, one-sided); the margin guess ${marginGuess} is right ${r.marginRight} times`);
    expect(failures, `the analyst re-identified targets by differencing:\n${failures.join('\n')}`).toEqual([]);
  }, 300_000);
});
