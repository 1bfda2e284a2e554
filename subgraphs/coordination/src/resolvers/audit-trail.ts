import { AGENCY_ROWS, type Agency, type AgencyRow } from '@finsam/kit/agencies';
import { auditRecordsForAuditor, decodeAuditTrailId, type AuditRecordView } from '@finsam/kit/audit-trail';
import { valueOrThrow } from '@finsam/kit/errors';
import type { CoordinationContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** The extract as the query plan hands it back, with each agency's records it required. */
type AuditTrailReference = { id: string } & { [A in Agency as AgencyRow<A>['recordsField']]?: AuditRecordView[] | null };

/** The extract as its fields see it: the reference with what its id says (whose log, which period). */
export type AuditTrailParent = AuditTrailReference & { personnummer: string; from: string | null; to: string };

export const auditTrailResolvers = {
  AuditTrail: {
    __resolveReference: (ref: AuditTrailReference): AuditTrailParent => ({ ...valueOrThrow(decodeAuditTrailId(ref.id)), ...ref }),
    /** Every agency's records merged in time order, the association's own among them. */
    async records(trail: AuditTrailParent, _args: unknown, ctx: CoordinationContext): Promise<AuditRecordView[]> {
      const own = await auditRecordsForAuditor(ctx, trail.id);
      const agencies = AGENCY_ROWS.map((row) => trail[row.recordsField]);
      return [...own, ...agencies.flatMap((records) => records ?? [])]
        .sort((a, b) => (a.at === b.at ? a.agency.localeCompare(b.agency) : a.at < b.at ? -1 : 1));
    },
  },
} satisfies Resolvers;
