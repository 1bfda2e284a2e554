import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RHO_PER_RELEASE, NOT_KNOWN, boundContributions, cryptoRandom, discreteGaussian, epsilonFromRho, figure, integerSqrt, noiseForRho,
  privacyStatement, protectTables, seededRandom, splitRho, type ParticipationRow, type ProtectedTable, type RandomSource, type Rational, type Workload,
} from '../src/statistics-release/index.ts';
import { SeededRandom } from '../src/random.ts';

/** The discrete Gaussian's pmf over |x| ≤ 60σ + 60, normalised by summing (floating point: the test's side only). */
function pmf(sigmaSquared: number): Map<number, number> {
  const bound = Math.ceil(60 * Math.sqrt(sigmaSquared)) + 60;
  const weights = new Map<number, number>();
  for (let x = -bound; x <= bound; x++) weights.set(x, Math.exp(-(x * x) / (2 * sigmaSquared)));
  const z = [...weights.values()].reduce((a, b) => a + b, 0);
  for (const [x, w] of weights) weights.set(x, w / z);
  return weights;
}
const moment = (p: Map<number, number>, k: number) => [...p].reduce((sum, [x, w]) => sum + w * x ** k, 0);

const draws = (sigmaSquared: Rational, n: number, random: RandomSource) => Array.from({ length: n }, () => Number(discreteGaussian(sigmaSquared, random)));

describe('discrete Gaussian sampler', () => {
  const N = 20_000;
  for (const [num, den] of [[5n, 1n], [1n, 4n], [50n, 1n]] as const) {
    const s2 = Number(num) / Number(den);
    it(`σ² = ${num}/${den}: mean and variance of ${N} seeded draws within 4 standard errors of 0 and the exact variance`, () => {
      const p = pmf(s2);
      const variance = moment(p, 2);
      const fourth = moment(p, 4);
      const x = draws({ num, den }, N, seededRandom(`moments ${s2}`));
      const mean = x.reduce((a, b) => a + b, 0) / N;
      const sampleVariance = x.reduce((a, b) => a + b * b, 0) / N;
      expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(variance / N));
      expect(Math.abs(sampleVariance - variance)).toBeLessThan(4 * Math.sqrt((fourth - variance ** 2) / N));
      // The discrete Gaussian's variance is below σ²: visibly for small σ, negligibly for large.
      expect(variance).toBeLessThan(s2);
    });
  }

  it('σ² = 1/4 is told apart from a distribution of variance σ²: the sample variance is far below 0.25', () => {
    const p = pmf(0.25);
    const variance = moment(p, 2);
    expect(variance).toBeCloseTo(0.2150, 3);
    const x = draws({ num: 1n, den: 4n }, N, seededRandom('quarter'));
    const sampleVariance = x.reduce((a, b) => a + b * b, 0) / N;
    const standardError = Math.sqrt((moment(p, 4) - variance ** 2) / N);
    expect(0.25 - sampleVariance).toBeGreaterThan(8 * standardError);
  });

  it('matches exp(−x²/2σ²)/Z for |x| ≤ 6 (σ² = 5) within the chi-square bound at p = 0.001', () => {
    const p = pmf(5);
    const x = draws({ num: 5n, den: 1n }, N, seededRandom('chi-square'));
    const observed = new Map<number, number>();
    for (const v of x) {
      const bin = Math.abs(v) > 6 ? 99 : v;
      observed.set(bin, (observed.get(bin) ?? 0) + 1);
    }
    let chiSquare = 0;
    let tail = 1;
    for (let v = -6; v <= 6; v++) {
      const expected = N * p.get(v)!;
      expect(expected).toBeGreaterThan(5);
      chiSquare += ((observed.get(v) ?? 0) - expected) ** 2 / expected;
      tail -= p.get(v)!;
    }
    chiSquare += ((observed.get(99) ?? 0) - N * tail) ** 2 / (N * tail);
    // 14 bins, 13 degrees of freedom: the 0.999 quantile of chi-square(13) is 34.53.
    expect(chiSquare).toBeLessThan(34.53);
  });

  it('rejects σ² = 0 and a negative σ², and ρ = 0 for a table', () => {
    expect(() => discreteGaussian({ num: 0n, den: 1n }, seededRandom(1))).toThrow(RangeError);
    expect(() => discreteGaussian({ num: -1n, den: 1n }, seededRandom(1))).toThrow(RangeError);
    expect(() => noiseForRho(0)).toThrow(RangeError);
  });

  it('gives the same draws for the same seed and others for another; the crypto source draws too', () => {
    expect(draws({ num: 3n, den: 1n }, 50, seededRandom('a'))).toEqual(draws({ num: 3n, den: 1n }, 50, seededRandom('a')));
    expect(draws({ num: 3n, den: 1n }, 50, seededRandom('b'))).not.toEqual(draws({ num: 3n, den: 1n }, 50, seededRandom('a')));
    expect(Number.isInteger(Number(discreteGaussian({ num: 3n, den: 1n }, cryptoRandom)))).toBe(true);
  });

  it('draws uniformly from the crypto source across its block refills, and a discrete Gaussian of the right spread from it', () => {
    // 300,000 one-byte draws span several 64 KiB blocks of CSPRNG bytes.
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 300_000; i++) counts[Number(cryptoRandom.below(10n))]! += 1;
    for (const c of counts) expect(Math.abs(c / 30_000 - 1)).toBeLessThan(0.04);
    const big = 2n ** 70n + 3n;
    for (let i = 0; i < 1000; i++) expect(cryptoRandom.below(big) < big).toBe(true);
    const sample = draws({ num: 9n, den: 1n }, 20_000, cryptoRandom).map(Number);
    const variance = sample.reduce((s, x) => s + x * x, 0) / sample.length;
    expect(Math.abs(variance / 9 - 1)).toBeLessThan(0.06);
  });

  it('takes the integer square root exactly', () => {
    for (const n of [0n, 1n, 2n, 3n, 4n, 24n, 25n, 26n, 10n ** 30n, 10n ** 30n - 1n]) {
      const r = integerSqrt(n);
      expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
    }
  });
});

describe('budget accounting (zCDP)', () => {
  it('converts ρ to ε by ρ + 2√(ρ ln 1/δ): hand-computed values', () => {
    // ρ = 1, δ = 1e-10: ln 1e10 = 23.0258509; √23.0258509 = 4.7985259; ε = 1 + 9.5970518 = 10.5970518.
    expect(epsilonFromRho(1, 1e-10)).toBeCloseTo(10.5970518, 6);
    // ρ = 0.5, δ = 1e-6: 0.5 · 13.8155106 = 6.9077553; √ = 2.6282609; ε = 0.5 + 5.2565218 = 5.7565218.
    expect(epsilonFromRho(0.5, 1e-6)).toBeCloseTo(5.7565218, 6);
    expect(epsilonFromRho(0, 1e-10)).toBe(0);
    expect(() => epsilonFromRho(1, 0)).toThrow(RangeError);
  });

  it('sets σ² = 1/(2ρ), rounded up so that the ρ spent never exceeds the ρ asked', () => {
    const { sigmaSquared, rho } = noiseForRho(0.05);
    expect(Number(sigmaSquared.num) / Number(sigmaSquared.den)).toBeCloseTo(10, 5);
    expect(Number(sigmaSquared.num) / Number(sigmaSquared.den)).toBeGreaterThanOrEqual(10);
    expect(rho).toBeLessThanOrEqual(0.05);
    expect(rho).toBeGreaterThan(0.05 * 0.9999);
  });

  it('splits a release by weight and states the loss per release and per year (12 releases compose)', () => {
    expect(splitRho(1, [1, 1, 2])).toEqual([0.25, 0.25, 0.5]);
    expect(() => splitRho(1, [1, 0])).toThrow(RangeError);
    const statement = privacyStatement(1);
    expect(statement).toMatchObject({ rhoPerRelease: 1, rhoPerYear: 12, releasesPerYear: 12, delta: 1e-10 });
    expect(statement.epsilonPerRelease).toBeCloseTo(10.597, 3);
    // ρ = 12: 12 + 2√(12 · 23.0258509) = 12 + 2 · 16.6226 = 45.245.
    expect(statement.epsilonPerYear).toBeCloseTo(45.245, 3);
  });
});

const row = (person: string, id: string, at: string, attributes: Record<string, string>): ParticipationRow => ({ person, id, at, attributes });

describe('contribution bounding', () => {
  const rows = [
    row('p1', 'b', '2026-11-03', { intervention: 'I2' }),
    row('p1', 'a', '2026-11-03', { intervention: 'I1' }),
    row('p1', 'c', '2026-11-01', { intervention: 'I3', ended: 'YES' }),
    row('p2', 'd', '2026-11-09', { intervention: 'I1' }),
    row('p2', 'e', '2026-11-20', { intervention: 'I2', ended: 'YES' }),
    row('p3', 'f', '2026-11-15', { intervention: 'I2' }),
  ];

  it('keeps one row per person: the earliest participation, ties by id', () => {
    const kept = boundContributions(rows);
    expect(kept).toHaveLength(3);
    expect(Object.fromEntries(kept.map((r) => [r.person, r.id]))).toEqual({ p1: 'c', p2: 'd', p3: 'f' });
    const tie = boundContributions(rows.filter((r) => r.id !== 'c'));
    expect(tie.find((r) => r.person === 'p1')!.id).toBe('a');
  });

  it('chooses the same rows whatever order they come in', () => {
    const random = new SeededRandom(5);
    const canonical = JSON.stringify(boundContributions(rows).sort((a, b) => a.person.localeCompare(b.person)));
    for (let i = 0; i < 20; i++) {
      const shuffled = [...rows].sort(() => random.next() - 0.5);
      expect(JSON.stringify(boundContributions(shuffled).sort((a, b) => a.person.localeCompare(b.person)))).toBe(canonical);
    }
  });

  it("bounds within a measure's rows: the earliest ended participation for tables of ended", () => {
    expect(Object.fromEntries(boundContributions(rows, { ended: 'YES' }).map((r) => [r.person, r.id]))).toEqual({ p1: 'c', p2: 'e' });
  });
});

const DOMAINS = {
  intervention: ['I1', 'I2', 'I3', 'I4'],
  municipality: ['0180', '1280', '1480'],
  sex: ['FEMALE', 'MALE'],
  occupationBefore: ['ARBETE', 'STUDIER', 'SOKANDE', 'OVRIGT'],
};
const WORKLOAD: Workload = {
  domains: DOMAINS,
  measures: { ended: { ended: 'YES' } },
  marginals: [
    { dimensions: [] }, { dimensions: ['intervention'] }, { dimensions: ['municipality'] }, { dimensions: ['sex'] },
    { dimensions: ['municipality', 'sex'] }, { dimensions: ['intervention', 'occupationBefore'], weight: 2 },
    { measure: 'ended', dimensions: [] }, { measure: 'ended', dimensions: ['intervention'] },
  ],
};

/** 300 persons, some with two participations; I4 has nobody (true zeros). */
function population(seed: number): ParticipationRow[] {
  const random = new SeededRandom(seed);
  const rows: ParticipationRow[] = [];
  for (let p = 0; p < 300; p++) {
    const person = { municipality: random.pick(DOMAINS.municipality), sex: random.pick(DOMAINS.sex) };
    for (let k = 0; k < (random.chance(0.2) ? 2 : 1); k++) {
      rows.push(row(`person-${p}`, `part-${p}-${k}`, `2026-11-${String(random.int(1, 30)).padStart(2, '0')}`, {
        ...person, intervention: random.pick(['I1', 'I2', 'I3']), occupationBefore: random.pick(DOMAINS.occupationBefore), ended: random.chance(0.4) ? 'YES' : 'NO',
      }));
    }
  }
  return rows;
}

describe('protected tables from a workload', () => {
  const rows = population(1);
  const release = protectTables(rows, WORKLOAD, 1, seededRandom('release'), { period: '2026-11', computedAt: '2026-12-01T00:00:00.000Z' });

  it('lists every cell of every table, true zeros included, each a non-negative integer', () => {
    expect(release.tables).toHaveLength(WORKLOAD.marginals.length);
    for (const table of release.tables) {
      const expected = table.dimensions.reduce((n, d) => n * DOMAINS[d as keyof typeof DOMAINS].length, 1);
      expect(table.cells).toHaveLength(expected);
      expect(new Set(table.cells.map((c) => JSON.stringify(c.values))).size).toBe(expected);
      for (const cell of table.cells) expect(Number.isInteger(cell.count) && cell.count >= 0).toBe(true);
    }
    // I4 ran with nobody in it: its cells are listed and noised like any other.
    expect(release.tables[1]!.cells.map((c) => c.values.intervention)).toContain('I4');
  });

  it('records the parameters: ρ per table by weight, σ², δ, the statement per release and year, the workload, period and date', () => {
    const rhos = release.tables.map((t) => t.rho);
    expect(rhos[5]! / rhos[0]!).toBeCloseTo(2, 4);
    expect(release.rho).toBeLessThanOrEqual(1);
    expect(release.rho).toBeCloseTo(1, 4);
    for (const t of release.tables) expect(t.sigma ** 2).toBeCloseTo(1 / (2 * t.rho), 4);
    expect(release.tables[0]!.sigmaSquared).toMatch(/^\d+\/1000000$/);
    expect(release.privacy).toMatchObject({ rhoPerYear: release.rho * 12, delta: 1e-10 });
    expect(release).toMatchObject({ period: '2026-11', computedAt: '2026-12-01T00:00:00.000Z', workload: WORKLOAD });
    expect(JSON.parse(JSON.stringify(release))).toEqual(release);
  });

  it('counts a person once per table: the true total is the number of persons, not of participations', () => {
    const exact = protectTables(rows, WORKLOAD, 1e9, seededRandom('x'), { computedAt: 'x' });
    const persons = new Set(rows.map((r) => r.person)).size;
    expect(rows.length).toBeGreaterThan(persons);
    expect(exact.tables[0]!.cells[0]!.count).toBe(persons);
    expect(exact.tables[1]!.cells.reduce((n, c) => n + c.count, 0)).toBe(persons);
  });

  it('gives the same release for the same rows and seed, another for another seed', () => {
    const again = protectTables([...rows].reverse(), WORKLOAD, 1, seededRandom('release'), { period: '2026-11', computedAt: '2026-12-01T00:00:00.000Z' });
    expect(again).toEqual(release);
    const other = protectTables(rows, WORKLOAD, 1, seededRandom('another'), { period: '2026-11', computedAt: '2026-12-01T00:00:00.000Z' });
    expect(other.tables).not.toEqual(release.tables);
  });

  it('refuses a workload that cannot be released: an unknown dimension, one table twice, a value outside its domain', () => {
    expect(() => protectTables(rows, { ...WORKLOAD, marginals: [{ dimensions: ['ageBand'] }] }, 1, seededRandom(1))).toThrow(/ageBand/);
    expect(() => protectTables(rows, { ...WORKLOAD, marginals: [{ dimensions: ['sex', 'municipality'] }, { dimensions: ['municipality', 'sex'] }] }, 1, seededRandom(1))).toThrow(/same table/);
    expect(() => protectTables([row('x', 'y', '2026-11-01', { sex: 'OTHER' })], { ...WORKLOAD, marginals: [{ dimensions: ['sex'] }] }, 1, seededRandom(1))).toThrow(/outside the domain/);
    expect(() => protectTables(rows, WORKLOAD, 0, seededRandom(1))).toThrow(RangeError);
  });

  it('counts a row whose value of a dimension is NOT_KNOWN in every table but those by that dimension', () => {
    const sexOnly = { intervention: 'insats-1', sex: 'FEMALE', municipality: NOT_KNOWN, occupationBefore: 'OVRIGT', ended: 'NO' };
    const workload: Workload = { ...WORKLOAD, marginals: [{ dimensions: [] }, { dimensions: ['sex'] }, { dimensions: ['municipality'] }, { dimensions: ['municipality', 'sex'] }] };
    const exact = (extra: ParticipationRow[]) => protectTables([...rows, ...extra], workload, 1e9, seededRandom('x'), { computedAt: 'x' }).tables
      .map((t) => t.cells.reduce((sum, c) => sum + c.count, 0));
    const before = exact([]);
    expect(exact([row('anonymous 1', 'A-1', '2026-11-03', sexOnly)])).toEqual([before[0]! + 1, before[1]! + 1, before[2]!, before[3]!]);
  });
});

describe('figures read from the release', () => {
  const release = protectTables(population(2), WORKLOAD, 1, seededRandom('figures'), { computedAt: '2026-12-01T00:00:00.000Z' });

  it('reads one cell for two routes: a filtered total and the matching group of a grouped report', () => {
    const filtered = figure(release, { municipality: '1280', sex: 'FEMALE' }, []);
    const grouped = figure(release, { municipality: '1280' }, 'sex');
    const groupedTheOtherWay = figure(release, { sex: 'FEMALE' }, ['municipality']);
    if (!filtered.ok || !grouped.ok || !groupedTheOtherWay.ok) throw new Error('expected figures');
    expect(filtered.value.cells).toEqual([{ values: {}, count: expect.any(Number) }]);
    const count = filtered.value.cells[0]!.count;
    expect(grouped.value.cells.find((c) => c.values.sex === 'FEMALE')!.count).toBe(count);
    expect(groupedTheOtherWay.value.cells.find((c) => c.values.municipality === '1280')!.count).toBe(count);
    const cell = release.tables.find((t) => t.dimensions.join() === 'municipality,sex')!.cells.find((c) => c.values.municipality === '1280' && c.values.sex === 'FEMALE')!;
    expect(cell.count).toBe(count);
    expect(grouped.value.cells.map((c) => c.values.sex)).toEqual(['FEMALE', 'MALE']);
  });

  it('reads a measure other than participants from its own tables', () => {
    const ended = figure(release, {}, 'intervention', 'ended');
    expect(ended.ok && ended.value.cells.length).toBe(4);
    expect(ended.ok && ended.value.cells).toEqual(release.tables[7]!.cells);
  });

  it('takes the names of an object\'s built-in properties for what they are: no dimension of the release', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(figure(release, JSON.parse(`{"${name}": "x"}`) as Record<string, string>, []), `filter ${name}`)
        .toMatchObject({ ok: false, refusal: { code: 'BAD_USER_INPUT', details: { argument: `filter.${name}` } } });
      expect(figure(release, {}, name), `groupBy ${name}`)
        .toMatchObject({ ok: false, refusal: { code: 'BAD_USER_INPUT', message: `groupBy: the statistics release has no dimension ${name}.` } });
    }
  });

  it('refuses a combination the release holds no table for, naming the argument', () => {
    expect(figure(release, { sex: 'MALE' }, 'intervention')).toMatchObject({ ok: false, refusal: { code: 'BAD_USER_INPUT', details: { argument: 'groupBy' } } });
    expect(figure(release, { sex: 'MALE', intervention: 'I1' }, [])).toMatchObject({ ok: false, refusal: { code: 'BAD_USER_INPUT', details: { argument: 'filter' } } });
    expect(figure(release, { municipality: '9999' }, [])).toMatchObject({ ok: false, refusal: { code: 'BAD_USER_INPUT', details: { argument: 'filter.municipality' } } });
    expect(figure(release, { ageBand: 'FROM_25_TO_29' }, [])).toMatchObject({ ok: false, refusal: { details: { argument: 'filter.ageBand' } } });
    expect(figure(release, {}, 'ageBand')).toMatchObject({ ok: false, refusal: { details: { argument: 'groupBy' } } });
    expect(figure(release, { sex: 'MALE' }, 'sex')).toMatchObject({ ok: false, refusal: { details: { argument: 'groupBy' } } });
    expect(figure(release, {}, [], 'income')).toMatchObject({ ok: false, refusal: { details: { argument: 'measure' } } });
    const refused = figure(release, { sex: 'MALE' }, 'intervention');
    expect(!refused.ok && refused.refusal.message).toMatch(/^groupBy: .*no table of participants by \[sex, intervention\]/);
  });
});

describe('utility at the default budget', () => {
  /** A release of 20 tables at the default ρ: each table gets ρ/20, as a monthly release of about 20 tables would. */
  function mare(counts: number[], seed: string): number {
    const rows: ParticipationRow[] = [];
    const cells = counts.map((_, i) => `c${i}`);
    counts.forEach((count, i) => { for (let k = 0; k < count; k++) rows.push(row(`${i}-${k}`, `${i}-${k}`, '2026-11-01', { cell: `c${i}` })); });
    const marginals = Array.from({ length: 20 }, (_, i) => ({ measure: i === 0 ? undefined : `m${i}`, dimensions: ['cell'] }));
    const measures = Object.fromEntries(marginals.slice(1).map((m) => [m.measure!, {}]));
    const release = protectTables(rows, { domains: { cell: cells }, measures, marginals }, DEFAULT_RHO_PER_RELEASE, seededRandom(seed), { computedAt: 'x' });
    const errors = release.tables.flatMap((t) => t.cells.map((c, i) => Math.abs(c.count - counts[i]!) / counts[i]!));
    return errors.reduce((a, b) => a + b, 0) / errors.length;
  }

  it('keeps the mean absolute relative error of counts of 20 to 200 under 10 % (and of 20 to 60, a month of the seed, too)', () => {
    const random = new SeededRandom(9);
    const wide = Array.from({ length: 100 }, () => random.int(20, 200));
    const narrow = Array.from({ length: 100 }, () => random.int(20, 60));
    expect(mare(wide, 'wide')).toBeLessThan(0.05);
    expect(mare(narrow, 'narrow')).toBeLessThan(0.10);
  });
});

describe('a multi-valued dimension (a person in up to k cells of one table)', () => {
  const SOURCES = ['LON', 'A_KASSA', 'SJUKPENNING', 'FORSORJNINGSSTOD', 'OKAND'];
  const multi = (person: string, id: string, sex: string, sources: string[]): ParticipationRow => ({ person, id, at: '2026-11-01', attributes: { sex }, sets: { income: sources } });
  const workload = (k = 2): Workload => ({
    domains: { sex: ['FEMALE', 'MALE'], income: SOURCES },
    multiValued: { income: k },
    marginals: [{ dimensions: ['sex'] }, { dimensions: ['sex', 'income'] }, { dimensions: ['income'] }],
  });

  it('counts a person once in every cell of its values, at most k of them: the first k in domain order, whatever order the values come in', () => {
    const rows = [
      multi('p1', 'a', 'FEMALE', ['OKAND', 'SJUKPENNING', 'LON']), // three values, k = 2: LON and SJUKPENNING, the first two in domain order
      multi('p2', 'b', 'FEMALE', ['SJUKPENNING']),
      multi('p3', 'c', 'MALE', []), // no value: in no cell of the income tables, still in the sex table
      multi('p3', 'd', 'MALE', ['LON']), // a later participation of p3: not counted (one row per person)
    ];
    const exact = protectTables(rows, workload(), 1e7, seededRandom('multi'), { computedAt: 'x' });
    const counts = (t: number) => Object.fromEntries(exact.tables[t]!.cells.filter((c) => c.count > 0).map((c) => [Object.values(c.values).join(' '), c.count]));
    expect(counts(0)).toEqual({ FEMALE: 2, MALE: 1 });
    expect(counts(1)).toEqual({ 'FEMALE LON': 1, 'FEMALE SJUKPENNING': 2 });
    expect(counts(2)).toEqual({ LON: 1, SJUKPENNING: 2 });
    const reordered = protectTables([{ ...rows[0]!, sets: { income: ['LON', 'OKAND', 'SJUKPENNING'] } }, ...rows.slice(1)].reverse(), workload(), 1e7, seededRandom('multi'), { computedAt: 'x' });
    expect(reordered.tables).toEqual(exact.tables);
    // k = 3 keeps all three of p1's values.
    const three = protectTables(rows, workload(3), 1e7, seededRandom('multi'), { computedAt: 'x' });
    expect(three.tables[2]!.cells.filter((c) => c.count > 0).map((c) => [c.values.income, c.count])).toEqual([['LON', 1], ['SJUKPENNING', 2], ['OKAND', 1]]);
  });

  it('a value twice counts once: a person is in a cell at most once', () => {
    const exact = protectTables([multi('p1', 'a', 'MALE', ['LON', 'LON'])], workload(), 1e7, seededRandom(1), { computedAt: 'x' });
    expect(exact.tables[2]!.cells.map((c) => c.count)).toEqual([1, 0, 0, 0, 0]);
  });

  it('noises a table of sensitivity √k with σ² = k/(2ρ_table), states k and the ρ it spends, and the release never spends more than asked', () => {
    const release = protectTables([], workload(3), 0.3, seededRandom(2), { computedAt: 'x' });
    const [single, bySexIncome, byIncome] = release.tables as [ProtectedTable, ProtectedTable, ProtectedTable];
    expect(single.contributionsPerPerson).toBe(1);
    expect(bySexIncome.contributionsPerPerson).toBe(3);
    expect(byIncome.contributionsPerPerson).toBe(3);
    // ρ_table = 0.1 each: σ² = 5 for the single-valued table, 15 for the others.
    expect(single.sigma ** 2).toBeCloseTo(5, 4);
    expect(bySexIncome.sigma ** 2).toBeCloseTo(15, 4);
    for (const t of release.tables) {
      const [num, den] = t.sigmaSquared.split('/').map(Number) as [number, number];
      expect(t.rho).toBe((t.contributionsPerPerson * den) / (2 * num));
      expect(t.rho).toBeLessThanOrEqual(0.1);
      expect(t.rho).toBeGreaterThan(0.1 * 0.9999);
    }
    expect(release.rho).toBeLessThanOrEqual(0.3);
    expect(release.rho).toBeCloseTo(release.tables.reduce((s, t) => s + t.rho, 0), 12);
    const scaled = noiseForRho(0.1, 3);
    expect(Number(scaled.sigmaSquared.num) / Number(scaled.sigmaSquared.den)).toBeGreaterThanOrEqual(15);
    expect(scaled.rho).toBeLessThanOrEqual(0.1);
    expect(() => noiseForRho(0.1, 0)).toThrow(RangeError);
    expect(() => noiseForRho(0.1, 1.5)).toThrow(RangeError);
  });

  it('its cells are the truth plus noise of variance about k/(2ρ_table): over 1,200 seeded cells, mean and variance within 4 standard errors', () => {
    // 400 persons per source with every value, 3 each: no cell is near 0, so the clamp never bites.
    const domain = Array.from({ length: 60 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const rows: ParticipationRow[] = [];
    for (let p = 0; p < 400 * 20; p++) {
      const first = (p % 20) * 3;
      rows.push({ person: `p${p}`, id: `r${p}`, at: '2026-11-01', attributes: {}, sets: { v: domain.slice(first, first + 3) } });
    }
    const marginals = Array.from({ length: 20 }, (_, i) => ({ measure: i === 0 ? undefined : `m${i}`, dimensions: ['v'] }));
    const measures = Object.fromEntries(marginals.slice(1).map((m) => [m.measure!, {}]));
    const release = protectTables(rows, { domains: { v: domain }, multiValued: { v: 3 }, measures, marginals }, 2, seededRandom('variance'), { computedAt: 'x' });
    const noise = release.tables.flatMap((t) => t.cells.map((c) => c.count - 400));
    const sigmaSquared = release.tables[0]!.sigma ** 2;
    expect(sigmaSquared).toBeCloseTo(3 / (2 * 0.1), 3);
    const n = noise.length;
    const mean = noise.reduce((a, b) => a + b, 0) / n;
    const variance = noise.reduce((a, b) => a + b * b, 0) / n;
    expect(n).toBe(1200);
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(sigmaSquared / n));
    // The fourth moment of a (near-continuous) Gaussian is 3σ⁴: the sample variance's standard error is σ²√(2/n).
    expect(Math.abs(variance - sigmaSquared)).toBeLessThan(4 * sigmaSquared * Math.sqrt(2 / n));
    // With σ² = 1 (k = 1) the same cells would be far tighter: the noise really is scaled by k.
    expect(variance).toBeGreaterThan(10);
  });

  it('refuses a table grouped by two multi-valued dimensions, a k that is not a whole number from 1 to the domain\'s size, a multi-valued dimension without a domain, and values outside the domain', () => {
    const two: Workload = { domains: { a: ['x', 'y'], b: ['x', 'y'] }, multiValued: { a: 1, b: 1 }, marginals: [{ dimensions: ['a', 'b'] }] };
    expect(() => protectTables([], two, 1, seededRandom(1))).toThrow(RangeError);
    expect(() => protectTables([], two, 1, seededRandom(1))).toThrow(/at most one multi-valued/);
    expect(() => protectTables([], { ...two, marginals: [{ dimensions: ['a'] }, { dimensions: ['b'] }] }, 1, seededRandom(1))).not.toThrow();
    for (const k of [0, 1.5, 3, Number.NaN]) {
      expect(() => protectTables([], { ...two, multiValued: { a: k }, marginals: [{ dimensions: ['a'] }] }, 1, seededRandom(1)), `k = ${k}`).toThrow(RangeError);
    }
    expect(() => protectTables([], { ...two, multiValued: { c: 1 }, marginals: [{ dimensions: ['a'] }] }, 1, seededRandom(1))).toThrow(/c/);
    expect(() => protectTables([multi('p', 'r', 'MALE', ['LON', 'PENSION'])], workload(), 1, seededRandom(1))).toThrow(/outside the domain/);
    // A row without the set at all is refused as a missing attribute is: it would be dropped from the table silently.
    expect(() => protectTables([{ person: 'p', id: 'r', at: '2026-11-01', attributes: { sex: 'MALE' } }], workload(), 1, seededRandom(1))).toThrow(/outside the domain/);
  });

  it('reads a figure of a multi-valued table like any other', () => {
    const release = protectTables([multi('p1', 'a', 'FEMALE', ['LON'])], workload(), 1, seededRandom(3), { computedAt: 'x' });
    const lon = figure(release, { income: 'LON' }, 'sex');
    expect(lon.ok && lon.value.cells.map((c) => c.values.sex)).toEqual(['FEMALE', 'MALE']);
  });
});
