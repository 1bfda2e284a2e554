import { consentCovers, type ConsentEvidence } from './consent.ts';
import { todayIso } from './dates.ts';
import { protectTable, type ProtectedCount } from './disclosure.ts';
import { failure, valueOrThrow } from './errors.ts';
import type { SubgraphRequest } from './subgraph.ts';

/**
 * Signal counts move each member's facts from four agencies through the gateway, and each agency
 * logs every member it releases: at 100,000 persons, 22,000 members took 10 s (docs/performance.md).
 * Past this size the analyst is asked to narrow the cohort, rather than wait for a timeout.
 */
export const MAX_SIGNAL_COHORT = 2000;
export const tooLargeForSignals = (memberCount: number) => memberCount > MAX_SIGNAL_COHORT;

/**
 * What coordination hands one agency about a cohort (`<sectorField>Members`, JSON, through
 * `@requires`): how many members the cohort has, and only those whose consent (samtycke) covers
 * that agency, each with the consents for the agency's own check. An agency never learns that a
 * person without such consent takes part in an intervention.
 */
export interface MembersForAgency {
  memberCount: number;
  members: { personnummer: string; consents: ConsentEvidence[] }[];
}

/** The members an agency may count: those handed over whose consent it finds covers it today. */
export function coveredMembers(agency: string, handedOver: string | null | undefined): { memberCount: number; members: string[] } | null {
  if (typeof handedOver !== 'string') return null;
  const parsed = JSON.parse(handedOver) as MembersForAgency;
  const today = todayIso();
  // Re-checked here as for a person: the agency, not coordination, decides what it releases.
  const members = parsed.members.filter((m) => consentCovers(m.consents, agency, today).covered).map((m) => m.personnummer);
  return { memberCount: parsed.memberCount, members };
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
 * An agency's aggregates over a cohort, for analysts only, over the members whose consent covers
 * the agency. The read is logged without any personnummer: only counts leave the agency.
 */
export function cohortFigures<TContext extends SubgraphRequest, TFigures>(
  agency: string, field: string, compute: (members: readonly string[], ctx: TContext) => Promise<TFigures>,
) {
  return async (cohort: Record<string, unknown>, _args: unknown, ctx: TContext): Promise<TFigures> => {
    if (ctx.caller.role !== 'analyst') {
      valueOrThrow(failure('FORBIDDEN', 'Cohort figures are for the analyst role.'));
    }
    const covered = coveredMembers(agency, cohort[`${field}Members`] as string | null | undefined);
    if (!covered) return valueOrThrow(failure('FORBIDDEN', 'No members were handed over for this cohort.'));
    ctx.audit.record({ personnummer: null, fields: [`cohort.${field}`], decision: 'RELEASED', reason: `AGGREGATE_OF_${covered.members.length}`, protectedIdentity: false });
    return compute(covered.members, ctx);
  };
}
