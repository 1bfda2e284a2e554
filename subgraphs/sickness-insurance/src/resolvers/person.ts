import type { SicknessInsuranceContext } from '../context.ts';
import type { BenefitCaseRow } from '../data.ts';

export interface PersonRef {
  personnummer: string;
}

/** What `Person.sicknessInsurance` hands to the SicknessInsurance fields. */
export interface SicknessInsuranceParent {
  cases: BenefitCaseRow[];
}

export const personResolvers = {
  Person: {
    __resolveReference: (ref: PersonRef): PersonRef => ({ personnummer: ref.personnummer }),
    async sicknessInsurance(person: PersonRef, _args: unknown, ctx: SicknessInsuranceContext): Promise<SicknessInsuranceParent> {
      return { cases: await ctx.loaders.casesByPerson.load(person.personnummer) };
    },
  },
  SicknessInsurance: {
    cases: (parent: SicknessInsuranceParent) => parent.cases,
    ongoingSickLeave: (parent: SicknessInsuranceParent) =>
      parent.cases.find((c) => c.benefit === 'SJUKPENNING' && c.status === 'GRANTED' && c.end_date === null) ?? null,
  },
};
