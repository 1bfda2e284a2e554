import { mergeResolverMaps } from '../../../shared/src/subgraph.ts';
import { cohortResolvers } from './cohort.ts';
import { employmentServiceResolvers } from './employment-service.ts';
import { personResolvers } from './person.ts';
import { registrationResolvers } from './registration.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

export const resolvers: Resolvers = mergeResolverMaps(cohortResolvers, personResolvers, employmentServiceResolvers, registrationResolvers);
