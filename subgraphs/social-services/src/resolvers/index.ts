import { mergeResolverMaps } from '@finsam/kit/subgraph';
import { cohortResolvers } from './cohort.ts';
import { personResolvers } from './person.ts';
import { socialServicesResolvers } from './social-services.ts';

export const resolvers = mergeResolverMaps(cohortResolvers, personResolvers, socialServicesResolvers);
