import { mergeResolverMaps } from '@finsam/kit/subgraph';
import { cohortResolvers } from './cohort.ts';
import { personResolvers } from './person.ts';
import { sicknessBenefitCaseResolvers } from './sickness-benefit-case.ts';
import type { CompleteResolvers } from '../generated/resolvers-types.ts';

export const resolvers: CompleteResolvers = mergeResolverMaps(cohortResolvers, personResolvers, sicknessBenefitCaseResolvers);
