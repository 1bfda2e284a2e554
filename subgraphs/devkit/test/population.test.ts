import { describe, expect, it } from 'vitest';
import personnummerPackage from 'personnummer';
import { generatePopulation } from '../src/population/generate.ts';
import { FIXTURE_PERSONS } from '../src/population/fixtures.ts';

const Personnummer = personnummerPackage as unknown as typeof personnummerPackage.default;
const options = { seed: 7, persons: 2000, referenceDate: '2026-06-15' };

describe('the synthetic population', () => {
  const population = generatePopulation(options);

  it('is the same for the same seed, size and date, and differs for another seed', () => {
    expect(JSON.stringify(generatePopulation(options))).toBe(JSON.stringify(population));
    const other = generatePopulation({ ...options, seed: 8 });
    expect(other.persons.map((p) => p.personnummer)).not.toEqual(population.persons.map((p) => p.personnummer));
  });

  it('has the asked size, unique and valid personnummer', () => {
    expect(population.persons).toHaveLength(2000);
    const numbers = population.persons.map((p) => p.personnummer);
    expect(new Set(numbers).size).toBe(2000);
    for (const number of numbers) expect(Personnummer.valid(number, { allowCoordinationNumber: true, allowInterimNumber: false })).toBe(true);
  });

  it('gives every coordinator a caseload of 20–60 and coordinator-1 all fixtures', () => {
    const sizes = new Map<string, number>();
    for (const p of population.persons) sizes.set(p.coordinatorId, (sizes.get(p.coordinatorId) ?? 0) + 1);
    expect(sizes.size).toBe(population.coordinators.length);
    for (const size of sizes.values()) {
      expect(size).toBeGreaterThanOrEqual(20);
      expect(size).toBeLessThanOrEqual(60);
    }
    const first = new Set(population.persons.filter((p) => p.coordinatorId === 'coordinator-1').map((p) => p.personnummer));
    for (const number of Object.values(FIXTURE_PERSONS)) expect(first.has(number)).toBe(true);
  });

  it('follows the published shares: about half of reasons for need unemployment, about a tenth sick leave', () => {
    const adults = population.persons.filter((p) => p.assistanceMonths.length > 0);
    const share = (prefix: string) => adults.filter((p) => p.assistanceMonths[0]!.reasonForNeed.startsWith(prefix)).length / adults.length;
    expect(share('ARBETSLOS')).toBeGreaterThan(0.4);
    expect(share('ARBETSLOS')).toBeLessThan(0.56);
    expect(share('SJUKSKRIVEN')).toBeGreaterThan(0.05);
    expect(share('SJUKSKRIVEN')).toBeLessThan(0.15);
    const psychiatric = population.persons.flatMap((p) => p.sicknessCases).filter((c) => c.benefit === 'SJUKPENNING');
    const share_f = psychiatric.filter((c) => c.diagnosisCode?.startsWith('F')).length / psychiatric.length;
    expect(share_f).toBeGreaterThan(0.4);
    expect(share_f).toBeLessThan(0.6);
  });

  it('makes full time the most common degree of ongoing sjukpenning, as in Försäkringskassan\'s statistics', () => {
    const today = options.referenceDate;
    const degreesNow = population.persons.flatMap((p) => p.sicknessCases)
      .filter((c) => c.benefit === 'SJUKPENNING' && c.status === 'GRANTED')
      .map((c) => c.degreeSteps.find((s) => s.from <= today && (s.to === null || s.to >= today))?.degree)
      .filter((degree): degree is NonNullable<typeof degree> => degree !== undefined);
    expect(degreesNow.length).toBeGreaterThan(200);
    const share = (degree: number) => degreesNow.filter((d) => d === degree).length / degreesNow.length;
    for (const degree of [25, 50, 75]) expect(share(100), `100 % against ${degree} %`).toBeGreaterThan(share(degree));
    expect(share(100)).toBeGreaterThan(0.5);
    expect(share(100)).toBeLessThan(0.8);
  });

  it('places fixture persons independently of the seed', () => {
    const other = generatePopulation({ ...options, seed: 99 });
    const fixture = (pop: typeof population) => pop.persons.find((p) => p.personnummer === FIXTURE_PERSONS.allConsent);
    expect(fixture(other)?.sicknessCases).toEqual(fixture(population)?.sicknessCases);
  });
});
