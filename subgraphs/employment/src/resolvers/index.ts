import { mergeResolverMaps } from '@finsam/kit/subgraph';
import { cohortResolvers } from './cohort.ts';
import { employmentServiceResolvers } from './employment-service.ts';
import { personResolvers } from './person.ts';
import { registrationResolvers } from './registration.ts';

export const resolvers = mergeResolverMaps(cohortResolvers, personResolvers, employmentServiceResolvers, registrationResolvers);
