import { mergeResolverMaps } from '../../../shared/src/subgraph.ts';
import { cohortResolvers } from './cohort.ts';
import { personResolvers } from './person.ts';
import { sicknessBenefitCaseResolvers } from './sickness-benefit-case.ts';

export const resolvers = mergeResolverMaps(cohortResolvers, personResolvers, sicknessBenefitCaseResolvers);
