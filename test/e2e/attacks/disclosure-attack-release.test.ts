import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '@finsam/kit/random';
import {
  describeScore, differsByMonth, NO_ALLOWANCE_LIMITS, readRegister, readReleases, releasesOfWindow, simulateAttack, type HonestScore, type Participation, type Publish, clampedLogLikelihood as logLikelihood, HALF_NOISE_ROUNDS
} from '../../support/attacker.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * Issue 20 item 5: the attacker grown with the weaknesses a red team found in the per-query
 * protection (cell key noise, narrowed query space, per-analyst overlap memory), now played
 * against what answers interventionFollowUp: the stored statistics releases
 * (docs/statistics-release.md, subgraphs/coordination/src/released-follow-up.ts), one per month
 * (ρ 1) and one per whole calendar year (`YYYY`, ρ 2: the same tables, each person counted once
 * per table and year). A period's figure is the sum of the protected cells of the year's release
 * for every whole released calendar year it covers and of its other months' releases
 * (releasesForPeriod; releasesOfWindow in test/support/attacker.ts models it), so two periods
 * answered from the same releases but one month differ by exactly that month's published cells;
 * the pairs are chosen so (a pair whose larger period alone covers a whole released year would
 * read the year against eleven months, and is not used). Each strategy is scored against the
 * truth read from coordination's store and must do no better than the same reading does on
 * releases that carry exactly the noise they state (Scoring, below):
 *
 * 1. participation multiplicity: a person with two participations in different months; the
 *    periods [a, m2 − 1] and [a, m2] (a ≤ m1) hold the same persons and differ by the second
 *    participation's month; occupation before;
 * 2. sub-tables: a participation registered out in month e, alone registered out in e in its
 *    intervention: [a, e − 1] and [a, e] differ in who registered in by many persons, but in who
 *    registered out (whenever registered in) by the target alone; occupation after; the target's
 *    year is read too where it is alone in the year's cell (with everyone else's occupation after
 *    subtracted from a year's cell of many, this strategy got 62–80 right of 150 against a margin
 *    bound of 80 over six runs: differential privacy's worst case at ρ 3 for such a person, stated
 *    in docs/disclosure-control.md, not what this strategy is about);
 * 3. exact zeros: a category published as 0 without the target and not as 0 with it names the
 *    target's category; scored on those claims only;
 * 4. two known analysts splitting each pair (analyst-1 asks the smaller query, analyst-2 the larger);
 * 5. a restart of coordination between the two queries of each pair.
 *
 * The year's read (strategies 1, 2, 4 and 5): when the target's year is released and the year's
 * table counts the target (its person's earliest participation of the year among those the
 * measure counts: registered in during the year for occupation before, registered out during it
 * for occupation after), the attacker also asks exactly that calendar year, of each table and
 * cell its pairs read (the total, the municipality's, the intervention's), subtracts the others
 * counted the year's way, and reads it as a second, independent noisy count of the target's own
 * 1 (σ of the year's table, ≈ 2.09 for the main tables, 2.96 for the others). Strategy 1's targets
 * never have one: their first participation is in the same year (the seed's first year is the
 * only one released), so the year's table counts that one, not the target. Strategy 3 claims from
 * pairs of periods only (a year's cell has no smaller period to differ from).
 *
 * On the per-query protection (cell key method, suppression, overlap memory) this attacker won:
 * multiplicity 83 of 110 right against a bound of 80, sub-tables 59/91 against 52, exact zeros 28
 * of 28 claims right against 9, two analysts 91/110 against 83, restart 90/110 against 80.
 *
 * What the attacker knows: each target's month of registration in (and out), intervention,
 * municipality, sex, age band and priority groups, and, as the worst case of differential
 * privacy, everyone else's answer: it reads the other persons' occupations from the store and
 * subtracts them from the differenced month's cells and from the year's cells (counted as each
 * release counts them: one participation per person and month, or per person and year), so the
 * only unknown left in a read is the target's own 1 (where the target is alone in its month's
 * cell, as strategies 2 and 3 pick, there is nothing to subtract from the month's). The seed has about 95 registrations a month over ten municipalities, so
 * nobody is alone in a released occupation-before cell: without that knowledge strategies 1, 4
 * and 5 would read nothing. It also knows the mechanism (the docs publish it, and the release
 * stores each table's σ, a month's release and a year's): it reads a difference, and the year's
 * cells, with the exact likelihood of a clamped Gaussian count (a published 0 is any true count
 * pushed to 0 or below) and the margins as its prior, and guesses the category of highest posterior.
 *
 * What it asks: only the released tables (an unreleased combination is BAD_USER_INPUT and would
 * teach nothing: an attacker asking only those would pass trivially, so every query here must be
 * answered, and the test checks so). Occupation before is released in total and by municipality,
 * occupation after in total, by intervention and by municipality; each table under attack is
 * asked in a query of its own (one refused figure would refuse the whole query). Periods are
 * whole released months (statistics_release in coordination's store), and each pair's periods
 * are answered from the same releases but one month: the month the target is counted in
 * (registered in, or out); the year's read is a period of exactly the calendar year. Several pairs of
 * a target reading the same table and month read the same cells: strategy 1 asks each such pair
 * twice over (two anchors) and the test checks the two differences are equal; strategy 5 asks
 * queries again after the restart and checks they are answered as before. Each strategy asks as
 * its own analyst(s) (NO_ALLOWANCE_LIMITS: the allowances are not what is tested).
 *
 * Scoring, the honest score (simulateAttack in test/support/attacker.ts): a differentially
 * private release does not promise an attacker no better than the margins. A target alone in a
 * cell adds its own 1 to a noisy count, and reading it tells something, as ε allows
 * (docs/disclosure-control.md). Scored against the margin guess (n·p + 3 binomial standard
 * deviations, p its share), strategy 2 got 55–72 right of 150 over 37 runs, mean ≈ 60 against a
 * margin guess right 52 times, and once failed correct code (72 > 71). So each strategy's bound
 * is what its own reading gets right when the published cells carry exactly the noise the release
 * states: in 150 rounds (seeded, so the bound is the same on every run; the attack's own noise
 * is the release's, crypto) every cell the strategy reads is drawn from the true counts plus
 * discrete Gaussian noise of its table's stated σ (a month's or the year's), clamped at 0 as
 * protectTables clamps, and read by the same `read`. E is the mean right, V the larger of
 * Σ p_i(1 − p_i) and the rounds' own variance (targets reading one cell share its noise), and a
 * strategy fails the graph when its right guesses exceed E + 3·√V (one-sided, about 0.13 %; or
 * the exact tail of the targets' Bernoulli(p_i) where that is more, for the skewed sums of an
 * attacker that seldom leaves the margin guess). Exact zeros are scored the same way on the
 * claims: the claims right against the same claims on the simulated releases (each release of the
 * smaller period drawn; a category is 0 over the period when every release publishes 0 there).
 * A release with less noise than it states, or a table released unguarded, is right more often
 * than E allows. The simulation checks that every cell read holds exactly the others the attacker
 * subtracts and the target. Printed beside the bound: the margin guess's right guesses on the
 * same targets, and E on a release with half the stated noise read by an attacker who knows so
 * (how far the bound stands from too little noise; a test of the scorer's power on synthetic data
 * is test/support/attacker.test.ts). On the per-query protection a claim was certain (28 of 28
 * right, where the margin guess allowed 20).
 *
 * What a published 0 still tells: it is not an exact zero, but it is likelier for a true 0 than for
 * a true 1 (about 0.55 against 0.45 at σ ≈ 3.9), so a claim is right somewhat more often than its
 * category's share (in the runs so far 16 to 25 of 60 to 71 claims, against 17 to 21 at the
 * shares, and about 1.2 times the shares by the attacker's own posterior), and far less often than
 * the margin guess (about 0.42 of them). The test prints both. This is what the release's ε allows
 * one cell to tell; it bounds, it does not remove, and docs/disclosure-control.md states it.
 *
 * Power: each strategy also reads its own pairs (and year's reads) with the true counts in place
 * of the published ones, and must then name every target (exact zeros: claim at least half of
 * them, rightly) and so beat the bound; the year's reads alone must name every target they are
 * made for. So the pairs and the year's reads do read the target and the test would fail a
 * release without enough noise.
 *
 * Any error other than a refusal fails the test; refusals are counted and must be none. Nothing
 * depends on timing; the population's seed is fixed, the noise is drawn afresh (crypto) each run.
 */

const OCCUPATIONS = ['FORVARVSARBETE', 'STUDIER', 'AKTIVT_ARBETSSOKANDE', 'OVRIGT'] as const;
type Occupation = (typeof OCCUPATIONS)[number];
type Table = 'occupationBefore' | 'occupationAfter';
/** The released table a query reads: its figure, and the dimension its filter fixes (none: the total). */
type By = 'all' | 'municipality' | 'intervention';
const followUp = (table: Table) => `query($from: String!, $to: String!, $groupBy: FollowUpDimension, $filter: FollowUpFilter) {
  interventionFollowUp(from: $from, to: $to, groupBy: $groupBy, filter: $filter) { total { ${table} { category count { value } } } }
}`;

/** The analysts, one (or two) per strategy: each strategy's answers depend on its own queries only. */
const ANALYSTS = {
  margins: 'attacker-margins', multiplicity: 'attacker-multiplicity', subTables: 'attacker-sub-tables', zeros: 'attacker-zeros',
  first: 'analyst-1', second: 'analyst-2', restart: 'attacker-restart',
} as const;
/** Targets per strategy, at most (the seed decides how many strategies 2 and 3 find). */
const MAX_TARGETS = { multiplicity: 110, subTables: 150, zeros: 150, twoAnalysts: 110, restart: 110 } as const;
/** The fewest targets a strategy must have: 100, or what the 2,000-person seed holds (printed). */
const MIN_TARGETS = { multiplicity: 100, subTables: 100, zeros: 100, twoAnalysts: 100, restart: 100 } as const;
/** Exact zeros: at most this many pairs (tables) per target. */
const ZERO_PAIRS_PER_TARGET = 2;
/** The σ the power check reads true counts with: nearly no noise. */
const NOISELESS_SIGMA = 0.2;
/** Strategy 5 asks this many of its smaller queries again after the restart. */
const ASKED_AGAIN = 20;

interface Row extends Participation {
  /** Day of registration in: which of a person's participations a month's table counts. */
  registeredIn: string;
  /** Month of registration out (from the register's first month), or null. */
  endMonth: number | null;
  occupationAfter: Occupation | null;
}
type Published = Record<Occupation, number>;
type Window = [number, number];
interface Source {
  table: Table;
  by: By;
  /** The filter's value (municipality code or intervention id); null for the total. */
  value: string | null;
}
/**
 * Two queries whose difference is one month's cells (larger − smaller), or one query of exactly a
 * released calendar year (`year`; smaller null: read as it is published).
 */
interface Pair {
  source: Source;
  smaller: Window | null;
  larger: Window;
  /** The month larger − smaller is: the month the target is counted in (its year's first month for a year's read). */
  month: number;
  /** The released year the query is exactly (`YYYY`), for the year's read. */
  year?: string;
}
interface Plan {
  target: Row;
  table: Table;
  pairs: Pair[];
}
interface Observation {
  smaller: Published | null;
  larger: Published | null;
}
interface Tally {
  queries: number;
  answered: number;
  refused: Record<string, number>;
}
const tally = (): Tally => ({ queries: 0, answered: 0, refused: {} });
const refusedOf = (t: Tally) => Object.values(t.refused).reduce((s, x) => s + x, 0);

describe('disclosure control against the grown attacker, on the statistics releases (issue 20 item 5)', () => {
  let graph: TestGraph;
  let rows: Row[];
  let plain: Row[];
  /** The released months, in order: index 0 is the register's first month (the first release). */
  let months: { from: string; to: string }[];
  /** Month i's `YYYY-MM`, and the released calendar years (`YYYY`) with their months' indexes. */
  let monthKeys: string[];
  const years = new Map<string, number[]>();
  /** σ of each released table, by `measure|dimensions` (the release's own parameters: public): of a month's release, and of a year's. */
  const sigmaOf = new Map<string, number>();
  const yearSigmaOf = new Map<string, number>();
  const tokens = new Map<string, string>();
  /** The margins: each table's published categories over every released month, and the true shares. */
  const prior = {} as Record<Table, Record<Occupation, number>>;
  const trueShare = {} as Record<Table, Record<Occupation, number>>;
  const results: Record<string, unknown> = {};
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    graph = await startGraph({
      persons: 2000, subgraphs: ['coordination'], env: NO_ALLOWANCE_LIMITS,
      knownAnalysts: [ANALYSTS.margins, ANALYSTS.multiplicity, ANALYSTS.subTables, ANALYSTS.zeros, ANALYSTS.restart],
    });
    const db = graph.store('coordination');
    try {
      const register = await readRegister(db);
      const { months: releases, years: yearly } = await readReleases(db);
      expect(releases.length, 'months are released').toBeGreaterThan(12);
      expect(releases[0]!.period, 'the first release is the register\'s first month').toBe(register.months[0]!.from.slice(0, 7));
      months = register.months.slice(0, releases.length);
      monthKeys = months.map((m) => m.from.slice(0, 7));
      expect(monthKeys, 'the releases are consecutive months').toEqual(releases.map((r) => r.period));
      expect(yearly.length, 'a whole calendar year is released (the attacker reads it)').toBeGreaterThan(0);
      for (const { period } of yearly) {
        const inYear = monthKeys.flatMap((k, i) => (k.startsWith(`${period}-`) ? [i] : []));
        expect(inYear.length, `the twelve months of the released year ${period} are released`).toBe(12);
        years.set(period, inYear);
      }
      const sigmas = (release: string, into: Map<string, number>) => {
        for (const table of (JSON.parse(release) as { tables: { measure: string; dimensions: string[]; sigma: number }[] }).tables) {
          into.set(`${table.measure}|${[...table.dimensions].sort().join()}`, table.sigma);
        }
      };
      sigmas(releases[0]!.release, sigmaOf);
      sigmas(yearly[0]!.release, yearSigmaOf);
      const first = months[0]!.from;
      const index = (day: string) => (Number(day.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(day.slice(5, 7)) - Number(first.slice(5, 7));
      const outcome = new Map((await sql<{ id: string; registered_in: string; registered_out: string | null; occupation_after: string | null }>`
        SELECT id, registered_in, registered_out, occupation_after FROM participation`.execute(db)).rows.map((r) => [r.id, r]));
      rows = register.rows.map((r) => {
        const out = outcome.get(r.id)!;
        return { ...r, registeredIn: out.registered_in, endMonth: out.registered_out === null ? null : index(out.registered_out), occupationAfter: out.occupation_after as Occupation | null };
      });
    } finally {
      await db.destroy();
    }
    // Persons with protected identity are in no release (the attacker knows it: the docs say so).
    plain = rows.filter((r) => !r.protectedIdentity);
    const margins = tally();
    for (const table of ['occupationBefore', 'occupationAfter'] as const) {
      const published = await ask(ANALYSTS.margins, { table, by: 'all', value: null }, [0, months.length - 1], margins);
      expect(published, `the margins of ${table} are published`).toBeTruthy();
      const sum = OCCUPATIONS.reduce((s, o) => s + published![o], 0);
      prior[table] = Object.fromEntries(OCCUPATIONS.map((o) => [o, published![o] / sum])) as Record<Occupation, number>;
      const truth = countedRows(table).flat().map((r) => truthOf(r, table)).filter((o) => o !== null);
      trueShare[table] = Object.fromEntries(OCCUPATIONS.map((o) => [o, truth.filter((t) => t === o).length / truth.length])) as Record<Occupation, number>;
    }
  }, 300_000);

  afterAll(async () => {
    console.log(`grown attack on the releases: ${JSON.stringify({ seconds: (Date.now() - started) / 1000, prior, results })}`);
    await graph?.close();
  });

  const truthOf = (r: Row, table: Table): Occupation | null => (table === 'occupationBefore' ? r.occupationBefore as Occupation : r.occupationAfter);
  const marginGuess = (table: Table) => [...OCCUPATIONS].sort((x, y) => prior[table][y] - prior[table][x])[0]!;
  /** σ of the table a source reads, in a month's release or (`year`) in a year's. */
  const sigmas = new Map<string, number>();
  const sigma = (source: Source, year?: string) => {
    const dimensions = [source.table, ...(source.by === 'all' ? [] : [source.by])].sort().join();
    const key = `${year ? 'year' : 'month'}|${source.table === 'occupationBefore' ? 'started' : 'ended'}|${dimensions}`;
    if (!sigmas.has(key)) {
      const value = (year ? yearSigmaOf : sigmaOf).get(key.slice(key.indexOf('|') + 1));
      expect(value, `σ of ${JSON.stringify(source)}${year ? ` in ${year}'s release` : ''}`).toBeDefined();
      sigmas.set(key, value!);
    }
    return sigmas.get(key)!;
  };

  async function tokenOf(analyst: string) {
    if (!tokens.has(analyst)) tokens.set(analyst, await graph.token('analyst', analyst));
    return tokens.get(analyst)!;
  }

  /**
   * One follow-up over whole released months [a, b], reading one table; its published categories,
   * or null when refused. The graph answers it from the releases releasesOfWindow names: a whole
   * released calendar year from the year's release, every other month from the month's.
   */
  async function ask(analyst: string, source: Source, [a, b]: Window, count: Tally): Promise<Published | null> {
    count.queries += 1;
    const filter = source.by === 'municipality' ? { municipalityCodes: [source.value] } : source.by === 'intervention' ? { interventionIds: [source.value] } : null;
    const groupBy = source.by === 'intervention' ? 'INTERVENTION' : 'MUNICIPALITY';
    const response = await graph.query(await tokenOf(analyst), followUp(source.table), { from: months[a]!.from, to: months[b]!.to, groupBy, filter });
    const error = response.body.errors?.[0];
    const reason = error?.extensions?.code === 'FORBIDDEN' && typeof error.extensions.reason === 'string' ? error.extensions.reason
      : error?.extensions?.code === 'BAD_USER_INPUT' && typeof error.extensions.argument === 'string' ? `outside the release (${error.extensions.argument})` : null;
    if (reason) {
      count.refused[reason] = (count.refused[reason] ?? 0) + 1;
      return null;
    }
    expect(response.body.errors, JSON.stringify({ a, b, source, errors: response.body.errors })).toBeUndefined();
    count.answered += 1;
    const cells = (response.body.data!.interventionFollowUp as { total: Record<Table, { category: string; count: { value: number } }[]> }).total[source.table];
    const out = Object.fromEntries(OCCUPATIONS.map((o) => [o, 0])) as Published;
    for (const cell of cells) if ((OCCUPATIONS as readonly string[]).includes(cell.category)) out[cell.category as Occupation] = cell.count.value;
    return out;
  }

  // ---- The register, as the attacker's worst-case knowledge ----

  /**
   * The participations each month's table counts, by month: per person the earliest participation
   * registered in during the month (occupation before), or the earliest registered in of those
   * registered out during it (occupation after), as the release's contribution bounding does.
   */
  const counted = new Map<Table, Row[][]>();
  function countedRows(table: Table): Row[][] {
    let byMonth = counted.get(table);
    if (!byMonth) {
      const eventOf = (r: Row) => (table === 'occupationBefore' ? r.month : r.endMonth);
      const chosen = new Map<string, Row>();
      for (const r of plain) {
        const month = eventOf(r);
        if (month === null || month >= months.length) continue;
        const key = `${month}|${r.personnummer}`;
        const held = chosen.get(key);
        if (!held || r.registeredIn < held.registeredIn || (r.registeredIn === held.registeredIn && r.id < held.id)) chosen.set(key, r);
      }
      byMonth = months.map(() => []);
      for (const r of chosen.values()) byMonth[eventOf(r)!]!.push(r);
      counted.set(table, byMonth);
    }
    return byMonth;
  }
  const monthOf = (r: Row, table: Table) => (table === 'occupationBefore' ? r.month : r.endMonth!);
  /** The released year of a month index, or null (months of a year not released). */
  const yearOf = (month: number | null) => (month === null || month >= months.length ? null : [...years].find(([, ms]) => ms.includes(month))?.[0] ?? null);
  /**
   * The participations a year's table counts: per person one a year, the earliest registered in of
   * those the measure counts in the year (registered in during it; registered out during it).
   */
  const countedInYear = new Map<string, Row[]>();
  function countedYearRows(table: Table, year: string): Row[] {
    const key = `${table}|${year}`;
    let list = countedInYear.get(key);
    if (!list) {
      const chosen = new Map<string, Row>();
      for (const r of countedRows(table).flat()) {
        if (yearOf(monthOf(r, table)) !== year) continue;
        const held = chosen.get(r.personnummer);
        if (!held || r.registeredIn < held.registeredIn || (r.registeredIn === held.registeredIn && r.id < held.id)) chosen.set(r.personnummer, r);
      }
      list = [...chosen.values()];
      countedInYear.set(key, list);
    }
    return list;
  }
  /** The released year whose table counts the target for its person (its own category), or null. */
  const countedYear = (r: Row, table: Table) => {
    const year = yearOf(table === 'occupationBefore' ? r.month : r.endMonth);
    return year !== null && countedYearRows(table, year).some((c) => c.id === r.id) ? year : null;
  };
  /** The others' true counts in a released year's cells of a source, counted the year's way: what the attacker subtracts from the year's read. */
  function othersInYear(source: Source, year: string, target: Row): Record<Occupation, number> {
    const out = Object.fromEntries(OCCUPATIONS.map((o) => [o, 0])) as Record<Occupation, number>;
    for (const r of countedYearRows(source.table, year)) {
      if (r.personnummer === target.personnummer || !inSource(r, source)) continue;
      const o = truthOf(r, source.table);
      if (o !== null) out[o] += 1;
    }
    return out;
  }
  /** Whether the target is the participation its month's table counts for its person. */
  const isCounted = (r: Row, table: Table) => {
    const month = monthOf(r, table);
    return month !== null && month < months.length && countedRows(table)[month]!.some((c) => c.id === r.id);
  };
  const inSource = (r: Row, source: Source) => source.by === 'all' || r[source.by] === source.value;
  /** The true counts of one month's cells of a source, the target left out: what the attacker subtracts. */
  function othersIn(source: Source, month: number, target: Row): Record<Occupation, number> {
    const out = Object.fromEntries(OCCUPATIONS.map((o) => [o, 0])) as Record<Occupation, number>;
    for (const r of countedRows(source.table)[month]!) {
      if (r.personnummer === target.personnummer || !inSource(r, source)) continue;
      const o = truthOf(r, source.table);
      if (o !== null) out[o] += 1;
    }
    return out;
  }
  /** The categories of a source with nobody over a window (for the exact zeros' choice of smaller table; a year's release counts fewer, never another category). */
  function trueZeros(source: Source, [a, b]: Window): number {
    const present = new Set(countedRows(source.table).slice(a, b + 1).flat().filter((r) => inSource(r, source)).map((r) => truthOf(r, source.table)));
    return OCCUPATIONS.filter((o) => !present.has(o)).length;
  }
  const sourcesOf = (t: Row, table: Table): Source[] => (table === 'occupationBefore'
    ? [{ table, by: 'all', value: null }, { table, by: 'municipality', value: t.municipality }]
    : [{ table, by: 'intervention', value: t.intervention }, { table, by: 'municipality', value: t.municipality }, { table, by: 'all', value: null }]);
  /** The pair of windows around month m, anchored at a < m (smaller [a, m − 1]) or at b > m (smaller [m + 1, b]). */
  const windowsAt = (source: Source, m: number, anchor: number): Pair => (anchor < m
    ? { source, smaller: [anchor, m - 1], larger: [anchor, m], month: m }
    : { source, smaller: [m + 1, anchor], larger: [m, anchor], month: m });
  /** Whether a pair's two periods are answered from the same releases but month m's: their difference is that month's cells. */
  const differsByItsMonth = (pair: Pair) => pair.smaller !== null && differsByMonth(monthKeys, new Set(years.keys()), pair.smaller, pair.larger, pair.month);
  /**
   * The pair differing by month m alone, anchored at `anchor` (before m; with m the first month,
   * after it) or, where that period would hold a whole released year the other does not (the
   * larger then reads the year's release, not the sum of its months), at the nearest anchor whose
   * periods differ by month m's release alone.
   */
  function pairAt(source: Source, m: number, anchor: number): Pair {
    const last = months.length - 1;
    const anchors = [anchor, ...Array.from({ length: months.length }, (_, i) => i).filter((a) => a !== anchor && a !== m)
      .sort((x, y) => Math.abs(x - anchor) - Math.abs(y - anchor) || x - y)].filter((a) => a >= 0 && a <= last && a !== m);
    const pair = anchors.map((a) => windowsAt(source, m, a)).find(differsByItsMonth);
    expect(pair, `a pair of periods differing by month ${m} alone`).toBeDefined();
    return pair!;
  }
  /** The query of exactly the released year the target is counted in (by its own category), of each source its pairs read; none without one. */
  const yearReads = (target: Row, table: Table, sources: readonly Source[]): Pair[] => {
    const year = countedYear(target, table);
    if (year === null) return [];
    const ms = years.get(year)!;
    const distinct = [...new Map(sources.map((source) => [JSON.stringify(source), source])).values()];
    return distinct.map((source) => ({ source, smaller: null, larger: [ms[0]!, ms.at(-1)!] as Window, month: ms[0]!, year }));
  };
  const seededOrder = <T>(list: readonly T[], seed: number) => {
    const random = new SeededRandom(seed);
    return list.map((x) => ({ x, k: random.next() })).sort((p, q) => p.k - q.k).map((p) => p.x);
  };
  const participationsOf = new Map<string, Row[]>();
  const personRows = (r: Row) => {
    if (participationsOf.size === 0) for (const x of rows) participationsOf.set(x.personnummer, [...(participationsOf.get(x.personnummer) ?? []), x]);
    return participationsOf.get(r.personnummer)!;
  };

  /** Strategy 1: persons with two participations, registered in in different released months; the second is the target. */
  function multiplicityPlans(): Plan[] {
    const candidates = plain.filter((r) => {
      const own = personRows(r);
      if (own.length !== 2) return false;
      const [p1, p2] = [...own].sort((x, y) => x.month - y.month) as [Row, Row];
      return p2.id === r.id && p1.month < p2.month && p2.month < months.length && isCounted(r, 'occupationBefore');
    });
    return seededOrder(candidates, 20201).slice(0, MAX_TARGETS.multiplicity).map((target) => {
      const p1 = personRows(target).find((r) => r.id !== target.id)!;
      // Two anchors a ≤ m1, so that both periods hold the person: the same cells, asked twice.
      const anchors = [...new Set([0, p1.month])];
      const sources = sourcesOf(target, 'occupationBefore');
      const pairs = [...new Map(sources.flatMap((source) => anchors.map((a) => pairAt(source, target.month, a))).map((pair) => [JSON.stringify(pair), pair])).values()];
      return { target, table: 'occupationBefore' as const, pairs: [...pairs, ...yearReads(target, 'occupationBefore', sources)] };
    });
  }

  /** Strategy 2 (and 3's targets): participations registered out in a released month, alone registered out in it in their intervention. */
  function subTableTargets(): Row[] {
    const candidates = plain.filter((t) => t.occupationAfter !== null && t.endMonth !== null && t.endMonth < months.length && isCounted(t, 'occupationAfter')
      && countedRows('occupationAfter')[t.endMonth]!.every((r) => r.id === t.id || r.intervention !== t.intervention));
    return seededOrder(candidates, 20202);
  }
  function subTablePlans(): Plan[] {
    return subTableTargets().slice(0, MAX_TARGETS.subTables).map((target) => {
      const sources = sourcesOf(target, 'occupationAfter');
      return {
        target, table: 'occupationAfter' as const,
        // From the register's first month: the started sets differ by every registration of the month, the registered-out sets by the target.
        // The year read too only where the target is alone in the year's cell, as in its month: what strategy 2 is about
        // (a cell that is the target's alone). Reading the year's cell of many others by subtracting everyone else's
        // occupation after is the worst case of differential privacy, measured and stated in docs/disclosure-control.md.
        pairs: [...sources.map((source) => pairAt(source, target.endMonth!, target.endMonth! > 0 ? 0 : months.length - 1)), ...yearReads(target, 'occupationAfter', sources.filter((source) => {
          const year = countedYear(target, 'occupationAfter');
          return year !== null && OCCUPATIONS.every((o) => othersInYear(source, year, target)[o] === 0);
        }))],
      };
    });
  }

  /** Strategies 4 and 5: persons with one participation in a released month, in a fixed random order, alternately to each. */
  let split: [Plan[], Plan[]] | null = null;
  function splitPlans(): [Plan[], Plan[]] {
    if (!split) {
      const candidates = seededOrder(plain.filter((r) => personRows(r).length === 1 && r.month < months.length), 20205);
      const plans = candidates.map((target) => {
        const sources = sourcesOf(target, 'occupationBefore');
        return {
          target, table: 'occupationBefore' as const,
          pairs: [...sources.map((source) => pairAt(source, target.month, target.month > 0 ? 0 : months.length - 1)), ...yearReads(target, 'occupationBefore', sources)],
        };
      });
      split = [plans.filter((_, i) => i % 2 === 0).slice(0, MAX_TARGETS.twoAnalysts), plans.filter((_, i) => i % 2 === 1).slice(0, MAX_TARGETS.restart)];
    }
    return split;
  }

  // ---- Reading and scoring ----


  /**
   * One answered pair, read: the published month cells (larger − smaller) and the others' true
   * counts in them; or the year's read: the year's published cells and the others' true counts
   * in them, counted the year's way (one participation per person and year).
   */
  interface Difference { key: string; source: Source; year?: string; cells: Published; others: Record<Occupation, number> }
  function differences(plan: Plan, observations: Observation[]): Difference[] {
    return observations.flatMap(({ larger, smaller }, j) => {
      const pair = plan.pairs[j]!;
      if (!larger || (pair.smaller !== null && !smaller)) return [];
      const cells = Object.fromEntries(OCCUPATIONS.map((o) => [o, larger[o] - (smaller?.[o] ?? 0)])) as Published;
      return [{ key: readKey(pair), source: pair.source, ...(pair.year ? { year: pair.year } : {}), cells, others: othersOf(plan, pair) }];
    });
  }
  /** The cells a pair reads: its month's, or its year's (the same table and month read twice are the same cells). */
  const readKey = (pair: Pair) => JSON.stringify([pair.source, pair.year ?? pair.month]);
  /** The others' true counts in the cells a pair reads, counted as their release counts them: what the attacker subtracts. */
  const othersOf = (plan: Plan, pair: Pair) => (pair.year ? othersInYear(pair.source, pair.year, plan.target) : othersIn(pair.source, pair.month, plan.target));

  /**
   * The attacker's guess: the margins as prior, times the likelihood of every distinct month's
   * cells it read (the same table and month read twice is the same cells: counted once) and of
   * the year's cells (independent noise, the year's σ) under "the target is in category c" (its
   * others' true counts plus 1 in c). No pair answered: the margins' most common category.
   * `sigmaScale` scales the σ it reads with (the honest score's release with half the noise, read
   * by an attacker who knows so).
   */
  function read(read: Difference[], table: Table, noiseless = false, sigmaScale = 1): { guess: Occupation; decided: boolean; posterior: Record<Occupation, number> } {
    if (read.length === 0) return { guess: marginGuess(table), decided: false, posterior: prior[table] };
    const distinct = [...new Map(read.map((d) => [d.key, d])).values()];
    const score = Object.fromEntries(OCCUPATIONS.map((c) => [c, Math.log(Math.max(prior[table][c], 1e-6))])) as Record<Occupation, number>;
    for (const d of distinct) {
      const s = noiseless ? NOISELESS_SIGMA : sigma(d.source, d.year) * sigmaScale;
      for (const c of OCCUPATIONS) for (const o of OCCUPATIONS) score[c] += logLikelihood(d.cells[o], d.others[o] + (o === c ? 1 : 0), s);
    }
    const top = Math.max(...Object.values(score));
    const weight = (c: Occupation) => Math.exp(score[c] - top);
    const sum = OCCUPATIONS.reduce((total, c) => total + weight(c), 0);
    const posterior = Object.fromEntries(OCCUPATIONS.map((c) => [c, weight(c) / sum])) as Record<Occupation, number>;
    return { guess: [...OCCUPATIONS].sort((x, y) => score[y] - score[x])[0]!, decided: true, posterior };
  }

  /**
   * A source's true counts over a window, as the graph sums its releases (releasesOfWindow):
   * protected identities left out, one participation per person and month from a month's release,
   * one per person and year from a year's.
   */
  function trueCounts(source: Source, window: Window | null): Published {
    const out = Object.fromEntries(OCCUPATIONS.map((o) => [o, 0])) as Published;
    if (window === null) return out;
    for (const period of releasesOfWindow(monthKeys, new Set(years.keys()), window)) {
      const counted = period.length === 4 ? countedYearRows(source.table, period) : countedRows(source.table)[monthKeys.indexOf(period)]!;
      for (const r of counted) {
        const o = truthOf(r, source.table);
        if (o !== null && inSource(r, source)) out[o] += 1;
      }
    }
    return out;
  }
  /**
   * The power check: the same pairs and reading with the true counts in place of the published
   * ones (and a noise of nearly 0) name every target's category. So the pairs do difference the
   * target (and the others the attacker subtracts), and the attack would win on a release without
   * enough noise: the test can fail.
   */
  function noiselessRight(plans: Plan[], table: Table): { right: number; yearTargets: number; yearAloneRight: number } {
    const exactOf = (plan: Plan) => plan.pairs.map((pair) => ({ smaller: pair.smaller && trueCounts(pair.source, pair.smaller), larger: trueCounts(pair.source, pair.larger) }));
    const right = plans.filter((plan) => read(differences(plan, exactOf(plan)), table, true).guess === truthOf(plan.target, table)).length;
    // The year's reads alone, on the true counts, name every target that has one: they read the target's own 1.
    const withYear = plans.filter((plan) => plan.pairs.some((pair) => pair.year));
    const yearAloneRight = withYear.filter((plan) => read(differences(plan, exactOf(plan)).filter((d) => d.year), table, true).guess === truthOf(plan.target, table)).length;
    return { right, yearTargets: withYear.length, yearAloneRight };
  }

  /** Same table and month read by several pairs: how many such repeats, and how many gave another difference (none may). */
  function repeats(plans: Plan[], observations: Observation[][]) {
    let repeated = 0;
    let differing = 0;
    plans.forEach((plan, i) => {
      const seen = new Map<string, string>();
      for (const d of differences(plan, observations[i]!)) {
        const cells = JSON.stringify(d.cells);
        if (seen.has(d.key)) {
          repeated += 1;
          if (seen.get(d.key) !== cells) differing += 1;
        } else seen.set(d.key, cells);
      }
    });
    return { repeated, differing };
  }

  // ---- The honest score: what the stated noise allows ----

  /** One release's true counts of a source's cells (a month's `YYYY-MM`, a year's `YYYY`), as the release counts them. */
  const periodCounts = new Map<string, Published>();
  function countsIn(source: Source, period: string): Published {
    const key = `${JSON.stringify(source)}|${period}`;
    let out = periodCounts.get(key);
    if (!out) {
      out = trueCounts(source, null);
      for (const r of period.length === 4 ? countedYearRows(source.table, period) : countedRows(source.table)[monthKeys.indexOf(period)]!) {
        const o = truthOf(r, source.table);
        if (o !== null && inSource(r, source)) out[o] += 1;
      }
      periodCounts.set(key, out);
    }
    return out;
  }
  /** A cell of a release as the simulation publishes it: its key, true count and the σ its release states. */
  interface Cell { key: string; truth: number; sigma: number }
  const cellsOf = (source: Source, period: string): Record<Occupation, Cell> => {
    const truth = countsIn(source, period);
    const s = sigma(source, period.length === 4 ? period : undefined);
    return Object.fromEntries(OCCUPATIONS.map((o) => [o, { key: `${JSON.stringify(source)}|${period}|${o}`, truth: truth[o], sigma: s }])) as Record<Occupation, Cell>;
  };
  const published = (cells: Record<Occupation, Cell>, publish: Publish) => Object.fromEntries(OCCUPATIONS.map((o) => [o, publish(cells[o].key, cells[o].truth, cells[o].sigma)])) as Published;

  /**
   * The attacker's reading played on simulated releases (simulateAttack): each pair's difference is
   * its month's published cells (or the year's, as published), drawn from the true counts with the
   * σ the release states; the others subtracted as in the real reading. E and the bound of the
   * right guesses; and E on a release with half the stated noise, read by an attacker who knows
   * the noise is half (printed: how far the bound is from a release with too little). Checked too:
   * every cell read holds the others the attacker subtracts and the target (so the simulation
   * plays the release the attack reads).
   */
  function honestScore(plans: Plan[], table: Table): { honest: HonestScore; halfNoise: HonestScore; cellsNotOthersAndTarget: number } {
    let cellsNotOthersAndTarget = 0;
    const reads = plans.map((plan) => plan.pairs.map((pair) => {
      const others = othersOf(plan, pair);
      const cells = cellsOf(pair.source, pair.year ?? monthKeys[pair.month]!);
      if (OCCUPATIONS.some((o) => cells[o].truth !== others[o] + (o === truthOf(plan.target, table) ? 1 : 0))) cellsNotOthersAndTarget += 1;
      return { key: readKey(pair), source: pair.source, ...(pair.year ? { year: pair.year } : {}), others, cells };
    }));
    const play = (scale: number) => (i: number, publish: Publish) => read(reads[i]!.map((d) => ({ ...d, cells: published(d.cells, publish) })), table, false, scale).guess;
    const truths = plans.map((plan) => truthOf(plan.target, table));
    return { honest: simulateAttack(truths, play(1)).score(), halfNoise: simulateAttack(truths, play(0.5), { noiseScale: 0.5, rounds: HALF_NOISE_ROUNDS }).score(), cellsNotOthersAndTarget };
  }

  /** Scores a strategy's guesses (all targets), prints its line and fails when it beats the margins. */
  function scoreAndCheck(strategy: string, plans: Plan[], observations: Observation[][], count: Tally, minimum: number, extra: Record<string, unknown> = {}) {
    const table = plans[0]?.table ?? 'occupationBefore';
    const readings = plans.map((plan, i) => {
      const read_ = differences(plan, observations[i]!);
      return { plan, tables: new Set(read_.filter((d) => !d.year).map((d) => d.key)).size, years: read_.filter((d) => d.year).length, ...read(read_, table) };
    });
    const n = readings.length;
    const right = readings.filter((g) => g.guess === truthOf(g.plan.target, table)).length;
    const margin = marginGuess(table);
    const baseline = readings.filter((g) => truthOf(g.plan.target, table) === margin).length;
    const { honest, halfNoise, cellsNotOthersAndTarget } = honestScore(plans, table);
    const answeredPairs = observations.flat().filter((o) => o.larger && o.smaller).length;
    const { right: noiseless, yearTargets, yearAloneRight } = noiselessRight(plans, table);
    const withYear = readings.filter((g) => g.years > 0);
    const summary = {
      table, targets: n, pairs: plans.reduce((s, plan) => s + plan.pairs.filter((pair) => !pair.year).length, 0), answeredPairs, monthTablesRead: readings.reduce((s, g) => s + g.tables, 0),
      yearTargets, yearTablesRead: readings.reduce((s, g) => s + g.years, 0), rightWithYear: withYear.filter((g) => g.guess === truthOf(g.plan.target, table)).length,
      guessed: readings.filter((g) => g.decided).length, switched: readings.filter((g) => g.guess !== margin).length, right, expected: Number(honest.expected.toFixed(1)), sd: Number(honest.sd.toFixed(1)), bound: Number(honest.bound.toFixed(1)),
      expectedAtHalfTheNoise: Number(halfNoise.expected.toFixed(1)), baseline, marginGuess: margin, noiselessRight: noiseless, noiselessYearAloneRight: yearAloneRight,
      queries: count.queries, answered: count.answered, refused: count.refused, ...repeats(plans, observations), ...extra,
    };
    results[strategy] = summary;
    console.log(`grown attack on the releases, ${strategy}: ${n} targets, right ${right}, ${describeScore(honest)} (at half the noise expected ${summary.expectedAtHalfTheNoise}), margin guess ${margin} right ${baseline}, `
      + `guesses off the margin ${summary.switched}, right without noise ${noiseless}; queries ${count.queries}, answered ${count.answered}, refused ${refusedOf(count)} ${JSON.stringify(count.refused)}; `
      + `answered pairs ${answeredPairs} of ${summary.pairs}, month tables read ${summary.monthTablesRead}; targets with their year read ${yearTargets} (right ${summary.rightWithYear}), year tables read ${summary.yearTablesRead}, `
      + `the year's read alone right without noise ${yearAloneRight}; repeated cells ${summary.repeated} (differing ${summary.differing})`);
    expect(refusedOf(count), `${strategy}: every query asked reads released tables`).toBe(0);
    expect(summary.differing, `${strategy}: the same month's cells read twice differ`).toBe(0);
    expect(n, `${strategy}: targets (the seed's, at most ${n})`).toBeGreaterThanOrEqual(minimum);
    expect(noiseless, `${strategy}: with the true counts the same reading names every target's category (the pairs difference the target)`).toBe(n);
    expect(noiseless, `${strategy}: with the true counts the guesses beat the bound (the test can fail)`).toBeGreaterThan(honest.bound);
    expect(cellsNotOthersAndTarget, `${strategy}: every cell read holds the others subtracted and the target (the simulation plays what the attack reads)`).toBe(0);
    expect(yearAloneRight, `${strategy}: with the true counts the year's read alone names every target it is made for (it reads the target's own 1)`).toBe(yearTargets);
    // Strategy 2 reads the year only where the target is alone in the year's cell; the others wherever its year is released.
    const yearReadable = plans.filter((plan) => countedYear(plan.target, table) !== null
      && (strategy !== '2 sub-tables' || sourcesOf(plan.target, table).some((source) => OCCUPATIONS.every((o) => othersInYear(source, countedYear(plan.target, table)!, plan.target)[o] === 0)))).length;
    expect(yearTargets, `${strategy}: every target with a year to read has the year read`).toBe(yearReadable);
    expect(right, `${strategy}: right ${right} of ${n}, but on releases with exactly the noise they state this reading is right ${honest.expected.toFixed(1)} times on average `
      + `(± ${honest.sd.toFixed(1)}), so at most ${honest.bound.toFixed(1)} is allowed (3 standard deviations, one-sided): the release tells more than its noise allows`).toBeLessThanOrEqual(honest.bound);
  }

  /** Asks each plan's pairs as `smallerBy` and `largerBy` (smaller first), pair by pair. */
  async function askPairs(plans: Plan[], smallerBy: string, largerBy: string, count: Tally): Promise<Observation[][]> {
    const observations: Observation[][] = [];
    for (const plan of plans) {
      const mine: Observation[] = [];
      for (const pair of plan.pairs) {
        // The year's read is one query, of exactly the year: nothing subtracted from it.
        const smaller = pair.smaller === null ? null : await ask(smallerBy, pair.source, pair.smaller, count);
        const larger = await ask(largerBy, pair.source, pair.larger, count);
        mine.push({ smaller, larger });
      }
      observations.push(mine);
    }
    return observations;
  }

  it('1. participation multiplicity: two periods with the same persons, one participation apart, tell no more than the margins', async () => {
    const plans = multiplicityPlans();
    const count = tally();
    const observations = await askPairs(plans, ANALYSTS.multiplicity, ANALYSTS.multiplicity, count);
    scoreAndCheck('1 participation multiplicity', plans, observations, count, MIN_TARGETS.multiplicity);
  }, 300_000);

  it('2. sub-tables: periods whose registered-out participations differ by the target alone tell no more than the margins', async () => {
    const plans = subTablePlans();
    const count = tally();
    const observations = await askPairs(plans, ANALYSTS.subTables, ANALYSTS.subTables, count);
    scoreAndCheck('2 sub-tables', plans, observations, count, MIN_TARGETS.subTables, {
      aloneIn: Object.fromEntries((['intervention', 'municipality', 'all'] as const).map((by) => [by, plans.filter((p) => OCCUPATIONS.every((o) => othersIn({ table: 'occupationAfter', by, value: by === 'all' ? null : p.target[by] }, p.target.endMonth!, p.target)[o] === 0)).length])),
    });
  }, 300_000);

  it('3. exact zeros: a category 0 without the target and not 0 with it names the target\'s category no better than the margins do', async () => {
    // Strategy 2's targets (alone in their cell: a difference is theirs alone), each with the pairs, one per table it is
    // alone in, whose smaller period has the most true zeros (then the shortest): the attacker's worst-case pick.
    const plans: Plan[] = subTableTargets().slice(0, MAX_TARGETS.zeros).map((target) => {
      const e = target.endMonth!;
      const pairs = sourcesOf(target, 'occupationAfter')
        .filter((source) => OCCUPATIONS.every((o) => othersIn(source, e, target)[o] === 0))
        .map((source) => {
          const windows: Pair[] = [];
          // Every pair of periods around e differing by e's release alone (none holds a whole released year the other does not).
          for (let a = e - 1; a >= 0; a--) windows.push(windowsAt(source, e, a));
          for (let b = e + 1; b < months.length; b++) windows.push(windowsAt(source, e, b));
          const length = (w: Window) => w[1] - w[0];
          return windows.filter(differsByItsMonth)
            .sort((x, y) => trueZeros(source, y.smaller!) - trueZeros(source, x.smaller!) || length(x.smaller!) - length(y.smaller!))[0];
        })
        .filter((p) => p !== undefined)
        .sort((x, y) => trueZeros(y.source, y.smaller!) - trueZeros(x.source, x.smaller!))
        .slice(0, ZERO_PAIRS_PER_TARGET);
      return { target, table: 'occupationAfter' as const, pairs };
    }).filter((p) => p.pairs.length > 0);
    const count = tally();
    const observations = await askPairs(plans, ANALYSTS.zeros, ANALYSTS.zeros, count);
    // A claim: some pair publishes a category 0 in the smaller table and not 0 in the larger one.
    const claimOf = (observed: readonly Observation[]): Occupation | null => {
      const named = new Set<Occupation>();
      for (const { larger: l, smaller: s } of observed) if (l && s) for (const c of OCCUPATIONS) if (s[c] === 0 && l[c] !== 0) named.add(c);
      // Two categories named at once: no certainty, no claim.
      return named.size === 1 ? [...named][0]! : null;
    };
    const claims = plans.flatMap((plan, i) => {
      const guess = claimOf(observations[i]!);
      return guess === null ? [] : [{ plan, guess }];
    });
    const right = claims.filter((c) => truthOf(c.plan.target, c.plan.table) === c.guess).length;
    // The power check: on the true counts every target is claimed, and rightly (the smaller table holds a true 0 in its category).
    const noiseless = plans.filter((plan) => {
      const named = new Set<Occupation>();
      for (const pair of plan.pairs) {
        const [l, s] = [trueCounts(pair.source, pair.larger), trueCounts(pair.source, pair.smaller)];
        for (const c of OCCUPATIONS) if (s[c] === 0 && l[c] !== 0) named.add(c);
      }
      return named.size === 1 && [...named][0] === truthOf(plan.target, plan.table);
    }).length;
    // Scored as every strategy is: the claims right against what the same claims are right on
    // releases with exactly the stated noise (simulated: each smaller period's releases and the
    // month's cells drawn from the true counts; a category is 0 over a period when every release
    // of it publishes 0 there). Printed beside it: the margin guess on the claimed targets, and the
    // claimed categories' own shares (a claim is right somewhat more often than its category's
    // share, the leak one noisy cell allows, and far less often than the margin guess).
    const share = (c: { plan: Plan; guess: Occupation }) => Math.max(prior[c.plan.table][c.guess], trueShare[c.plan.table][c.guess]);
    const shareBaseline = claims.reduce((s, c) => s + share(c), 0);
    const margin = marginGuess('occupationAfter');
    const marginRight = claims.filter((c) => truthOf(c.plan.target, c.plan.table) === margin).length;
    const baseline = marginRight;
    const cells = plans.map((plan) => plan.pairs.map((pair) => ({
      smaller: releasesOfWindow(monthKeys, new Set(years.keys()), pair.smaller!).map((period) => cellsOf(pair.source, period)),
      month: cellsOf(pair.source, monthKeys[pair.month]!),
    })));
    const play = (i: number, publish: Publish) => claimOf(cells[i]!.map(({ smaller, month }) => {
      const publishedSmaller = Object.fromEntries(OCCUPATIONS.map((o) => [o, smaller.every((c) => publish(c[o].key, c[o].truth, c[o].sigma) === 0) ? 0 : 1])) as Published;
      return { smaller: publishedSmaller, larger: Object.fromEntries(OCCUPATIONS.map((o) => [o, publishedSmaller[o] + publish(month[o].key, month[o].truth, month[o].sigma)])) as Published };
    }));
    const truths = plans.map((plan) => truthOf(plan.target, plan.table));
    const simulation = simulateAttack(truths, play);
    const honest = simulation.score();
    const claimsExpected = simulation.score((_, guess) => guess !== null).expected;
    const halfNoise = simulateAttack(truths, play, { noiseScale: 0.5, rounds: HALF_NOISE_ROUNDS }).score();
    // What the mechanism lets a claim be worth: the attacker's own posterior of the claimed category, summed (printed, not checked).
    const expected = claims.reduce((s, c) => s + read(differences(c.plan, observations[plans.indexOf(c.plan)]!), c.plan.table).posterior[c.guess], 0);
    const summary = {
      targets: plans.length, pairs: observations.flat().length, answeredPairs: observations.flat().filter((o) => o.larger && o.smaller).length,
      smallerAllZero: plans.flatMap((p) => p.pairs).filter((p) => trueZeros(p.source, p.smaller!) === OCCUPATIONS.length).length,
      guessed: claims.length, claimsExpected: Number(claimsExpected.toFixed(1)), right, expected: Number(honest.expected.toFixed(1)), sd: Number(honest.sd.toFixed(1)), bound: Number(honest.bound.toFixed(1)),
      expectedAtHalfTheNoise: Number(halfNoise.expected.toFixed(1)), baseline, marginGuess: margin, rightAtClaimedShares: Number(shareBaseline.toFixed(1)), expectedByPosterior: Number(expected.toFixed(1)), noiselessClaimsRight: noiseless, queries: count.queries, answered: count.answered, refused: count.refused,
      byCategory: Object.fromEntries(OCCUPATIONS.map((o) => [o, `${claims.filter((c) => c.guess === o && truthOf(c.plan.target, c.plan.table) === o).length}/${claims.filter((c) => c.guess === o).length}`])),
    };
    results['3 exact zeros'] = summary;
    console.log(`grown attack on the releases, 3 exact zeros: ${plans.length} targets, claims ${claims.length} (expected ${summary.claimsExpected}), right ${right}, ${describeScore(honest)} `
      + `(at half the noise expected ${summary.expectedAtHalfTheNoise}), margin guess ${margin} right for ${baseline}, `
      + `expected right at the claimed categories' shares ${summary.rightAtClaimedShares}, expected right by the attacker's posterior ${summary.expectedByPosterior}; queries ${count.queries}, answered ${count.answered}, refused ${refusedOf(count)} ${JSON.stringify(count.refused)}; `
      + `right without noise ${noiseless} of ${plans.length}; pairs ${summary.pairs} (smaller table all true zeros: ${summary.smallerAllZero}), by category ${JSON.stringify(summary.byCategory)}`);
    expect(refusedOf(count), 'exact zeros: every query asked reads released tables').toBe(0);
    expect(plans.length, 'exact zeros: targets').toBeGreaterThanOrEqual(MIN_TARGETS.zeros);
    expect(noiseless, 'exact zeros: on the true counts, claims for at least half the targets would all be right').toBeGreaterThanOrEqual(plans.length / 2);
    expect(noiseless, 'exact zeros: on the true counts the claims right beat the bound (the test can fail)').toBeGreaterThan(honest.bound);
    expect(right, `exact zeros: ${claims.length} claims, right ${right}, but on releases with exactly the noise they state the same claims are right ${honest.expected.toFixed(1)} times `
      + `on average (± ${honest.sd.toFixed(1)}), so at most ${honest.bound.toFixed(1)} is allowed (3 standard deviations, one-sided)`).toBeLessThanOrEqual(honest.bound);
  }, 300_000);

  it('4. two known analysts splitting each pair (analyst-1 the smaller query, analyst-2 the larger) learn no more than the margins', async () => {
    const [plans] = splitPlans();
    const count = tally();
    const observations = await askPairs(plans, ANALYSTS.first, ANALYSTS.second, count);
    scoreAndCheck('4 two analysts', plans, observations, count, MIN_TARGETS.twoAnalysts);
  }, 300_000);

  it('5. a restart of coordination between the two queries of each pair teaches no more than the margins', async () => {
    const [, plans] = splitPlans();
    const count = tally();
    // Every smaller query first, then the restart, then every larger one.
    const smaller: (Published | null)[][] = [];
    for (const plan of plans) {
      const answers: (Published | null)[] = [];
      for (const pair of plan.pairs) answers.push(pair.smaller === null ? null : await ask(ANALYSTS.restart, pair.source, pair.smaller, count));
      smaller.push(answers);
    }
    // The restart: coordination's process stopped and started anew on the same store. Poll until it answers.
    await graph.restartSubgraphProcess('coordination');
    let answering = false;
    for (let attempt = 0; attempt < 200 && !answering; attempt++) {
      answering = await ask(ANALYSTS.margins, { table: 'occupationBefore', by: 'all', value: null }, [0, months.length - 1], tally()) !== null;
      if (!answering) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answering, 'coordination answers again after its restart').toBe(true);
    const observations: Observation[][] = [];
    for (const [i, plan] of plans.entries()) {
      const mine: Observation[] = [];
      for (const [j, pair] of plan.pairs.entries()) mine.push({ smaller: smaller[i]![j]!, larger: await ask(ANALYSTS.restart, pair.source, pair.larger, count) });
      observations.push(mine);
    }
    // Some smaller queries asked again after the restart: answered as before (the same stored cells).
    const again = plans.slice(0, ASKED_AGAIN).map((plan) => plan.pairs[0]!);
    let same = 0;
    for (const [i, pair] of again.entries()) if (JSON.stringify(await ask(ANALYSTS.restart, pair.source, pair.smaller!, count)) === JSON.stringify(smaller[i]![0])) same += 1;
    expect(same, 'queries asked again after the restart are answered as before').toBe(again.length);
    scoreAndCheck('5 restart', plans, observations, count, MIN_TARGETS.restart, { askedAgainAfterRestart: again.length, answeredAsBefore: same });
  }, 300_000);
});
