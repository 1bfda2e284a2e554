import { describe, expect, it } from 'vitest';
import jobSeekerCategories from '@finsam/employment/job-seeker-categories.json' with { type: 'json' };
import reasonsForNeed from '@finsam/social-services/reasons-for-need.json' with { type: 'json' };
import { generatePopulation } from '@finsam/devkit/population/generate';

/**
 * The synthetic population (devkit) against the code lists the sector packages publish. It sits
 * here, where the packages are assembled, because the devkit depending on a sector package that
 * depends on the devkit would make the two one package in all but name.
 */
describe('the synthetic population and the sectors\' code lists', () => {
  it('uses only codes that are in the code lists', () => {
    const population = generatePopulation({ seed: 7, persons: 2000, referenceDate: '2026-06-15' });
    const categories = new Set(jobSeekerCategories.codes.map((c) => c.code));
    const reasons = new Set(reasonsForNeed.codes.map((c) => c.code));
    const outside = population.persons.flatMap((p) => [
      ...p.registrations.filter((r) => !categories.has(r.jobSeekerCategory)).map((r) => `job seeker category ${r.jobSeekerCategory}`),
      ...p.assistanceMonths.filter((m) => !reasons.has(m.reasonForNeed)).map((m) => `reason for need ${m.reasonForNeed}`),
    ]);
    expect(population.persons.length).toBeGreaterThan(1000);
    expect(outside).toEqual([]);
  });
});
