import { protectTable, type ProtectedCount } from './disclosure.ts';
import { failure, valueOrThrow } from './errors.ts';
import type { SubgraphRequest } from './subgraph.ts';

/** A cohort as the query plan hands it to an agency: its id and its members (@requires). */
export interface CohortRef {
  id: string;
  members: string[];
}

export interface CategoryCount {
  category: string;
  count: ProtectedCount;
}

/** Categories and their counts as published: each count protected, complements included. */
export function categoryCounts(counts: Record<string, number>): CategoryCount[] {
  const categories = Object.keys(counts).sort();
  const table = protectTable(categories.map((c) => [counts[c]!]));
  return categories.map((category, i) => ({ category, count: table.cells[i]![0]! }));
}

/** One count on its own, protected. */
export function protectedCount(count: number): ProtectedCount {
  return protectTable([[count]]).total;
}

/** Runs a batched look-up over a long member list in pieces that fit any database's parameter limit. */
export async function inChunks<T>(keys: readonly string[], fetch: (chunk: readonly string[]) => Promise<T[]>, size = 5000): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < keys.length; i += size) results.push(...(await fetch(keys.slice(i, i + size))));
  return results;
}

/**
 * An agency's aggregates over a cohort, for analysts only. The read is logged without any
 * personnummer: only counts leave the agency.
 */
export function cohortFigures<TContext extends SubgraphRequest, TFigures>(
  field: string, compute: (members: readonly string[], ctx: TContext) => Promise<TFigures>,
) {
  return async (cohort: CohortRef, _args: unknown, ctx: TContext): Promise<TFigures> => {
    if (ctx.caller.role !== 'analyst') {
      valueOrThrow(failure('FORBIDDEN', 'Cohort figures are for the analyst role.'));
    }
    ctx.audit.record({ personnummer: null, fields: [`cohort.${field}`], decision: 'RELEASED', reason: `AGGREGATE_OF_${cohort.members.length}`, protectedIdentity: false });
    return compute(cohort.members, ctx);
  };
}
