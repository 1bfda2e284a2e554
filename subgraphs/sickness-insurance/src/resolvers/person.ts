import { AGENCY_TABLE } from '@finsam/kit/agencies';
import { agencyEntryResolvers } from '@finsam/kit/release';
import type { SicknessInsuranceContext } from '../context.ts';
import type { BenefitCaseRow } from '../data.ts';
import type { AuditTrailResolvers, PersonResolvers, Resolvers } from '../generated/resolvers-types.ts';
import type { PersonWithBasis } from '@finsam/kit/release';

/** What `Person.sicknessInsurance` hands to the SicknessInsurance fields. */
export interface SicknessInsuranceParent {
  cases: BenefitCaseRow[];
}

export const personResolvers = {
  ...agencyEntryResolvers({
    agency: 'SICKNESS_INSURANCE',
    sectorField: AGENCY_TABLE.SICKNESS_INSURANCE.sectorField satisfies keyof PersonResolvers,
    recordsField: AGENCY_TABLE.SICKNESS_INSURANCE.recordsField satisfies keyof AuditTrailResolvers,
    sector: async (person: PersonWithBasis, ctx: SicknessInsuranceContext): Promise<SicknessInsuranceParent> => ({ cases: await ctx.loaders.casesByPerson.load(person.personnummer) }),
  }),
  SicknessInsurance: {
    cases: (parent: SicknessInsuranceParent) => parent.cases,
    ongoingSickLeave: (parent: SicknessInsuranceParent) =>
      parent.cases.find((c) => c.benefit === 'SJUKPENNING' && c.status === 'GRANTED' && c.end_date === null) ?? null,
  },
} satisfies Resolvers;
