import type { Agency } from './agencies.ts';
import { consentCovers, type ConsentEvidence } from './consent.ts';
import { todayIso } from './dates.ts';
import { publish, type ProtectedCount, type RecordKeys } from './disclosure.ts';
import { REFUSAL_REASONS } from './error-catalogue.ts';
import { failure, success, type ReasonOf, type Result } from './errors.ts';
import type { SubgraphRequest } from './subgraph.ts';

/**
 * What coordination hands one agency about a cohort for its answers to the signal questions
 * (under its `membersField`, JSON, through `@requires`): how many members the cohort has, and only those whose consent (samtycke) covers
 * that agency, each with the one consent that covers it today, for the agency's own check. An
 * agency never learns that a person without such consent takes part in an intervention, nor
 * anything of a person's consents to the other agencies.
 *
 * `members` is one string, sorted by personnummer, a record per member separated by ",":
 * `<personnummer> <consent valid from> <consent valid to>`: about 35 bytes a member.
 */
export interface MembersForAgency {
  agency: Agency;
  memberCount: number;
  members: string;
}

/** A consent in force today as the hand-over reads it: its agency, its last day and its record `<personnummer> <valid from> <valid to>`. */
export interface ConsentInForce {
  agency: Agency;
  valid_to: string;
  record: string;
}

/** A person's consents in force today, in the form the consent statement gives them for a large cohort. */
export function consentsInForceOf(personnummer: string, consents: readonly ConsentEvidence[], today: string): ConsentInForce[] {
  return consents.filter((c) => c.revokedAt === null && c.validFrom <= today && today <= c.validTo)
    .map((c) => ({ agency: c.agency, valid_to: c.validTo, record: `${personnummer} ${c.validFrom} ${c.validTo}` }));
}

/**
 * Coordination's side: the agencies' lists at once, from the consents in force today (one row per
 * consent, read once for all agencies). Each member gets, of the agency's consents, the one that
 * runs longest: the only evidence the agency needs.
 */
export function handOverAll<A extends Agency>(agencies: readonly A[], members: readonly string[], consents: Iterable<ConsentInForce>): Record<A, string> {
  const best = new Map<Agency, Map<string, { record: string; validTo: string }>>(agencies.map((a) => [a, new Map()]));
  for (const c of consents) {
    const byPerson = best.get(c.agency);
    if (!byPerson) continue;
    const personnummer = c.record.slice(0, c.record.indexOf(' '));
    const current = byPerson.get(personnummer);
    if (!current || c.valid_to > current.validTo) byPerson.set(personnummer, { record: c.record, validTo: c.valid_to });
  }
  return Object.fromEntries(agencies.map((agency) => {
    const byPerson = best.get(agency)!;
    const records: string[] = [];
    for (const personnummer of members) {
      const found = byPerson.get(personnummer);
      if (found) records.push(found.record);
    }
    return [agency, JSON.stringify({ agency, memberCount: members.length, members: records.join(',') } satisfies MembersForAgency)];
  })) as Record<A, string>;
}

/**
 * The agency's side: every member handed over, in order, and whether the agency finds today that
 * the consent covers it. The agency, not coordination, decides what it releases.
 */
export function readHandedOver(agency: Agency, handedOver: string): { memberCount: number; members: { personnummer: string; covered: boolean }[] } {
  const parsed = JSON.parse(handedOver) as MembersForAgency;
  const today = todayIso();
  const members = (parsed.members === '' ? [] : parsed.members.split(',')).map((record) => {
    const [personnummer, validFrom, validTo] = record.split(' ') as [string, string, string];
    const evidence: ConsentEvidence = { agency: parsed.agency, validFrom, validTo, revokedAt: null };
    return { personnummer, covered: consentCovers([evidence], agency, today).covered };
  });
  return { memberCount: parsed.memberCount, members };
}

/** A category with its count, as the schema's CategoryCount: an agency's cohort figures (from its releases) and the signal counts. */
export interface CategoryCount {
  category: string;
  count: ProtectedCount;
}

/** One count of persons on its own, protected. */
export function protectedCount(keys: RecordKeys, persons: Iterable<string>): ProtectedCount {
  return publish(keys.tally(persons));
}

/** Runs a batched look-up over a long member list in pieces that fit any database's parameter limit. */
export async function inChunks<T>(keys: readonly string[], fetch: (chunk: readonly string[]) => Promise<T[]>, size = 5000): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < keys.length; i += size) results.push(...(await fetch(keys.slice(i, i + size))));
  return results;
}

/** From this many members on, an agency reads a whole table once for signal statistics rather than the members' rows by key (3× faster at 100,000 persons). */
export const WHOLE_TABLE_FROM = 10_000;

/** Rows of a whole table grouped by member, aligned to `members` (in the table's order); rows of others are dropped. */
export function rowsOfMembers<T extends { personnummer: string }>(rows: readonly T[], members: readonly string[]): T[][] {
  const at = new Map(members.map((p, i) => [p, i]));
  const lists = members.map((): T[] => []);
  for (const row of rows) {
    const i = at.get(row.personnummer);
    if (i !== undefined) lists[i]!.push(row);
  }
  return lists;
}

/**
 * The member list an agency may count for an analyst's cohort: only for the analyst role, and only
 * a list coordination signed and sealed to this agency for this analyst and request
 * (release-basis.ts). A refusal is logged (no personnummer) and returned as FORBIDDEN with its reason.
 */
export async function memberListForAnalyst(
  agency: Agency, wire: unknown, ctx: SubgraphRequest, fields: string[],
): Promise<Result<{ list: string; digest: string }>> {
  const refuse = (reason: ReasonOf<'FORBIDDEN'>, why: string) => {
    ctx.audit.record({ personnummer: null, fields, decision: 'REFUSED', reason, protectedIdentity: false });
    return failure<{ list: string; digest: string }>('FORBIDDEN', `Nothing is released on this member list: ${why}.`, { agency, reason });
  };
  if (ctx.caller.role !== 'analyst') return refuse('ROLE_NOT_ALLOWED', 'cohort figures are for the analyst role');
  const basis = await ctx.releaseBases.cohort(agency, wire, ctx.caller);
  if (!basis.ok) return refuse(basis.reason, REFUSAL_REASONS[basis.reason].because);
  return success({ list: basis.list, digest: basis.digest });
}

/** Which participants a cohort (and a follow-up) counts: the schema's FollowUpFilter. */
export interface CohortFilter {
  interventionIds?: string[] | null;
  municipalityCodes?: string[] | null;
  sex?: string | null;
  ageBand?: string | null;
  priorityGroup?: string | null;
}

/** A cohort: the participants registered in during [from, to] who match the filter. */
export interface CohortDefinition {
  from: string;
  to: string;
  filter?: CohortFilter | null;
}

/**
 * A cohort's id is its definition, so every subgraph asked about it (through `_entities`) reads
 * the same period and filter from it: coordination its size and signal counts, each agency its
 * figures, all from their releases.
 */
export function cohortId(definition: CohortDefinition): string {
  return Buffer.from(JSON.stringify([definition.from, definition.to, definition.filter ?? null])).toString('base64url');
}

export function cohortDefinition(id: string): Result<CohortDefinition> {
  try {
    const [from, to, filter] = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as [string, string, CohortFilter | null];
    if (typeof from === 'string' && typeof to === 'string' && (filter === null || typeof filter === 'object')) return success({ from, to, filter });
  } catch {
    // Falls through to the refusal below.
  }
  return failure('BAD_USER_INPUT', 'Not a cohort id.');
}
