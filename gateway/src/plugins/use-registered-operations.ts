import { Counter } from 'prom-client';
import type { AuditLog } from '@finsam/kit/audit';
import { success } from '@finsam/kit/errors';
import type { Logger } from '@finsam/kit/logger';
import type { ProcessMetrics } from '@finsam/kit/metrics';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { GatewayContext } from '../context.ts';
import { AD_HOC_ROLES, asRegistered, type RegisteredOperations } from '../registered-operations.ts';
import { recordRefusal } from './use-request-audit.ts';

/**
 * Coordinators are served the client's registered operations only (registered-operations.ts),
 * after the body is read and before Apollo Server parses anything: the request runs with the
 * registered text, or is refused with 403 OPERATION_NOT_REGISTERED (200 PERSISTED_QUERY_NOT_FOUND
 * for an unknown hash, so Apollo's PersistedQueryLink resends the text). A refusal is logged by
 * reason and request id (never the text: a query may carry a personnummer), counted, and written
 * to the gateway's audit log as the refused requests inside Apollo Server are.
 */
export function useRegisteredOperations(options: { operations: RegisteredOperations; metrics: ProcessMetrics; logger: Logger; auditLog: AuditLog }): RequestPlugin<GatewayContext> {
  const refusals = new Counter({
    name: 'registered_operation_refusals_total',
    help: 'Coordinator requests refused for not naming a registered operation, by reason',
    labelNames: ['reason'] as const,
    registers: [options.metrics.registry],
  });

  return {
    name: 'use-registered-operations',
    onParams: async (request, context) => {
      if (AD_HOC_ROLES.has(context.user.role)) return success(request);
      const resolution = asRegistered(options.operations, request);
      if (!resolution.ok) {
        refusals.inc({ reason: resolution.reason });
        options.logger.info({ requestId: context.requestId, role: context.user.role, reason: resolution.reason }, 'request refused: operation not registered');
        await recordRefusal(options.auditLog, options.logger, context, { decision: 'ERROR', reason: resolution.refusal.code });
        return { ok: false, refusal: resolution.refusal };
      }
      return resolution;
    },
  };
}
