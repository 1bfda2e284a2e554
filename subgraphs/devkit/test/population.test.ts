import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import personnummerPackage from 'personnummer';
import { addDays, monthOf } from '@finsam/kit/dates';
import { generatePopulation } from '../src/population/generate.ts';
import { FORBUND } from '../src/population/catalogue.ts';
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

describe('a förbund with participations over ten years (participationYears)', () => {
  const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

  it('leaves the populations of the other förbund as they were, draw for draw', () => {
    // Digests of the populations before participationYears existed. A change meant to alter the
    // default population updates them and says so: tests and the README's fixtures depend on it.
    expect(digest(generatePopulation(options))).toBe('b6375b9cd1fa83ad47592341f7aef18f1e5f13680be5903e70f16164de6467bd');
    expect(digest(generatePopulation({ seed: 1, persons: 500, referenceDate: '2026-06-15', forbund: ['forbund-goteborg', 'forbund-sodertorn', 'forbund-malmo', 'forbund-umea'] })))
      .toBe('856d24c2399660f195818a7247d0a412a4719914d5f7bfde7c631c5018bd7610');
  });

  it('is last in the catalogue, with ten municipalities of Region Stockholm', () => {
    expect(FORBUND.at(-1)).toMatchObject({ id: 'forbund-storstockholm', participationYears: 10 });
    expect(FORBUND.filter((f) => f.participationYears !== undefined).map((f) => f.id)).toEqual(['forbund-storstockholm']);
    const codes = FORBUND.at(-1)!.municipalities.map((m) => m.code);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^01\d\d$/);
  });

  it('spreads participations evenly over the ten years, each in an intervention running then, the older ones registered out', () => {
    const referenceDate = '2026-06-15';
    const population = generatePopulation({ seed: 3, persons: 5000, referenceDate, forbund: ['forbund-storstockholm'] });
    expect(population.persons).toHaveLength(5000);
    expect(new Set(population.persons.map((p) => p.personnummer)).size).toBe(5000);
    const participations = population.persons.flatMap((p) => p.participations);
    const tenYearsAgo = addDays(referenceDate, -3653);
    expect(participations.every((x) => x.registeredIn >= tenYearsAgo && x.registeredIn <= referenceDate)).toBe(true);
    // Each of the ten years before the reference date holds a tenth, give or take.
    for (let year = 0; year < 10; year++) {
      const from = addDays(referenceDate, -Math.round((year + 1) * 365.25));
      const to = addDays(referenceDate, -Math.round(year * 365.25));
      const share = participations.filter((x) => x.registeredIn > from && x.registeredIn <= to).length / participations.length;
      expect(share, `year ${year + 1} before ${referenceDate}`).toBeGreaterThan(0.08);
      expect(share, `year ${year + 1} before ${referenceDate}`).toBeLessThan(0.12);
    }
    const interventions = new Map(population.interventions.map((i) => [i.id, i]));
    for (const x of participations) {
      const intervention = interventions.get(x.interventionId)!;
      expect(intervention.kind).toBe('INDIVIDUAL');
      expect(monthOf(intervention.startDate) <= monthOf(x.registeredIn)).toBe(true);
      if (intervention.endDate !== null) expect(monthOf(intervention.endDate) >= monthOf(x.registeredIn)).toBe(true);
    }
    // A participation lasts at most 700 days: every one registered in before that is out.
    expect(participations.filter((x) => x.registeredIn < addDays(referenceDate, -700) && x.registeredOut === null)).toEqual([]);
    // About 33 participants a year to an intervention running.
    expect(population.interventions.length).toBeGreaterThan(40);
    expect(population.interventions.length).toBeLessThan(70);
  });
});
