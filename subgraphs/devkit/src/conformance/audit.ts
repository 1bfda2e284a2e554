import { encodeAuditTrailId } from '@finsam/kit/audit-trail';
import { addDays, todayIso } from '@finsam/kit/dates';
import { fail, verdictOf, type Check, type ConformanceRun } from './check.ts';
import { describeAnswer, Implementation, type Answer } from './implementation.ts';

interface RecordSeen { decision?: unknown; reason?: unknown; requestId?: unknown }

const RECORD = 'decision reason requestId';

/**
 * The person's records in the implementation's own log, read as an auditor reads them through
 * the graph: at an agency, its records field of the AuditTrail entity (the one coordination
 * merges into `auditTrail.records`); at coordination, `auditTrail` itself.
 */
async function recordsOf(run: ConformanceRun): Promise<{ answer: Answer; records: RecordSeen[] | null }> {
  const impl = run.implementation;
  const token = await impl.token({ actorId: 'conformance-auditor', role: 'auditor' });
  // To tomorrow: a run that crosses midnight (UTC) still finds its first records.
  const to = addDays(todayIso(), 1);
  const { sector } = impl;
  if (sector.agency === 'COORDINATION') {
    const answer = await impl.post(token, Implementation.requestId(), `query($p: String!, $to: String) { auditTrail(personnummer: $p, to: $to) { records { ${RECORD} } } }`, { p: run.person, to });
    const records = answer.data?.auditTrail?.records;
    return { answer, records: Array.isArray(records) ? records : null };
  }
  const id = encodeAuditTrailId({ personnummer: run.person, from: null, to });
  const answer = await impl.post(token, Implementation.requestId(),
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on AuditTrail { ${sector.recordsField} { ${RECORD} } } } }`, { r: [{ __typename: 'AuditTrail', id }] });
  const records = answer.data?._entities?.[0]?.[sector.recordsField];
  return { answer, records: Array.isArray(records) ? records : null };
}

/**
 * Check 5: every access the other checks made to the person (each release and each refusal, under
 * its own request id) is in the implementation's audit log against the person, with its decision
 * and, for a refusal, its reason; and each of those answers carried the head of the chain after
 * its records, for the gateway's own record of the request.
 */
export const auditCheck: Check = {
  name: 'audit',
  title: 'every access is in its audit log, read through the auditTrail contract',
  async run(run) {
    const { answer, records } = await recordsOf(run);
    if (!records) return fail(`gave an auditor no audit records for the person (${describeAnswer(answer)})`);
    const missing = run.accesses.filter((access) => !records.some((r) =>
      r.requestId === access.requestId && r.decision === access.decision && (access.reason === null || r.reason === access.reason)));
    // The gateway keeps the head an answer carries in its own record of the request, so that a
    // record cut from the store's newest end is found at once (docs/audit-anchoring.md, "No window").
    const headless = run.accesses.filter((access) => !run.implementation.carriedAuditHead(access.requestId));
    return verdictOf(
      [
        ...missing.map((m) => `no ${m.decision}${m.reason ? ` ${m.reason}` : ''} record of ${m.what} (check ${m.check})`),
        ...headless.map((h) => `the answer to ${h.what} (check ${h.check}) carried no head of its audit chain (extensions.auditHeads)`),
      ],
      `all ${run.accesses.length} accesses of the other checks are logged against the person, with decision and reason, and each answer carried its chain head`,
    );
  },
};
