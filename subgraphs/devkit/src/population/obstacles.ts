import { addDays, daysBetween, type IsoDate } from '@finsam/kit/dates';
import { SeededRandom } from '@finsam/kit/random';
import type { Population } from './types.ts';

/**
 * Obstacles in rules and steering (docs/domain.md) the synthetic population's coordinators
 * recorded in the past, so that the obstacle release has figures from the first start. Drawn
 * from a stream of their own (the seed plus a constant), after the population is made: every
 * other part of the population is the same with or without them.
 */
export interface SeededObstacle {
  personnummer: string;
  coordinatorId: string;
  code: string;
  agencies: string[];
  /** The day it was recorded, within one of the person's participations, never after the reference date. */
  recordedOn: IsoDate;
}

type Agency = 'SICKNESS_INSURANCE' | 'EMPLOYMENT' | 'SOCIAL_SERVICES' | 'CARE';

/** Each code's share (check: no published distribution; ISF 2023:4 and 2023:15 put benefits ending without transition first) and the agencies it usually involves. */
const CODES: readonly (readonly [{ obstacle: string; agencies: readonly (readonly Agency[])[] }, number])[] = [
  [{ obstacle: 'BENEFIT_ENDED_NO_TRANSITION', agencies: [['SICKNESS_INSURANCE', 'EMPLOYMENT'], ['SICKNESS_INSURANCE', 'EMPLOYMENT', 'SOCIAL_SERVICES']] }, 18],
  [{ obstacle: 'CONFLICTING_WORK_CAPACITY_ASSESSMENTS', agencies: [['SICKNESS_INSURANCE', 'CARE'], ['SICKNESS_INSURANCE', 'EMPLOYMENT'], ['EMPLOYMENT', 'CARE']] }, 15],
  [{ obstacle: 'REQUIREMENT_CANNOT_BE_MET', agencies: [['EMPLOYMENT'], ['SOCIAL_SERVICES'], ['SICKNESS_INSURANCE']] }, 14],
  [{ obstacle: 'WAITING_TIME', agencies: [['CARE'], ['EMPLOYMENT'], ['SICKNESS_INSURANCE']] }, 20],
  [{ obstacle: 'NO_ONE_RESPONSIBLE', agencies: [['SOCIAL_SERVICES', 'CARE'], ['EMPLOYMENT', 'SOCIAL_SERVICES']] }, 10],
  [{ obstacle: 'COMBINATION_NOT_ALLOWED', agencies: [['SOCIAL_SERVICES'], ['SOCIAL_SERVICES', 'EMPLOYMENT']] }, 8],
  [{ obstacle: 'TIME_LIMIT', agencies: [['SICKNESS_INSURANCE']] }, 7],
  [{ obstacle: 'INFORMATION_NOT_SHARED', agencies: [['CARE', 'SOCIAL_SERVICES'], ['SICKNESS_INSURANCE', 'CARE']] }, 5],
  [{ obstacle: 'OTHER', agencies: [['SOCIAL_SERVICES'], ['EMPLOYMENT']] }, 3],
];

/** A participation's chance of an obstacle recorded during it, and of a second. */
const SHARE_WITH_OBSTACLE = 0.12;
const SHARE_WITH_SECOND = 0.25;

export function seedObstacles(population: Population): SeededObstacle[] {
  const rng = new SeededRandom(population.seed + 424_242);
  const today = population.referenceDate;
  const obstacles: SeededObstacle[] = [];
  for (const person of population.persons) {
    for (const participation of person.participations) {
      if (!rng.chance(SHARE_WITH_OBSTACLE)) continue;
      const last = participation.registeredOut && participation.registeredOut < today ? participation.registeredOut : addDays(today, -1);
      if (last < participation.registeredIn) continue;
      const count = rng.chance(SHARE_WITH_SECOND) ? 2 : 1;
      for (let i = 0; i < count; i++) {
        const { obstacle: code, agencies } = rng.weighted(CODES);
        obstacles.push({
          personnummer: person.personnummer, coordinatorId: person.coordinatorId, code, agencies: [...rng.pick(agencies)],
          recordedOn: addDays(participation.registeredIn, rng.int(0, daysBetween(participation.registeredIn, last))),
        });
      }
    }
  }
  return obstacles;
}
