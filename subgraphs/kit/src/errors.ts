import { GraphQLError } from 'graphql';

/**
 * Expected failures travel as values (a person outside the caseload, a malformed number) and
 * become GraphQL errors with a code only at the resolver edge, so data and rule code never throws
 * for something a user can cause.
 */
export type FailureCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND';

export interface Failure {
  code: FailureCode;
  message: string;
  /** Extra extensions a client can act on (e.g. agency and reason for a consent refusal). */
  details?: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export const success = <T>(value: T): Result<T> => ({ ok: true, value });
/**
 * A refusal always says why (`extensions.reason`, docs/errors.md): a client shows a different
 * thing for a missing consent than for a person outside the caseload, so FORBIDDEN takes a reason.
 */
export function failure<T = never>(code: 'FORBIDDEN', message: string, details: { reason: string } & Record<string, string>): Result<T>;
export function failure<T = never>(code: Exclude<FailureCode, 'FORBIDDEN'>, message: string, details?: Record<string, string>): Result<T>;
export function failure<T = never>(code: FailureCode, message: string, details: { reason: string } & Record<string, string>): Result<T>;
export function failure<T = never>(code: FailureCode, message: string, details?: Record<string, string>): Result<T> {
  return { ok: false, failure: { code, message, details } };
}

export function toGraphQLError(f: Failure): GraphQLError {
  return new GraphQLError(f.message, { extensions: { code: f.code, ...f.details } });
}

/** At the edge: the value, or the failure thrown as a GraphQL error with its code. */
export function valueOrThrow<T>(result: Result<T>): T {
  if (!result.ok) throw toGraphQLError(result.failure);
  return result.value;
}

/** Error codes a client may see with their own message; anything else is masked as internal. */
export const CLIENT_ERROR_CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED', 'INVALID_GRAPHQL',
]);
