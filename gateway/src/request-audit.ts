import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { AuditLog, type AuditDecision } from '@finsam/kit/audit';
import type { Logger } from '@finsam/kit/logger';
import { callerOf, type GatewayContext } from './context.ts';

/**
 * The gateway's own log: one record per request (operation name and document hash, actor,
 * outcome), written before the answer leaves. The subgraphs log which person's data they
 * served; the request id joins the two.
 */
export function requestAuditPlugin(auditLog: AuditLog, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation, operationName, queryHash, errors }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const allErrors = [...(errors ?? []), ...(result?.errors ?? [])];
          const decision: AuditDecision = allErrors.length === 0 ? 'OK' : result?.data ? 'PARTIAL' : 'ERROR';
          const codes = [...new Set(allErrors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
          try {
            await auditLog.append(
              callerOf(contextValue),
              [{ personnummer: null, agency: 'GATEWAY', fields: rootFields(operation), decision, reason: codes.length > 0 ? codes.join(',') : null,
                protectedIdentity: false, operation: operationName ?? null, operationHash: queryHash ?? null }],
            );
          } catch (error) {
            logger.error({ requestId: contextValue.requestId, err: (error as Error).message }, 'gateway audit append failed; answer withheld');
            response.http.status = 500;
            response.body = { kind: 'single', singleResult: { errors: [{ message: 'The request could not be logged, so no data is released.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
          }
        },
      };
    },
  };
}

function rootFields(operation: OperationDefinitionNode | undefined): string[] {
  return (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}
