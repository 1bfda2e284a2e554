import { GraphQLError } from 'graphql';
import { ERROR_CODES, codeEntry, type ErrorCode, type ReasonOf, type RefusalReason } from './error-catalogue.ts';

export type { ErrorCode, ReasonOf, RefusalReason } from './error-catalogue.ts';

/**
 * Why something asked is not done, the one shape every part uses: expected failures travel as
 * values (a person outside the caseload, a malformed number) and become a GraphQL error with a
 * code only at the resolver edge, or the whole HTTP response for a request turned away before
 * GraphQL sees it; so data and rule code never throws for something a user can cause. Codes and
 * reasons are the catalogue's (error-catalogue.ts, docs/errors.md).
 */
export interface Refusal {
  code: ErrorCode;
  /** Why: always for FORBIDDEN (extensions.reason). */
  reason?: RefusalReason;
  message: string;
  /** The response's status when the refusal is the whole response; inside a GraphQL response the response's own. */
  status: number;
  /** Further extensions a client can act on (`agency`, `argument`). */
  details?: Record<string, string>;
  /** Extra response headers (`retry-after` on a 429). */
  headers?: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

type Details<C extends ErrorCode> = { reason?: ReasonOf<C> } & Record<string, string>;
/**
 * A refusal always says why (`extensions.reason`, docs/errors.md): a client shows a different
 * thing for a missing consent than for a person outside the caseload, so FORBIDDEN takes a reason.
 */
type RefusalFields<C extends ErrorCode> = C extends 'FORBIDDEN'
  ? { code: C; reason: ReasonOf<C>; message: string; status?: number; details?: Record<string, string>; headers?: Record<string, string> }
  : { code: C; reason?: ReasonOf<C>; message: string; status?: number; details?: Record<string, string>; headers?: Record<string, string> };

/** A refusal with its code's usual status unless it gives another. */
export function refusal<C extends ErrorCode>(fields: RefusalFields<C>): Refusal {
  return { ...fields, status: fields.status ?? ERROR_CODES[fields.code].status };
}

export const success = <T>(value: T): Result<T> => ({ ok: true, value });
export function failure<T = never>(code: 'FORBIDDEN', message: string, details: { reason: ReasonOf<'FORBIDDEN'> } & Record<string, string>): Result<T>;
export function failure<T = never>(code: Exclude<ErrorCode, 'FORBIDDEN'>, message: string, details?: Details<Exclude<ErrorCode, 'FORBIDDEN'>>): Result<T>;
export function failure<T = never>(code: ErrorCode, message: string, details: { reason: RefusalReason } & Record<string, string>): Result<T>;
export function failure<T = never>(code: ErrorCode, message: string, details?: Record<string, string>): Result<T> {
  const { reason, ...rest } = details ?? {};
  return {
    ok: false,
    refusal: {
      code, message, status: ERROR_CODES[code].status,
      ...(reason === undefined ? {} : { reason: reason as RefusalReason }),
      ...(Object.keys(rest).length ? { details: rest } : {}),
    },
  };
}

/** The refusal as a GraphQL error; `extensions` are Apollo's own (`http`), never sent on (apollo.ts masks). */
export function toGraphQLError(r: Pick<Refusal, 'code' | 'reason' | 'message' | 'details'>, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(r.message, { extensions: { code: r.code, ...(r.reason ? { reason: r.reason } : {}), ...r.details, ...extensions } });
}

/** At the edge: the value, or the refusal thrown as a GraphQL error with its code. */
export function valueOrThrow<T>(result: Result<T>): T {
  if (!result.ok) throw toGraphQLError(result.refusal);
  return result.value;
}

/** Error codes a client may see with their own message; anything else is masked as internal (the catalogue's `unmasked`). */
export const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set((Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => codeEntry(code).unmasked));
