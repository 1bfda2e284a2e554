import { mergeResolverMaps } from '@finsam/kit/subgraph';
import { cohortResolvers } from './cohort.ts';
import { personResolvers } from './person.ts';
import { socialServicesResolvers } from './social-services.ts';
import type { CompleteResolvers } from '../generated/resolvers-types.ts';

export const resolvers: CompleteResolvers = mergeResolverMaps(cohortResolvers, personResolvers, socialServicesResolvers);
