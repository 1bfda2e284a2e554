import { sql, type Kysely } from 'kysely';
import { SeededRandom } from '@finsam/kit/random';
import { ageBand } from '@finsam/coordination/follow-up';

/**
 * What the attacker tests (test/e2e/attacks/disclosure-attack*.test.ts) share: the analyst's knowledge of
 * its targets, read from the coordination store as the worst case, and the filters it asks with.
 */

/**
 * The analysts' allowance (query budget, person-touches, the gateway's requests per minute and
 * concurrency) set far above what an attacker test asks: what is tested is the disclosure control
 * on its own, not the allowance, and nothing may depend on timing (a per-minute bucket would).
 */
export const NO_ALLOWANCE_LIMITS: NodeJS.ProcessEnv = {
  ANALYST_REQUESTS_PER_MINUTE: '1000000', ANALYST_CONCURRENT_REQUESTS: '100', ANALYST_CONCURRENT_REQUESTS_TOTAL: '100',
};

/** One participation with the quasi-identifiers the attacker knows of its person. */
export interface Participation {
  id: string;
  personnummer: string;
  intervention: string;
  municipality: string;
  forbund: string;
  sex: string;
  /** Age band at registration in, as the graph's filter computes it. */
  band: string;
  priorityGroups: string[];
  /** Month of registration in, counted from the register's first month. */
  month: number;
  protectedIdentity: boolean;
  occupationBefore: string;
}

/** Every participation of the register (none registered in error: those are in no release), oldest id first, and the register's months as whole-month periods. */
export async function readRegister(coordination: Kysely<any>): Promise<{ rows: Participation[]; months: { from: string; to: string }[] }> {
  const raw = (await sql<{
    id: string; personnummer: string; intervention_id: string; registered_in: string; occupation_before: string;
    municipality_code: string; forbund_id: string; sex: string; birth_date: string; priority_groups: string; identity_protection: string;
  }>`SELECT p.id, p.personnummer, p.intervention_id, p.registered_in, p.occupation_before, person.municipality_code,
       m.forbund_id, person.sex, person.birth_date, person.priority_groups, person.identity_protection
     FROM participation p JOIN person ON person.personnummer = p.personnummer
     JOIN municipality m ON m.code = person.municipality_code
     WHERE p.end_reason IS NULL OR p.end_reason <> 'REGISTERED_IN_ERROR'
     ORDER BY p.id`.execute(coordination)).rows;
  const first = raw.reduce((min, r) => (r.registered_in < min ? r.registered_in : min), '9999');
  const last = raw.reduce((max, r) => (r.registered_in > max ? r.registered_in : max), '0000');
  const index = (day: string) => (Number(day.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(day.slice(5, 7)) - Number(first.slice(5, 7));
  const months = Array.from({ length: index(last) + 1 }, (_, i) => {
    const year = Number(first.slice(0, 4)) + Math.floor((Number(first.slice(5, 7)) - 1 + i) / 12);
    const month = ((Number(first.slice(5, 7)) - 1 + i) % 12) + 1;
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const ym = `${year}-${String(month).padStart(2, '0')}`;
    return { from: `${ym}-01`, to: `${ym}-${String(lastDay).padStart(2, '0')}` };
  });
  const rows = raw.map((r) => ({
    id: r.id, personnummer: r.personnummer, intervention: r.intervention_id, municipality: r.municipality_code, forbund: r.forbund_id,
    sex: r.sex, band: ageBand(r.birth_date, r.registered_in), priorityGroups: JSON.parse(r.priority_groups) as string[],
    month: index(r.registered_in), protectedIdentity: r.identity_protection !== 'NONE', occupationBefore: r.occupation_before,
  }));
  return { rows, months };
}

export type Attribute = 'intervention' | 'municipality' | 'sex' | 'band' | 'priorityGroup';
export type Condition = [Attribute, string];

export const has = (row: Participation, [attribute, value]: Condition) => (attribute === 'priorityGroup' ? row.priorityGroups.includes(value) : row[attribute] === value);
export const matches = (row: Participation, conditions: readonly Condition[]) => conditions.every((c) => has(row, c));

/** Every filter value that matches a participation: the values the attacker can narrow a query to around its target. */
export const conditionsOf = (t: Participation): Condition[] => [
  ['intervention', t.intervention], ['municipality', t.municipality], ['sex', t.sex], ['band', t.band],
  ...t.priorityGroups.map((g): Condition => ['priorityGroup', g]),
];

/** The combinations of min to max of the conditions, one priority group at most (a filter takes one). */
export function subsets(conditions: readonly Condition[], min: number, max: number): Condition[][] {
  const out: Condition[][] = [];
  const walk = (start: number, chosen: Condition[]) => {
    if (chosen.length >= min) out.push(chosen);
    if (chosen.length === max) return;
    for (let i = start; i < conditions.length; i++) {
      if (conditions[i]![0] === 'priorityGroup' && chosen.some((c) => c[0] === 'priorityGroup')) continue;
      walk(i + 1, [...chosen, conditions[i]!]);
    }
  };
  walk(0, []);
  return out;
}

/** The filter argument: each list filter with one value only, as the narrowed rules allow. */
export function filterOf(conditions: readonly Condition[]): Record<string, unknown> | null {
  if (conditions.length === 0) return null;
  const filter: Record<string, unknown> = {};
  for (const [attribute, value] of conditions) {
    if (attribute === 'intervention') filter.interventionIds = [value];
    else if (attribute === 'municipality') filter.municipalityCodes = [value];
    else if (attribute === 'band') filter.ageBand = value;
    else filter[attribute] = value;
  }
  return filter;
}

/**
 * The most right guesses of n allowed when, with no disclosure, each is right with probability p:
 * n·p plus 3 binomial standard deviations (one-sided, about 0.13 %).
 */
export const binomialBound = (n: number, p: number) => Math.floor(n * p + 3 * Math.sqrt(n * p * (1 - p)));

/**
 * The releases a period of released months [a, b] is answered from, as the graph's
 * releasesForPeriod (subgraphs/coordination/src/released-follow-up.ts) chooses them, which the
 * docs publish: each whole calendar year of the period by the year's release when the year is
 * released (`YYYY`), every other month by its own (`YYYY-MM`). `monthKeys[i]` is month i's
 * `YYYY-MM`; `years` the released years.
 */
export function releasesOfWindow(monthKeys: readonly string[], years: ReadonlySet<string>, [a, b]: readonly [number, number]): string[] {
  const out: string[] = [];
  for (let m = a; m <= b;) {
    const key = monthKeys[m]!;
    const year = key.slice(0, 4);
    const december = monthKeys.indexOf(`${year}-12`);
    if (key.endsWith('-01') && years.has(year) && december !== -1 && december <= b) {
      out.push(year);
      m = december + 1;
    } else {
      out.push(key);
      m += 1;
    }
  }
  return out;
}

/** Whether the larger period's releases are exactly the smaller's and the one month `month` more: their difference is that month's cells. */
export function differsByMonth(monthKeys: readonly string[], years: ReadonlySet<string>, smaller: readonly [number, number], larger: readonly [number, number], month: number): boolean {
  const rest = releasesOfWindow(monthKeys, years, larger);
  const at = rest.indexOf(monthKeys[month]!);
  if (at === -1) return false;
  rest.splice(at, 1);
  return JSON.stringify([...rest].sort()) === JSON.stringify([...releasesOfWindow(monthKeys, years, smaller)].sort());
}

/** log Φ(x), by the complementary error function (Abramowitz–Stegun 7.1.26), in logs for the tails. */
function logNormalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? Math.log(1 - erfc / 2) : Math.log(erfc / 2);
}

/**
 * The log-likelihood (up to a constant) of a published release cell v when its true count is μ:
 * Gaussian noise of σ (the discrete Gaussian, read as continuous), clamped at 0, so a published 0
 * is any noisy count of 0 or below. What the attackers weigh differences with.
 */
export function clampedLogLikelihood(v: number, mu: number, sigma: number): number {
  return v <= 0 ? logNormalCdf((0.5 - mu) / sigma) : -((v - mu) ** 2) / (2 * sigma * sigma);
}

/** The stored releases as JSON text, by kind: a month's period is `YYYY-MM`, a whole calendar year's `YYYY`. */
export async function readReleases(coordination: Kysely<any>): Promise<{ months: { period: string; release: string }[]; years: { period: string; release: string }[] }> {
  const stored = (await sql<{ period: string; release: string }>`SELECT period, release FROM statistics_release ORDER BY period`.execute(coordination)).rows;
  const other = stored.find((r) => !/^\d{4}(-\d{2})?$/.test(r.period));
  if (other) throw new Error(`release ${other.period} is neither a month nor a calendar year`);
  return { months: stored.filter((r) => r.period.length === 7), years: stored.filter((r) => r.period.length === 4) };
}

// ---- The honest score: what the stated noise allows ----

/**
 * One round's published cells in a simulated release: the cell `key`'s true count plus discrete
 * Gaussian noise of σ (times the simulation's noise scale), clamped at 0, as protectTables
 * (subgraphs/kit/src/statistics-release/tables.ts) publishes a cell. Within a round the same key
 * is the same draw (two targets reading one cell share its noise, as they do in the release), and
 * must be asked with the same truth and σ: another is a mistake in the caller's model, and throws.
 */
export type Publish = (key: string, truth: number, sigma: number) => number;

/** The expected right guesses of an attacker on the published noise, and the most a run may have. */
export interface HonestScore {
  /** E: the right guesses expected when every cell carries exactly the noise its release states. */
  expected: number;
  /** √V: V the larger of Σ p_i(1 − p_i) and the variance of the rounds' totals (targets sharing a cell), times 1 + 1/rounds for the simulation's own error. */
  sd: number;
  /**
   * E + 3·√V (one-sided, about 0.13 %), or, where that is less, the exact 0.135 % tail of the
   * targets' right guesses as independent Bernoulli(p_i) (a sum of a few rare events, as when the
   * attacker seldom leaves the margin guess, is skewed, and its 3-sigma tail is heavier than the
   * normal's): more right than this and the release tells more than its noise allows.
   */
  bound: number;
  rounds: number;
}

export interface AttackSimulation {
  /**
   * The score of the targets and guesses `counts` counts (default: every right guess). A guess of
   * null is no guess (an exact-zero attacker that claims nothing), never right.
   */
  score(counts?: (target: number, guess: string | null) => boolean): HonestScore;
  /** Each round's count of what `counts` counts: the runs of a simulated release, one a round. */
  totals(counts?: (target: number, guess: string | null) => boolean): number[];
}

/**
 * Rounds of the simulation by default: the bound's own error is then about 1/√150 of its width,
 * and the bound carries it (× (1 + 1/rounds)). 400 rounds cost the three attack files about
 * 100 s of CI's two cores for a bound that moved by less than one target.
 */
export const SIMULATION_ROUNDS = 150;
/** Rounds of the half-noise simulation the attack files print beside the bound (a figure to read, not a check). */
export const HALF_NOISE_ROUNDS = 40;
/** The simulation's seed by default: the bound is the same on every run for the same truth. */
export const SIMULATION_SEED = 20261207;

/**
 * N_Z(0, σ²) by its cumulative distribution over ±(14σ + 1) (the mass beyond is below 10⁻⁴⁰),
 * drawn with a uniform from a seeded generator. The release draws the same distribution exactly
 * (discrete-gaussian.ts, by rejection on BigInt rationals, so that no floating point leaks a
 * published draw); a simulation of what an attacker expects needs the distribution, not that.
 */
const gaussianTables = new Map<number, { cdf: Float64Array; tail: number }>();
function discreteGaussianDraw(sigma: number, uniform: number): number {
  let table = gaussianTables.get(sigma);
  if (!table) {
    const tail = Math.ceil(14 * sigma) + 1;
    const cdf = new Float64Array(2 * tail + 1);
    let sum = 0;
    for (let x = -tail; x <= tail; x++) cdf[x + tail] = sum += Math.exp(-(x * x) / (2 * sigma * sigma));
    for (let i = 0; i < cdf.length; i++) cdf[i]! /= sum;
    table = { cdf, tail };
    gaussianTables.set(sigma, table);
  }
  const { cdf, tail } = table;
  let low = 0;
  let high = cdf.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cdf[middle]! > uniform) high = middle;
    else low = middle + 1;
  }
  return low - tail;
}

/**
 * Simulates an attack on releases that carry exactly the noise they state: `rounds` times, each
 * target's guess from `play`, which reads the published cells it would read through `publish`
 * (the true counts as the test knows them, each cell's stated σ) with the attacker's own reading.
 * The attack's real noise is the release's (crypto); this draws from a seeded generator, so the
 * bound is reproducible. `noiseScale` scales the simulated noise (a test of the scorer's power:
 * at 0.5 the expected right must exceed the bound at 1); the attacker still reads with the stated σ.
 */
export function simulateAttack(
  truths: readonly (string | null)[], play: (target: number, publish: Publish) => string | null,
  options: { rounds?: number; seed?: number; noiseScale?: number } = {},
): AttackSimulation {
  const rounds = options.rounds ?? SIMULATION_ROUNDS;
  const scale = options.noiseScale ?? 1;
  const random = new SeededRandom(options.seed ?? SIMULATION_SEED);
  const n = truths.length;
  const names = new Map<string, number>();
  const nameOf: string[] = [];
  /** Round r's guess of target i at r·n + i: an index into nameOf, −1 for no guess. */
  const guesses = new Int32Array(rounds * n);
  for (let r = 0; r < rounds; r++) {
    const cells = new Map<string, { truth: number; sigma: number; value: number }>();
    const publish: Publish = (key, truth, sigma) => {
      const cell = cells.get(key);
      if (cell) {
        if (cell.truth !== truth || cell.sigma !== sigma) throw new Error(`simulated cell ${key} asked with truth ${truth} and σ ${sigma}, before with ${cell.truth} and ${cell.sigma}`);
        return cell.value;
      }
      const value = Math.max(0, truth + discreteGaussianDraw(sigma * scale, random.next()));
      cells.set(key, { truth, sigma, value });
      return value;
    };
    for (let i = 0; i < n; i++) {
      const guess = play(i, publish);
      if (guess === null) guesses[r * n + i] = -1;
      else {
        if (!names.has(guess)) names.set(guess, nameOf.push(guess) - 1);
        guesses[r * n + i] = names.get(guess)!;
      }
    }
  }
  const right = (i: number, guess: string | null) => guess !== null && guess === truths[i];
  /** Per round, how many targets `counts` counts; and Σ p_i(1 − p_i) over the targets. */
  const tally = (counts: (target: number, guess: string | null) => boolean) => {
    const totals = new Array<number>(rounds).fill(0);
    let perTarget = 0;
    /** Each target's p_i, as (hits + ½)/(rounds + 1): a p_i never seen in the rounds is not taken for 0 in the tail. */
    const ps: number[] = [];
    for (let i = 0; i < n; i++) {
      let hits = 0;
      for (let r = 0; r < rounds; r++) {
        const g = guesses[r * n + i]!;
        if (counts(i, g === -1 ? null : nameOf[g]!)) {
          hits += 1;
          totals[r]! += 1;
        }
      }
      perTarget += (hits / rounds) * (1 - hits / rounds);
      ps.push((hits + 0.5) / (rounds + 1));
    }
    return { totals, perTarget, ps };
  };
  return {
    score(counts = right) {
      const { totals, perTarget, ps } = tally(counts);
      const expected = totals.reduce((s, x) => s + x, 0) / rounds;
      const ofRounds = rounds > 1 ? totals.reduce((s, x) => s + (x - expected) ** 2, 0) / (rounds - 1) : 0;
      const sd = Math.sqrt(Math.max(perTarget, ofRounds) * (1 + 1 / rounds));
      return { expected, sd, bound: Math.max(expected + 3 * sd, poissonBinomialTail(ps)), rounds };
    },
    totals: (counts = right) => tally(counts).totals,
  };
}

/** The tail the bounds allow: that of 3 standard deviations of a normal, one-sided. */
const TAIL = 0.00135;

/** The least k with P(X > k) ≤ TAIL for X the number of successes of independent Bernoulli(p_i) (exact, by the distribution's recurrence). */
export function poissonBinomialTail(ps: readonly number[]): number {
  let pmf = [1];
  for (const p of ps) {
    const next = new Array<number>(pmf.length + 1).fill(0);
    pmf.forEach((q, k) => {
      next[k]! += q * (1 - p);
      next[k + 1]! += q * p;
    });
    pmf = next;
  }
  let above = 1;
  for (let k = 0; k < pmf.length; k++) {
    above -= pmf[k]!;
    if (above <= TAIL) return k;
  }
  return ps.length;
}

/** A score as the attacker tests print it: E ± √V, and the bound. */
export const describeScore = (s: HonestScore) => `expected ${s.expected.toFixed(1)} ± ${s.sd.toFixed(1)}, bound ${s.bound.toFixed(1)}`;
