import { sicknessInsuranceSignalFacts } from './cohort.ts';
import { agencyEntryResolvers } from '@finsam/kit/release';
import type { SicknessInsuranceContext } from '../context.ts';
import type { BenefitCaseRow } from '../data.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { PersonWithBasis } from '@finsam/kit/release';

/** What `Person.sicknessInsurance` hands to the SicknessInsurance fields. */
export interface SicknessInsuranceParent {
  cases: BenefitCaseRow[];
}

export const personResolvers = {
  ...agencyEntryResolvers({
    agency: 'SICKNESS_INSURANCE',
    sector: async (person: PersonWithBasis, ctx: SicknessInsuranceContext): Promise<SicknessInsuranceParent> => ({ cases: await ctx.loaders.casesByPerson.load(person.personnummer) }),
    signalFacts: sicknessInsuranceSignalFacts,
  }),
  SicknessInsurance: {
    cases: (parent: SicknessInsuranceParent) => parent.cases,
    ongoingSickLeave: (parent: SicknessInsuranceParent) =>
      parent.cases.find((c) => c.benefit === 'SJUKPENNING' && c.status === 'GRANTED' && c.end_date === null) ?? null,
  },
} satisfies Resolvers;
