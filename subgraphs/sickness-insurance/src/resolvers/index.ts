import { personResolvers } from './person.ts';
import { sicknessBenefitCaseResolvers } from './sickness-benefit-case.ts';

export const resolvers = { ...personResolvers, ...sicknessBenefitCaseResolvers };
