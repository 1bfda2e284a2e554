import { mergeResolverMaps } from '@finsam/kit/subgraph';
import { cohortResolvers } from './cohort.ts';
import { employmentServiceResolvers } from './employment-service.ts';
import { personResolvers } from './person.ts';
import { registrationResolvers } from './registration.ts';
import type { CompleteResolvers } from '../generated/resolvers-types.ts';

export const resolvers: CompleteResolvers = mergeResolverMaps(cohortResolvers, personResolvers, employmentServiceResolvers, registrationResolvers);
