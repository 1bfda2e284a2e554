import type { GraphQLResolveInfo } from 'graphql';
import { auditRecordsForAuditor } from '../../../shared/src/audit-trail.ts';
import { valueOrThrow } from '../../../shared/src/errors.ts';
import { releaseSector, type PersonWithBasis } from '../../../shared/src/release.ts';
import type { SicknessInsuranceContext } from '../context.ts';
import type { BenefitCaseRow } from '../data.ts';

export type PersonRef = PersonWithBasis;

/** What `Person.sicknessInsurance` hands to the SicknessInsurance fields. */
export interface SicknessInsuranceParent {
  cases: BenefitCaseRow[];
}

export const personResolvers = {
  Person: {
    __resolveReference: (ref: PersonRef): PersonRef => ref,
    async sicknessInsurance(person: PersonRef, _args: unknown, ctx: SicknessInsuranceContext, info: GraphQLResolveInfo): Promise<SicknessInsuranceParent> {
      valueOrThrow(releaseSector('SICKNESS_INSURANCE', person, ctx, info));
      return { cases: await ctx.loaders.casesByPerson.load(person.personnummer) };
    },
  },
  AuditTrail: {
    sicknessInsuranceRecords: (trail: { id: string }, _args: unknown, ctx: SicknessInsuranceContext) => auditRecordsForAuditor(ctx, trail.id),
  },
  SicknessInsurance: {
    cases: (parent: SicknessInsuranceParent) => parent.cases,
    ongoingSickLeave: (parent: SicknessInsuranceParent) =>
      parent.cases.find((c) => c.benefit === 'SJUKPENNING' && c.status === 'GRANTED' && c.end_date === null) ?? null,
  },
};
