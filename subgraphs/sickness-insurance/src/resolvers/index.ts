import { mergeResolverMaps } from '@finsam/kit/subgraph';
import { cohortResolvers } from './cohort.ts';
import { personResolvers } from './person.ts';
import { sicknessBenefitCaseResolvers } from './sickness-benefit-case.ts';

export const resolvers = mergeResolverMaps(cohortResolvers, personResolvers, sicknessBenefitCaseResolvers);
