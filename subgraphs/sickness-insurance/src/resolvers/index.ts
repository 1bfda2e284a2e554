import { cohortResolvers } from './cohort.ts';
import { personResolvers } from './person.ts';
import { sicknessBenefitCaseResolvers } from './sickness-benefit-case.ts';

export const resolvers = { ...cohortResolvers, ...personResolvers, ...sicknessBenefitCaseResolvers };
