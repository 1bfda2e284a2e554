import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { AuditEntry, AuditLog } from './audit.ts';
import type { Caller } from './caller.ts';
import type { Logger } from './logger.ts';

export interface AuditedAnswerOptions<TContext extends BaseContext> {
  auditLog: Pick<AuditLog, 'append'>;
  logger: Logger;
  /**
   * Whom the request was for and what it is to leave in the log, read from the answer about to
   * leave. Called before anything is awaited, so it reads the answer as Apollo Server made it,
   * before a later plugin's willSendResponse changes it (the gateway's placing of errors).
   */
  records: (request: GraphQLRequestContextWillSendResponse<TContext>) => { caller: Caller; entries: AuditEntry[] };
  /** The client's error in place of an answer whose records could not be written. */
  withheldMessage: string;
}

/**
 * The audited answer, the gateway's and every subgraph's: the request's audit records are
 * written before the answer leaves, and if they cannot be written the answer does not leave
 * either: it is replaced by an error (HTTP 500), and the failure is logged by request id.
 */
export function auditedAnswer<TContext extends BaseContext>(options: AuditedAnswerOptions<TContext>): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(request) {
          const { caller, entries } = options.records(request);
          try {
            await options.auditLog.append(caller, entries);
          } catch (error) {
            options.logger.error({ requestId: caller.requestId, err: (error as Error).message }, 'audit append failed; answer withheld');
            request.response.http.status = 500;
            request.response.body = { kind: 'single', singleResult: { errors: [{ message: options.withheldMessage, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
          }
        },
      };
    },
  };
}
