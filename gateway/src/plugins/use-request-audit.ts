import type { AuditDecision, AuditEntry, AuditLog, ChainHeads } from '@finsam/kit/audit';
import { auditedAnswer } from '@finsam/kit/audited-answer';
import type { Logger } from '@finsam/kit/logger';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import { directFieldNames } from '@finsam/kit/selection';
import { callerOf, type GatewayContext } from '../context.ts';

/**
 * The gateway's row of one request in its own log: operation name and document hash, the root
 * fields asked, outcome. The actor is the append's caller. Written for every request Apollo
 * Server answers (below) and for a request refused before it (recordRefusal).
 */
export function gatewayAuditEntry(row: { fields: string[]; decision: AuditDecision; reason: string | null; operation: string | null; operationHash: string | null; chainHeads?: ChainHeads | null }): AuditEntry {
  return { personnummer: null, agency: 'GATEWAY', protectedIdentity: false, ...row };
}

/**
 * The record of a request refused before Apollo Server saw it (an unregistered operation, an
 * analyst not on the list). Nothing is released by a refusal, so it is sent even when the record
 * cannot be written; that failure is logged.
 */
export async function recordRefusal(
  auditLog: AuditLog, logger: Logger, context: GatewayContext, refused: { decision: AuditDecision; reason: string },
): Promise<void> {
  try {
    await auditLog.append(callerOf(context), [gatewayAuditEntry({ fields: [], ...refused, operation: null, operationHash: null })]);
  } catch (error) {
    logger.error({ requestId: context.requestId, err: (error as Error).message }, 'gateway audit append failed for a refusal');
  }
}

/**
 * The gateway's own log: one record per request (operation name and document hash, actor,
 * outcome, the chain heads the subgraphs' answers carried), written before the answer leaves; if it cannot be, the answer is withheld with 500
 * INTERNAL_SERVER_ERROR (the kit's audited answer). The subgraphs log which person's data they
 * served; the request id joins the two.
 */
export function useRequestAudit(auditLog: AuditLog, logger: Logger): RequestPlugin<GatewayContext> {
  return {
    name: 'use-request-audit',
    apollo: [auditedAnswer<GatewayContext>({
      auditLog, logger,
      records({ contextValue, response, operation, operationName, queryHash, errors }) {
        const result = response.body.kind === 'single' ? response.body.singleResult : null;
        const allErrors = [...(errors ?? []), ...(result?.errors ?? [])];
        const decision: AuditDecision = allErrors.length === 0 ? 'OK' : result?.data ? 'PARTIAL' : 'ERROR';
        const codes = [...new Set(allErrors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
        return {
          caller: callerOf(contextValue),
          entries: [gatewayAuditEntry({
            fields: operation ? directFieldNames(operation.selectionSet) : [], decision, reason: codes.length > 0 ? codes.join(',') : null,
            operation: operationName ?? null, operationHash: queryHash ?? null,
            // Written once every subgraph has answered: the heads their answers carried, so that
            // their records of this request are witnessed here at once (docs/audit-anchoring.md).
            chainHeads: contextValue.auditHeads ?? null,
          })],
        };
      },
      withheldMessage: 'The request could not be logged, so no data is released.',
    })],
  };
}
