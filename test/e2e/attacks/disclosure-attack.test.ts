import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '@finsam/kit/random';
import { binomialBound, conditionsOf, filterOf, has, matches, subsets, NO_ALLOWANCE_LIMITS, readRegister, type Attribute, type Condition, type Participation } from '../../support/attacker.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * Issue 11: an analyst must not re-identify anyone by differencing aggregates. This test plays
 * the analyst against the real graph with the strongest realistic knowledge: it knows each
 * target's quasi-identifiers (month of registration in, intervention, home municipality, sex,
 * age band, priority groups: read here from the coordination store) and, as the worst case, it
 * uses the store to pick pairs of queries whose true member sets differ by exactly the target.
 * It only asks queries that stay valid under the narrowed rules (whole-month periods, at most
 * one value per list filter, real municipality codes and intervention ids), so the same test
 * runs before and after the disclosure control of issue 11.
 *
 * What it guesses: each target participation's occupation before registration in (one of four
 * categories, the truth read from the store). It is scored against the guess an analyst makes
 * from the published margins alone: always the most common category of the published total.
 * The attacker passes (the graph fails) when it is right significantly more often than that.
 *
 * The per-analyst query budget (ANALYST_QUERY_BUDGET) and the other allowances are set far above
 * what the test asks, so the test shows that the noise and the narrowing hold on their own,
 * without relying on the budget; a refusal for the allowance all the same (FORBIDDEN, reason
 * QUERY_BUDGET_SPENT or ANALYST_WORK_LIMIT), or any other refusal of a query (FORBIDDEN with a
 * reason, e.g. QUERY_TOO_CLOSE), counts as "no information" for the attacker. Any
 * other error fails the test: every query asked is valid under the narrowed rules. Nothing
 * depends on timing; the population's seed is fixed.
 */

const OCCUPATIONS = ['FORVARVSARBETE', 'STUDIER', 'AKTIVT_ARBETSSOKANDE', 'OVRIGT'] as const;
type Occupation = (typeof OCCUPATIONS)[number];
const COUNT = '{ value suppressed }';
const FOLLOW_UP = `query($from: String!, $to: String!, $groupBy: FollowUpDimension, $filter: FollowUpFilter) {
  interventionFollowUp(from: $from, to: $to, groupBy: $groupBy, filter: $filter) {
    groups { key started ${COUNT} occupationBefore { category count ${COUNT} } }
    total { started ${COUNT} occupationBefore { category count ${COUNT} } }
  }
}`;

/** How many targets each strategy attacks (distinct persons across all strategies). */
const WANTED = { periods: 30, toggle: 25, averaging: 15, protectedIdentity: 30, zeros: 30 } as const;
type Strategy = keyof typeof WANTED;
/** A set the attacker compares must hold at least this many other (unprotected) participations: "large". */
const LARGE = 10;

const DIMENSION: Record<Exclude<Attribute, 'priorityGroup'>, string> = {
  intervention: 'INTERVENTION', municipality: 'MUNICIPALITY', sex: 'SEX', band: 'AGE_BAND',
};

/** Published occupation counts of one total or group; null for "no information" (budget spent, group absent). */
type Published = Record<Occupation, number | null> | null;

interface Guess {
  strategy: Strategy;
  target: Participation;
  guess: Occupation;
  /** Whether the attacker's rule decided, or it fell back to the margin guess. */
  decided: boolean;
}

describe('disclosure control against a differencing analyst (issue 11)', () => {
  let graph: TestGraph;
  let analyst: string;
  let rows: Participation[];
  let months: { from: string; to: string }[];
  let requests = 0;
  const refusals: Record<string, number> = {};

  beforeAll(async () => {
    // Far above the few hundred distinct queries asked below: the budget is not what is tested.
    graph = await startGraph({ persons: 2000, env: NO_ALLOWANCE_LIMITS });
    analyst = await graph.token('analyst', 'analyst-1');
    const db = graph.store('coordination');
    try {
      ({ rows, months } = await readRegister(db));
    } finally {
      await db.destroy();
    }
  });
  afterAll(() => graph?.close());

  /** One follow-up over whole months [a, b]; the published counts of the total and of each group. */
  async function followUp(a: number, b: number, conditions: readonly Condition[], groupBy = 'INTERVENTION') {
    requests += 1;
    const response = await graph.query(analyst, FOLLOW_UP, { from: months[a]!.from, to: months[b]!.to, groupBy, filter: filterOf(conditions) });
    const error = response.body.errors?.[0];
    // A refusal (FORBIDDEN with a reason: QUERY_BUDGET_SPENT, ANALYST_WORK_LIMIT, QUERY_TOO_CLOSE, …) tells the attacker nothing.
    if (error?.extensions?.code === 'FORBIDDEN' && typeof error.extensions.reason === 'string') {
      refusals[error.extensions.reason] = (refusals[error.extensions.reason] ?? 0) + 1;
      return null;
    }
    // Every query here is valid under the narrowed rules: any other error is a fault of the test or the graph.
    expect(response.body.errors, JSON.stringify({ a, b, conditions, groupBy, errors: response.body.errors })).toBeUndefined();
    const report = response.body.data!.interventionFollowUp as {
      groups: { key: string; occupationBefore: { category: string; count: { value: number | null } }[] }[];
      total: { occupationBefore: { category: string; count: { value: number | null } }[] };
    };
    const published = (cells: { category: string; count: { value: number | null } }[] | undefined): Published => {
      const out = Object.fromEntries(OCCUPATIONS.map((o) => [o, null])) as Record<Occupation, number | null>;
      for (const cell of cells ?? []) if ((OCCUPATIONS as readonly string[]).includes(cell.category)) out[cell.category as Occupation] = cell.count.value;
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
    // The margin: the whole period's published total, and its most common category.
    const margin = (await followUp(0, months.length - 1, []))!.total!;
    const byMargin = [...OCCUPATIONS].sort((x, y) => (margin[y] ?? 0) - (margin[x] ?? 0));
    const marginGuess = byMargin[0]!;
    const marginTotal = OCCUPATIONS.reduce((s, o) => s + (margin[o] ?? 0), 0);
    const p0 = (margin[marginGuess] ?? 0) / marginTotal;

    /**
     * The attacker's reading of two published tables whose true member sets differ by the target
     * (`larger` holds it): a category whose figure moved is where the target went; with exact
     * counts it moves by one, with consistent perturbation the unchanged categories give the very
     * same figure and only the target's moves. When nothing moved, the target is in one of the
     * categories the attacker could not compare (hidden on both sides). Otherwise: the margin guess.
     */
    function difference(larger: Published, smaller: Published) {
      return differences([[larger, smaller]]);
    }
    /** The same reading over several pairs that differ by the same target: each category's moves averaged. */
    function differences(pairs: [Published, Published][]): { guess: Occupation; decided: boolean } {
      const seen = pairs.filter((p): p is [NonNullable<Published>, NonNullable<Published>] => p[0] !== null && p[1] !== null);
      if (seen.length === 0) return { guess: marginGuess, decided: false };
      const moved: { o: Occupation; d: number }[] = [];
      const unknown: Occupation[] = [];
      for (const o of OCCUPATIONS) {
        const both = seen.filter(([l, s]) => l[o] !== null && s[o] !== null).map(([l, s]) => l[o]! - s[o]!);
        if (both.length > 0) {
          const d = both.reduce((sum, x) => sum + x, 0) / both.length;
          if (Math.abs(d) >= 0.5) moved.push({ o, d });
        } else if (seen.some(([l, s]) => (l[o] === null) !== (s[o] === null))) moved.push({ o, d: 0.5 });
        else unknown.push(o);
      }
      if (moved.length > 0) {
        // Exact counts: the one that grew by one; noisy counts: the one closest to growing by one.
        moved.sort((x, y) => Math.abs(x.d - 1) - Math.abs(y.d - 1) || byMargin.indexOf(x.o) - byMargin.indexOf(y.o));
        return { guess: moved[0]!.o, decided: true };
      }
      // Nothing published moved: the target is in a category hidden on both sides (the likeliest of them by the margin).
      if (unknown.length > 0 && unknown.length < OCCUPATIONS.length) return { guess: byMargin.find((o) => unknown.includes(o))!, decided: true };
      return { guess: marginGuess, decided: false };
    }

    const guesses: Guess[] = [];
    const used = new Set<string>();
    const seeded = new SeededRandom(20261);
    const random = () => seeded.next();
    const order = rows.map((r) => ({ r, k: random() })).sort((x, y) => x.k - y.k).map((x) => x.r);
    const take = (strategy: Strategy) => guesses.filter((g) => g.strategy === strategy).length < WANTED[strategy];
    const others = (t: Participation, conditions: readonly Condition[]) => rows.filter((r) => r.id !== t.id && matches(r, conditions));
    const plain = (list: Participation[]) => list.filter((r) => !r.protectedIdentity).length;

    /** Strategy 1 and 3: [S..M] against [S..M-1] (or [M..E] against [M+1..E]) where month M holds the target alone. */
    function periodPairs(t: Participation) {
      const pairs: { conditions: Condition[]; larger: [number, number]; smaller: [number, number]; size: number }[] = [];
      for (const conditions of subsets(conditionsOf(t), 1, 3)) {
        const rest = others(t, conditions);
        if (rest.some((r) => r.month === t.month)) continue;
        const before = plain(rest.filter((r) => r.month < t.month));
        const after = plain(rest.filter((r) => r.month > t.month));
        if (before >= LARGE) pairs.push({ conditions, larger: [0, t.month], smaller: [0, t.month - 1], size: before });
        if (after >= LARGE) pairs.push({ conditions, larger: [t.month, months.length - 1], smaller: [t.month + 1, months.length - 1], size: after });
      }
      // Largest first; equal sizes in the order found, so the choice is the same on every run.
      return pairs.map((p, i) => ({ p, i })).sort((x, y) => y.p.size - x.p.size || x.i - y.i).map((x) => x.p);
    }
    const periodPair = (t: Participation) => periodPairs(t)[0] ?? null;

    // 1. Consecutive periods: the report up to the target's month against the one up to the month before.
    for (const t of order) {
      if (!take('periods')) break;
      if (t.protectedIdentity || used.has(t.personnummer)) continue;
      const pair = periodPair(t);
      if (!pair) continue;
      used.add(t.personnummer);
      const larger = await followUp(pair.larger[0], pair.larger[1], pair.conditions);
      const smaller = await followUp(pair.smaller[0], pair.smaller[1], pair.conditions);
      guesses.push({ strategy: 'periods', target: t, ...difference(larger?.total ?? null, smaller?.total ?? null) });
    }

    // 2. Toggle: a large set, and the same set narrowed by one more filter value (a municipality,
    // a sex, an age band, an intervention or a priority group) that every member but the target has.
    for (const t of order) {
      if (!take('toggle')) break;
      if (t.protectedIdentity || used.has(t.personnummer)) continue;
      let best: { conditions: Condition[]; toggle: Condition; a: number; b: number; size: number } | null = null;
      for (const conditions of subsets(conditionsOf(t), 1, 2)) {
        const pool = others(t, conditions);
        const byMonth = months.map((_, m) => pool.filter((r) => r.month === m));
        for (const attribute of ['municipality', 'sex', 'band', 'intervention', 'priorityGroup'] as const) {
          if (conditions.some((c) => c[0] === attribute)) continue;
          const valuesOf = (r: Participation): string[] => (attribute === 'priorityGroup' ? r.priorityGroups.filter((g) => !t.priorityGroups.includes(g)) : r[attribute] === t[attribute] ? [] : [r[attribute]]);
          // The toggled value: one every other member in the window has and the target has not.
          const candidates = new Set((byMonth[t.month]!.length > 0 ? byMonth[t.month]! : pool).flatMap(valuesOf));
          for (const value of candidates) {
            const toggle: Condition = [attribute, value];
            const fits = (m: number) => (byMonth[m] ?? []).every((r) => has(r, toggle));
            if (!fits(t.month)) continue;
            let [a, b] = [t.month, t.month];
            while (a > 0 && fits(a - 1)) a -= 1;
            while (b < months.length - 1 && fits(b + 1)) b += 1;
            const size = plain(pool.filter((r) => r.month >= a && r.month <= b));
            if (size >= LARGE && (!best || size > best.size)) best = { conditions, toggle, a, b, size };
          }
        }
      }
      if (!best) continue;
      used.add(t.personnummer);
      const larger = await followUp(best.a, best.b, best.conditions);
      const smaller = await followUp(best.a, best.b, [...best.conditions, best.toggle]);
      guesses.push({ strategy: 'toggle', target: t, ...difference(larger?.total ?? null, smaller?.total ?? null) });
    }

    // 3. Averaging: the same query asked again, the same sets asked in other formulations with the
    // same true answer (the total broken down another way), and several different pairs that
    // differ by the same target (other filters, the other side of the month): every difference averaged.
    for (const t of order) {
      if (!take('averaging')) break;
      if (t.protectedIdentity || used.has(t.personnummer)) continue;
      const pairs = periodPairs(t).slice(0, 3);
      if (pairs.length < 2) continue;
      used.add(t.personnummer);
      const observations: [Published, Published][] = [];
      for (const pair of pairs) {
        for (const groupBy of ['INTERVENTION', 'INTERVENTION', 'AGE_BAND']) {
          const larger = await followUp(pair.larger[0], pair.larger[1], pair.conditions, groupBy);
          const smaller = await followUp(pair.smaller[0], pair.smaller[1], pair.conditions, groupBy);
          observations.push([larger?.total ?? null, smaller?.total ?? null]);
        }
      }
      guesses.push({ strategy: 'averaging', target: t, ...differences(observations) });
    }

    // 4. Protected identity: a filtered total (which counted persons with protected identity)
    // minus the same group in a broader report (which leaves them out, in UNDISCLOSED), where the
    // target is the only person with protected identity in that group and period.
    for (const t of order) {
      if (!take('protectedIdentity')) break;
      if (!t.protectedIdentity || used.has(t.personnummer)) continue;
      let best: { conditions: Condition[]; attribute: keyof typeof DIMENSION; a: number; b: number; score: number } | null = null;
      for (const attribute of Object.keys(DIMENSION) as (keyof typeof DIMENSION)[]) {
        for (const conditions of subsets(conditionsOf(t).filter((c) => c[0] !== attribute), 0, 1)) {
          const group: Condition = [attribute, t[attribute]];
          const pool = others(t, conditions);
          const byMonth = months.map((_, m) => pool.filter((r) => r.month === m && r.protectedIdentity && has(r, group)));
          const fits = (m: number) => byMonth[m]!.length === 0;
          if (!fits(t.month)) continue;
          let [a, b] = [t.month, t.month];
          while (a > 0 && fits(a - 1)) a -= 1;
          while (b < months.length - 1 && fits(b + 1)) b += 1;
          const inWindow = pool.filter((r) => r.month >= a && r.month <= b);
          const size = plain(inWindow.filter((r) => has(r, group)));
          // Best when UNDISCLOSED in the broader report is 5 or more: then nothing is hidden to protect it.
          const undisclosed = inWindow.filter((r) => r.protectedIdentity).length + 1;
          const score = (undisclosed >= 5 ? 1_000_000 : 0) + size;
          if (size >= LARGE && (!best || score > best.score)) best = { conditions, attribute, a, b, score };
        }
      }
      if (!best) continue;
      used.add(t.personnummer);
      const filtered = await followUp(best.a, best.b, [...best.conditions, [best.attribute, t[best.attribute]]]);
      const broader = await followUp(best.a, best.b, best.conditions, DIMENSION[best.attribute]);
      guesses.push({ strategy: 'protectedIdentity', target: t, ...difference(filtered?.total ?? null, broader?.group(t[best.attribute]) ?? null) });
    }

    // 5. Zeros next to a hidden group: the target's own group is tiny (its total suppressed), and
    // every category published as 0 is one the target is not in.
    for (const t of order) {
      if (!take('zeros')) break;
      if (t.protectedIdentity || used.has(t.personnummer)) continue;
      let best: { conditions: Condition[]; attribute: keyof typeof DIMENSION; size: number } | null = null;
      for (const attribute of Object.keys(DIMENSION) as (keyof typeof DIMENSION)[]) {
        for (const conditions of subsets(conditionsOf(t).filter((c) => c[0] !== attribute), 0, 2)) {
          const size = 1 + plain(others(t, [...conditions, [attribute, t[attribute]]]).filter((r) => r.month === t.month));
          if (!best || size < best.size) best = { conditions, attribute, size };
        }
      }
      if (!best || best.size > 4) continue;
      used.add(t.personnummer);
      const report = await followUp(t.month, t.month, best.conditions, DIMENSION[best.attribute]);
      const group = report?.group(t[best.attribute]) ?? null;
      const possible = byMargin.filter((o) => !group || group[o] !== 0);
      guesses.push({ strategy: 'zeros', target: t, guess: possible[0] ?? marginGuess, decided: possible.length === 1 });
    }

    // Scoring. Under "no disclosure" each guess is right with the probability the margin gives its
    // category at best, p0; the number right is then at most Binomial(n, p0), and the attacker is
    // refused the win unless it beats n·p0 by more than 3 standard deviations (one-sided, ≈ 0.13 %).
    const score = (list: Guess[]) => {
      const n = list.length;
      const right = list.filter((g) => g.guess === g.target.occupationBefore).length;
      const marginRight = list.filter((g) => marginGuess === g.target.occupationBefore).length;
      return { n, right, accuracy: n ? right / n : 0, marginRight, marginAccuracy: n ? marginRight / n : 0, decided: list.filter((g) => g.decided).length, bound: binomialBound(n, p0) };
    };
    const strategies = Object.keys(WANTED) as Strategy[];
    const perStrategy = Object.fromEntries(strategies.map((s) => [s, score(guesses.filter((g) => g.strategy === s))]));
    const overall = score(guesses);
    const report = {
      targets: used.size, p0: Number(p0.toFixed(3)), marginGuess, requests, refusals, seconds: (Date.now() - started) / 1000,
      overall, perStrategy,
    };
    console.log(`disclosure attack: ${JSON.stringify(report, null, 1)}`);

    expect(used.size, 'the attack needs at least 100 target persons').toBeGreaterThanOrEqual(100);
    for (const s of strategies) expect(perStrategy[s]!.n, `targets for ${s}`).toBeGreaterThanOrEqual(10);
    const failures = [...strategies.map((s) => [s, perStrategy[s]!] as const), ['overall', overall] as const]
      .filter(([, r]) => r.right > r.bound)
      .map(([s, r]) => `${s}: right ${r.right}/${r.n} (${(100 * r.accuracy).toFixed(1)} %), but guessing ${marginGuess} from the margins is right with p0 = ${(100 * p0).toFixed(1)} %, `
        + `so at most n·p0 + 3·sqrt(n·p0·(1−p0)) = ${r.bound} is allowed (one-sided binomial bound, 3 sigma)`);
    expect(failures, `the analyst re-identified targets by differencing:\n${failures.join('\n')}`).toEqual([]);
  }, 180_000);
});
