import { auditRecordsForAuditor, decodeAuditTrailId, type AuditRecordView } from '../../../shared/src/audit-trail.ts';
import { valueOrThrow } from '../../../shared/src/errors.ts';
import type { CoordinationContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** The extract as the query plan hands it back, with each agency's records it required. */
export interface AuditTrailParent {
  id: string;
  sicknessInsuranceRecords?: AuditRecordView[] | null;
  employmentRecords?: AuditRecordView[] | null;
  socialServicesRecords?: AuditRecordView[] | null;
  careRecords?: AuditRecordView[] | null;
}

export const auditTrailResolvers: Resolvers = {
  AuditTrail: {
    __resolveReference: (ref: AuditTrailParent) => ({ ...valueOrThrow(decodeAuditTrailId(ref.id)), ...ref }),
    /** Every agency's records merged in time order, the association's own among them. */
    async records(trail: AuditTrailParent, _args: unknown, ctx: CoordinationContext): Promise<AuditRecordView[]> {
      const own = await auditRecordsForAuditor(ctx, trail.id);
      const agencies = [trail.sicknessInsuranceRecords, trail.employmentRecords, trail.socialServicesRecords, trail.careRecords];
      return [...own, ...agencies.flatMap((records) => records ?? [])]
        .sort((a, b) => (a.at === b.at ? a.agency.localeCompare(b.agency) : a.at < b.at ? -1 : 1));
    },
  },
};
