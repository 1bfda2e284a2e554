import type { GraphQLResolveInfo } from 'graphql';
import { encodeAuditTrailId } from '@finsam/kit/audit-trail';
import { dateProblem, todayIso } from '@finsam/kit/dates';
import { failure, success, valueOrThrow, type RefusalReason, type Result } from '@finsam/kit/errors';
import { parsePersonnummer } from '@finsam/kit/personnummer';
import { personForCaller } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import type { PersonParent } from './person.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

interface AuditTrailArgs {
  personnummer: string;
  from?: string | null;
  to?: string | null;
}

/**
 * The extract asked for. A refusal for a valid personnummer is logged against that person, so the
 * person's own log extract shows who tried to read their access log, whatever the reason.
 */
function auditTrailKey(ctx: CoordinationContext, args: AuditTrailArgs): Result<{ personnummer: string; from: string | null; to: string }> {
  const parsed = parsePersonnummer(args.personnummer);
  const refuse = (code: 'FORBIDDEN' | 'BAD_USER_INPUT', reason: RefusalReason, message: string, argument?: string) => {
    if (parsed.ok) ctx.audit.record({ personnummer: parsed.value, fields: ['auditTrail'], decision: 'REFUSED', reason, protectedIdentity: false });
    return failure<never>(code, message, { reason, ...(argument ? { argument } : {}) });
  };
  if (ctx.caller.role !== 'auditor') return refuse('FORBIDDEN', 'ROLE_NOT_ALLOWED', 'Only an auditor may read the audit trail.');
  if (!parsed.ok) return failure('BAD_USER_INPUT', `Invalid personnummer: ${parsed.reason}`, { argument: 'personnummer' });
  const from = args.from ?? null;
  const to = args.to ?? todayIso();
  for (const [argument, value] of [['from', from], ['to', to]] as const) {
    const problem = value === null ? null : dateProblem(argument, value);
    if (problem) return refuse('BAD_USER_INPUT', 'INVALID_PERIOD', problem, argument);
  }
  if (from !== null && from > to) return refuse('BAD_USER_INPUT', 'INVALID_PERIOD', 'from is after to.', 'from');
  return success({ personnummer: parsed.value, from, to });
}

export const queryResolvers = {
  Query: {
    // A null `me` would let an analyst's caseload query look like an empty answer; it is a
    // refusal, and says so. So is a coordinator's token for a user id the association does not
    // know (a typo in --sub, an account not yet created): a null would read as "no such thing".
    me: async (_root: unknown, _args: unknown, ctx: CoordinationContext) => {
      if (ctx.caller.role !== 'coordinator') valueOrThrow(failure('FORBIDDEN', 'Only a coordinator has a caseload.', { reason: 'ROLE_NOT_ALLOWED' }));
      const coordinator = await ctx.loaders.coordinator.load(ctx.caller.actorId);
      if (!coordinator) {
        valueOrThrow(failure('FORBIDDEN', `No coordinator with user id "${ctx.caller.actorId}" is known to the association.`, { reason: 'UNKNOWN_COORDINATOR' }));
      }
      return coordinator;
    },
    async person(_root: unknown, args: { id?: string | null; personnummer?: string | null }, ctx: CoordinationContext, info: GraphQLResolveInfo): Promise<PersonParent> {
      const row = valueOrThrow(await personForCaller(ctx, args, info));
      return { personnummer: row.personnummer, row };
    },
    auditTrail(_root: unknown, args: AuditTrailArgs, ctx: CoordinationContext) {
      const key = valueOrThrow(auditTrailKey(ctx, args));
      return { id: encodeAuditTrailId(key), ...key };
    },
  },
} satisfies Resolvers;
