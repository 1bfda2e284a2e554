import type { GraphQLResolveInfo } from 'graphql';
import { todayIso } from '@finsam/kit/dates';
import { failure, success, valueOrThrow, type Result } from '@finsam/kit/errors';
import { selectedFieldPaths } from '@finsam/kit/field-paths';
import { personReadEntry } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import { caseloadPage, caseloadSize, personnummerOfId, type CoordinatorRow } from '../data.ts';
import { PERSON_ID } from '../migrations.ts';
import type { PersonParent } from './person.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

const MAX_PAGE = 100;
/**
 * A page ends at a person; the cursor is that person's id (Person.id), so no cursor carries a
 * personnummer, however thinly encoded.
 */
function decodeCursor(cursor: string | null | undefined): Result<string | null> {
  if (cursor === null || cursor === undefined) return success(null);
  if (!PERSON_ID.test(cursor)) return failure('BAD_USER_INPUT', CURSOR_NOT_OURS, { argument: 'after' });
  return success(cursor);
}

const CURSOR_NOT_OURS = 'The cursor `after` is not one this API returned; pass pageInfo.endCursor of the previous page.';

function pageSize(first: number | null | undefined): Result<number> {
  const size = first ?? 20;
  if (size < 1 || size > MAX_PAGE) return failure('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE}.`);
  return success(size);
}

/**
 * The förbund a coordinator or an intervention belongs to. The schema promises one (`Forbund!`) and
 * the store's foreign key keeps it; a row without one is a broken store, said as such rather than
 * as a null in a non-null field.
 */
export async function forbundOf(ctx: CoordinationContext, forbundId: string) {
  const forbund = await ctx.loaders.forbund.load(forbundId);
  if (!forbund) throw new Error(`The store has no förbund ${forbundId}, which a coordinator or an intervention refers to.`);
  return forbund;
}

export const coordinatorResolvers = {
  Coordinator: {
    __resolveReference: (ref: { id: string }, ctx: CoordinationContext) => ctx.loaders.coordinator.load(ref.id),
    forbund: (c: CoordinatorRow, _args: unknown, ctx: CoordinationContext) => forbundOf(ctx, c.forbund_id),
    async caseload(c: CoordinatorRow, args: { first?: number | null; after?: string | null }, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      // A caseload is personal data of many persons: only its own coordinator sees it.
      if (ctx.caller.role !== 'coordinator' || ctx.caller.actorId !== c.id) {
        valueOrThrow(failure('FORBIDDEN', 'Only the coordinator can read their own caseload.', { reason: 'NOT_OWN_CASELOAD' }));
      }
      const first = valueOrThrow(pageSize(args.first));
      const after = valueOrThrow(decodeCursor(args.after));
      const today = todayIso();
      const rows = await caseloadPage(ctx.db, c.id, today, after, first + 1);
      // An empty page after a cursor that is not a person of this caseload must not pass for the end of
      // the list; an id nobody has and another coordinator's person's id get the same answer, and a
      // probe with someone else's person is in that person's log.
      if (rows.length === 0 && after !== null) {
        const probed = await personnummerOfId(ctx.db, after);
        // ctx.loaders.person answers only for a person in the caller's caseload today.
        const inCaseload = probed !== null && (await ctx.loaders.person.load(probed)) !== null;
        if (!inCaseload) {
          if (probed !== null) ctx.audit.record({ personnummer: probed, fields: ['caseload.after'], decision: 'REFUSED', reason: 'NOT_IN_CASELOAD', protectedIdentity: false });
          valueOrThrow(failure('BAD_USER_INPUT', CURSOR_NOT_OURS, { argument: 'after' }));
        }
      }
      const page = rows.slice(0, first);
      const last = page[page.length - 1];
      const nodes: PersonParent[] = page.map((row) => ({ personnummer: row.personnummer, row }));
      const fields = selectedFieldPaths(info, '').filter((f) => f.startsWith('.nodes.')).map((f) => f.slice('.nodes.'.length));
      for (const row of page) {
        ctx.audit.record(personReadEntry(row, fields.length > 0 ? fields : ['personnummer'], ''));
      }
      return {
        totalCount: rows[0] ? Number(rows[0].total) : await caseloadSize(ctx.db, c.id, today),
        pageInfo: { hasNextPage: rows.length > first, endCursor: last ? last.id : null },
        nodes,
      };
    },
  },
  Forbund: {
    municipalities: (f: { id: string }, _args: unknown, ctx: CoordinationContext) => ctx.loaders.municipalitiesByForbund.load(f.id),
    interventions: (f: { id: string }, _args: unknown, ctx: CoordinationContext) => ctx.loaders.interventionsByForbund.load(f.id),
  },
} satisfies Resolvers;
