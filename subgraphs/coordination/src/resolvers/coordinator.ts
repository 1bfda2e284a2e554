import type { GraphQLResolveInfo } from 'graphql';
import { todayIso } from '../../../shared/src/dates.ts';
import { failure, success, valueOrThrow, type Result } from '../../../shared/src/errors.ts';
import { selectedFieldPaths } from '../../../shared/src/field-paths.ts';
import { personReadEntry } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import { caseloadPage, caseloadSize, type CoordinatorRow } from '../data.ts';
import type { PersonParent } from './person.ts';

const MAX_PAGE = 100;
const CURSOR_PREFIX = 'pn:';

export const encodeCursor = (personnummer: string) => Buffer.from(CURSOR_PREFIX + personnummer).toString('base64url');

function decodeCursor(cursor: string | null | undefined): Result<string | null> {
  if (cursor === null || cursor === undefined) return success(null);
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || !/^\d{12}$/.test(text.slice(CURSOR_PREFIX.length))) {
    return failure('BAD_USER_INPUT', 'The cursor `after` is not one this API returned; pass pageInfo.endCursor of the previous page.');
  }
  return success(text.slice(CURSOR_PREFIX.length));
}

function pageSize(first: number | null | undefined): Result<number> {
  const size = first ?? 20;
  if (size < 1 || size > MAX_PAGE) return failure('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE}.`);
  return success(size);
}

export const coordinatorResolvers = {
  Coordinator: {
    __resolveReference: (ref: { id: string }, ctx: CoordinationContext) => ctx.loaders.coordinator.load(ref.id),
    forbund: (c: CoordinatorRow, _args: unknown, ctx: CoordinationContext) => ctx.loaders.forbund.load(c.forbund_id),
    async caseload(c: CoordinatorRow, args: { first?: number | null; after?: string | null }, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      // A caseload is personal data of many persons: only its own coordinator sees it.
      if (ctx.caller.role !== 'coordinator' || ctx.caller.actorId !== c.id) {
        valueOrThrow(failure('FORBIDDEN', 'Only the coordinator can read their own caseload.', { reason: 'NOT_OWN_CASELOAD' }));
      }
      const first = valueOrThrow(pageSize(args.first));
      const after = valueOrThrow(decodeCursor(args.after));
      const today = todayIso();
      const rows = await caseloadPage(ctx.db, c.id, today, after, first + 1);
      const page = rows.slice(0, first);
      const last = page[page.length - 1];
      const nodes: PersonParent[] = page.map((row) => ({ personnummer: row.personnummer, row }));
      const fields = selectedFieldPaths(info, '').filter((f) => f.startsWith('.nodes.')).map((f) => f.slice('.nodes.'.length));
      for (const row of page) {
        ctx.audit.record(personReadEntry(row, fields.length > 0 ? fields : ['personnummer'], ''));
      }
      return {
        totalCount: rows[0] ? Number(rows[0].total) : await caseloadSize(ctx.db, c.id, today),
        pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last.personnummer) : null },
        nodes,
      };
    },
  },
  Forbund: {
    municipalities: (f: { id: string }, _args: unknown, ctx: CoordinationContext) => ctx.loaders.municipalitiesByForbund.load(f.id),
  },
};
