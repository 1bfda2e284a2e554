import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { AuditEntry } from './audit.ts';
import type { Caller } from './caller.ts';
import type { Logger } from './logger.ts';

export interface AuditedAnswerOptions<TContext extends BaseContext> {
  auditLog: { append: (caller: Caller, entries: AuditEntry[]) => Promise<unknown> };
  logger: Logger;
  /**
   * Whom the request was for and what it is to leave in the log, read from the answer about to
   * leave. Called before anything is awaited, so it reads the answer as Apollo Server made it,
   * before a later plugin's willSendResponse changes it (the gateway's placing of errors).
   */
  records: (request: GraphQLRequestContextWillSendResponse<TContext>) => {
    caller: Caller; entries: AuditEntry[];
    /** The request's own view of the log, where it keeps one (a subgraph's, which remembers the heads its records left). */
    into?: { append: (caller: Caller, entries: AuditEntry[]) => Promise<unknown> };
  };
  /** The client's error in place of an answer whose records could not be written. */
  withheldMessage: string;
  /** Called once the records are written, before the answer leaves: it may add to the answer what the write left. */
  answered?: (request: GraphQLRequestContextWillSendResponse<TContext>) => void;
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
          const { caller, entries, into } = options.records(request);
          try {
            await (into ?? options.auditLog).append(caller, entries);
            options.answered?.(request);
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
