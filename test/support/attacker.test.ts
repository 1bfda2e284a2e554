import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@finsam/kit/random';
import { discreteGaussian, seededRandom, type Rational } from '@finsam/kit/statistics-release';
import { clampedLogLikelihood, describeScore, poissonBinomialTail, simulateAttack } from './attacker.ts';

/**
 * The attacker tests' scorer on synthetic data shaped like strategy 2 of
 * test/e2e/attacks/disclosure-attack-release.test.ts: 150 targets reading month cells
 * (σ² 8.76, σ ≈ 2.96, a main table's in a month's release) and year cells (σ² 4.37, σ ≈ 2.09),
 * the attacker knowing every other count, the margins its prior. "Runs" of the release are drawn with
 * the release's own sampler (the kit's exact discrete Gaussian, seeded here), clamped at 0 as
 * protectTables clamps: a run with exactly the stated noise must stay within the scorer's bound
 * (no flake on correct code), a run with half of it must not (the scorer has power).
 */

const CATEGORIES = ['A', 'B', 'C', 'D'] as const;
type Category = (typeof CATEGORIES)[number];
const SHARES: Record<Category, number> = { A: 0.35, B: 0.3, C: 0.2, D: 0.15 };
const MONTH: Rational = { num: 876n, den: 100n };
const YEAR: Rational = { num: 437n, den: 100n };
const TARGETS = 150;
const YEAR_CELLS = 10;
const sigmaOf = (s: Rational) => Math.sqrt(Number(s.num) / Number(s.den));

interface Read { key: string; sigma: Rational; others: Record<Category, number> }
interface Target { truth: Category; reads: Read[] }

/**
 * The targets and what each reads. Alone: each target alone in three month cells and one year cell
 * of its own (tables where nobody else is in its cell), independent of the others. Shared: each
 * alone in one month cell, and one of 15 targets (beside 12 others) in a month cell and, grouped
 * otherwise, in a year cell: the targets of a shared cell share its noise, and the run's right
 * guesses vary more than a binomial's.
 */
function scenario(shared: boolean): Target[] {
  const random = new SeededRandom(2026);
  const draw = (): Category => random.weighted(CATEGORIES.map((c) => [c, SHARES[c]] as const));
  const zero = () => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const truths = Array.from({ length: TARGETS }, draw);
  /** A cell of 12 others and the targets of `group`; what the attacker subtracts reading it for target i: everyone but i. */
  const cell = (key: string, sigma: Rational, group: (i: number) => number) => {
    const counts = new Map<number, Record<Category, number>>();
    return (i: number): Read => {
      const g = group(i);
      if (!counts.has(g)) {
        const held = zero();
        for (let k = 0; k < 12; k++) held[draw()] += 1;
        truths.forEach((t, j) => { if (group(j) === g) held[t] += 1; });
        counts.set(g, held);
      }
      const others = { ...counts.get(g)! };
      others[truths[i]!] -= 1;
      return { key: `${key} ${g}`, sigma, others };
    };
  };
  const municipality = cell('municipality month', MONTH, (i) => i % YEAR_CELLS);
  const year = cell('year', YEAR, (i) => Math.floor(i / (TARGETS / YEAR_CELLS)));
  return truths.map((truth, i) => {
    const alone = (key: string, sigma: Rational): Read => ({ key: `${key} ${i}`, sigma, others: zero() });
    return {
      truth,
      reads: shared ? [alone('month', MONTH), municipality(i), year(i)] : [alone('month', MONTH), alone('intervention month', MONTH), alone('sex month', MONTH), alone('year', YEAR)],
    };
  });
}

/** The attacker: the shares as prior, the clamped Gaussian likelihood of every read under "the target is in c", the likeliest c. */
function guess(target: Target, cells: (read: Read) => Record<Category, number>): Category {
  const score = CATEGORIES.map((c) => Math.log(SHARES[c]) + target.reads.reduce((s, read) => {
    const published = cells(read);
    return s + CATEGORIES.reduce((t, o) => t + clampedLogLikelihood(published[o], read.others[o] + (o === c ? 1 : 0), sigmaOf(read.sigma)), 0);
  }, 0));
  return CATEGORIES[score.indexOf(Math.max(...score))]!;
}

/**
 * The attacker's play on simulated releases whose cells carry the stated noise times `noiseScale`:
 * with the default seed, the bound the tests score by; with another, runs of a release to score.
 */
function simulate(targets: readonly Target[], options: { noiseScale?: number; seed?: number; rounds?: number } = {}) {
  return simulateAttack(targets.map((t) => t.truth), (i, publish) => {
    const target = targets[i]!;
    return guess(target, (read) => Object.fromEntries(CATEGORIES.map((o) => [o, publish(`${read.key}|${o}`, read.others[o] + (o === target.truth ? 1 : 0), sigmaOf(read.sigma))])) as Record<Category, number>);
  }, options);
}

describe('the attacker tests\' scorer (test/support/attacker.ts)', () => {
  for (const [name, shared] of [['targets alone in their cells', false], ['targets sharing month and year cells', true]] as const) {
    describe(name, () => {
      const targets = scenario(shared);
      const score = simulate(targets).score();
      const runs = (noiseScale: number, count: number) => simulate(targets, { noiseScale, seed: 7 + noiseScale * 1000, rounds: count }).totals();

      it('lets a release with exactly the stated noise pass: its runs stay within the bound but for the rare 3-sigma run', () => {
        const right = runs(1, 400);
        const over = right.filter((r) => r > score.bound).length;
        const mean = right.reduce((s, x) => s + x, 0) / right.length;
        console.log(`scorer, ${name}, stated noise: ${describeScore(score)}; 400 runs right ${Math.min(...right)}–${Math.max(...right)} (mean ${mean.toFixed(1)}), over the bound ${over}`);
        expect(over, `runs with exactly the stated noise over the bound ${score.bound.toFixed(1)} (about 0.5 of 400 expected at 3 sigma)`).toBeLessThanOrEqual(3);
      });

      it('flags a release with less noise than it states', () => {
        const half = simulate(targets, { noiseScale: 0.5 }).score();
        const halfRuns = runs(0.5, 100);
        const flagged = halfRuns.filter((r) => r > score.bound).length;
        const unguarded = runs(0.05, 100).filter((r) => r > score.bound).length;
        console.log(`scorer, ${name}: half the noise expects ${half.expected.toFixed(1)} against the bound ${score.bound.toFixed(1)}, runs right ${Math.min(...halfRuns)}–${Math.max(...halfRuns)}, flagged ${flagged} of 100; nearly no noise flagged ${unguarded} of 100`);
        expect(unguarded, 'a table released with nearly no noise is flagged').toBe(100);
        // Sharing cells, the targets' guesses go together and the bound is wider: half the noise there tells less than the bound's width (printed).
        if (!shared) {
          expect(half.expected, 'the simulation at half the noise expects more than the bound').toBeGreaterThan(score.bound);
          expect(flagged, 'runs with half the stated noise flagged').toBeGreaterThanOrEqual(80);
        } else expect(half.expected).toBeGreaterThan(score.expected + 2 * score.sd);
      });
    });
  }

  it('draws the release\'s discrete Gaussian: its values as often as the kit\'s exact sampler gives them', () => {
    const sigma = sigmaOf(MONTH);
    const draws = 20_000;
    const random = seededRandom('sampler');
    const exact = new Map<number, number>();
    for (let k = 0; k < draws; k++) {
      const x = Number(discreteGaussian(MONTH, random));
      exact.set(x, (exact.get(x) ?? 0) + 1);
    }
    // A cell of true count 20 (never clamped), so the published value less 20 is the noise.
    const simulation = simulateAttack(['0'], (_, publish) => String(publish('cell', 20, sigma) - 20), { rounds: draws });
    for (let x = -8; x <= 8; x++) {
      const simulated = simulation.score((_, g) => Number(g) <= x).expected;
      const sampled = [...exact].filter(([v]) => v <= x).reduce((s, [, c]) => s + c, 0) / draws;
      expect(Math.abs(simulated - sampled), `P(noise ≤ ${x})`).toBeLessThan(0.015);
    }
  });

  it('bounds a sum of a few rare right guesses by its exact tail, not the normal\'s', () => {
    // 100 targets each right with 0.0064 (an attacker that seldom leaves the margin guess): mean 0.64, sd 0.8.
    // The normal's 3 sigma is 3.04, but P(X ≥ 4) is 0.5 %; the exact 0.135 % tail is 4.
    expect(poissonBinomialTail(new Array<number>(100).fill(0.0064))).toBe(4);
    expect(poissonBinomialTail(new Array<number>(150).fill(0.5))).toBeGreaterThanOrEqual(92);
    expect(poissonBinomialTail(new Array<number>(150).fill(0.5))).toBeLessThanOrEqual(94);
    const rare = simulateAttack(new Array<string>(100).fill('A'), (_, publish) => (publish(`cell ${_}`, 0, 1) >= 3 ? 'A' : 'B')).score();
    expect(rare.bound, `${describeScore(rare)}: at least the exact tail`).toBeGreaterThanOrEqual(Math.ceil(rare.expected + 3 * rare.sd));
  });

  it('is reproducible, and throws when one cell is asked with two truths', () => {
    const targets = scenario(true);
    expect(simulate(targets, { rounds: 50 }).score()).toEqual(simulate(targets, { rounds: 50 }).score());
    expect(() => simulateAttack(['A', 'B'], (i, publish) => String(publish('cell', i, 2)), { rounds: 1 })).toThrow(/truth 1/);
  });
});
