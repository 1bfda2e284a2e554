import type { AuditRow } from './audit.ts';
import { failure, success, valueOrThrow, type Result } from './errors.ts';
import type { SubgraphRequest } from './subgraph.ts';

/** An auditor's extract: one person, a period. Its id travels as the AuditTrail entity key. */
export interface AuditTrailKey {
  personnummer: string;
  from: string | null;
  to: string;
}

export const encodeAuditTrailId = (key: AuditTrailKey) => Buffer.from(JSON.stringify([key.personnummer, key.from, key.to])).toString('base64url');

export function decodeAuditTrailId(id: string): Result<AuditTrailKey> {
  try {
    const [personnummer, from, to] = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as [string, string | null, string];
    if (typeof personnummer === 'string' && typeof to === 'string') return success({ personnummer, from, to });
  } catch {
    // falls through to the refusal
  }
  return failure('BAD_USER_INPUT', 'Not an audit trail id.');
}

/** An audit record as auditors read it through the graph. */
export function auditRecordView(row: AuditRow) {
  return {
    at: row.at, actor: row.actor, role: row.role, purpose: row.purpose, agency: row.agency, decision: row.decision,
    reason: row.reason, fields: JSON.parse(row.fields) as string[], requestId: row.request_id,
    withheldFields: row.withheld_fields ? JSON.parse(row.withheld_fields) as string[] : [],
    protectedIdentity: Number(row.protected_identity) === 1,
  };
}

export type AuditRecordView = ReturnType<typeof auditRecordView>;

/**
 * This store's records about one person, for an auditor only. Reading someone's access log is
 * itself an access to their data, so the read is logged too.
 */
export async function auditRecordsForAuditor(ctx: SubgraphRequest, id: string): Promise<AuditRecordView[]> {
  const key = valueOrThrow(decodeAuditTrailId(id));
  if (ctx.caller.role !== 'auditor') {
    ctx.audit.record({ personnummer: key.personnummer, fields: ['auditTrail'], decision: 'REFUSED', reason: 'ROLE_NOT_ALLOWED', protectedIdentity: false });
    valueOrThrow(failure('FORBIDDEN', 'Only an auditor may read the audit trail.', { reason: 'ROLE_NOT_ALLOWED' }));
  }
  const rows = await ctx.auditLog.recordsOf(key.personnummer, key.from, key.to);
  ctx.audit.record({ personnummer: key.personnummer, fields: ['auditTrail'], decision: 'RELEASED', reason: null, protectedIdentity: false });
  return rows.map(auditRecordView);
}
