import type { GraphQLResolveInfo } from 'graphql';
import { auditRecordsForAuditor } from '../../../shared/src/audit-trail.ts';
import { valueOrThrow } from '../../../shared/src/errors.ts';
import { releaseSector, type PersonWithBasis } from '../../../shared/src/release.ts';
import type { CareContext } from '../context.ts';

export interface PersonRef {
  personnummer: string;
}

export const personResolvers = {
  Person: {
    __resolveReference: (ref: PersonWithBasis): PersonWithBasis => ref,
    // Released only under consent; the lists then load lazily through the request's loaders.
    care(person: PersonWithBasis, _args: unknown, ctx: CareContext, info: GraphQLResolveInfo): PersonRef {
      valueOrThrow(releaseSector('CARE', person, ctx, info));
      return { personnummer: person.personnummer };
    },
  },
  AuditTrail: {
    careRecords: (trail: { id: string }, _args: unknown, ctx: CareContext) => auditRecordsForAuditor(ctx, trail.id),
  },
};
