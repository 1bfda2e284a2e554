import type { GraphQLResolveInfo } from 'graphql';
import { auditRecordsForAuditor } from './audit-trail.ts';
import { releasedSet, type RequestAudit } from './audit.ts';
import type { Caller } from './caller.ts';
import { readHandedOver } from './cohort.ts';
import { consentCovers, type ConsentEvidence } from './consent.ts';
import { todayIso } from './dates.ts';
import { failure, success, valueOrThrow, type Result } from './errors.ts';
import { selectedFieldPaths } from './field-paths.ts';
import { Answers, encodeAnswers } from './signal-statistics.ts';
import type { SubgraphRequest } from './subgraph.ts';

/** What coordination sends with a person through the query plan (`@requires`). */
export interface ReleaseBasis {
  consents: ConsentEvidence[];
  protectedIdentity: boolean;
}

export interface PersonWithBasis {
  personnummer: string;
  releaseBasis?: ReleaseBasis | null;
}

const AGENCY_NAMES: Record<string, string> = {
  SICKNESS_INSURANCE: 'Försäkringskassan',
  EMPLOYMENT: 'Arbetsförmedlingen',
  SOCIAL_SERVICES: 'The social services',
  CARE: 'The region',
};

const REASON_TEXT: Record<string, string> = {
  ROLE_NOT_ALLOWED: 'only a coordinator may read a person\'s data',
  NO_CONSENT: 'there is no consent (samtycke) that covers this agency',
  CONSENT_REVOKED: 'the person has withdrawn the consent for this agency',
  CONSENT_EXPIRED: 'the consent for this agency has expired',
};

/**
 * An agency's decision to release its sector of a person's data to the caller, logged either
 * way. The consent arrives with the person through the query plan; the agency re-checks it
 * here, on every request, so a withdrawal holds from the very next request.
 */
export function releaseSector(
  agency: string, person: PersonWithBasis, ctx: { caller: Caller; audit: RequestAudit }, info: GraphQLResolveInfo,
): Result<void> {
  const fields = selectedFieldPaths(info);
  const protectedIdentity = person.releaseBasis?.protectedIdentity ?? false;
  const refuse = (reason: string) => {
    ctx.audit.record({ personnummer: person.personnummer, fields, decision: 'REFUSED', reason, protectedIdentity });
    return failure<void>('FORBIDDEN', `${AGENCY_NAMES[agency] ?? agency} releases no data for this person: ${REASON_TEXT[reason] ?? reason}.`, { agency, reason });
  };
  if (ctx.caller.role !== 'coordinator') return refuse('ROLE_NOT_ALLOWED');
  const decision = consentCovers(person.releaseBasis?.consents, agency, todayIso());
  if (!decision.covered) return refuse(decision.reason);
  ctx.audit.record({ personnummer: person.personnummer, fields, decision: 'RELEASED', reason: null, protectedIdentity });
  return success(undefined);
}

/**
 * An agency's decision to release, for signal statistics, its answers on the cohort members
 * coordination handed over (only those whose consent covers the agency). The agency checks each
 * member's consent again: the same consent that lets a coordinator read the person lets the
 * person's answers count in the association's statistics. The release is logged as ONE record
 * (reason SIGNAL_STATISTICS) with the number of persons and the digest of their set; the set
 * itself goes once to the side table released_member_set (audit.ts), so an auditor can still
 * show whether a person's data counted. Returns every handed-over member in order, with whether
 * it is released; null when nothing was handed over.
 */
export function releaseForStatistics(
  agency: string, handedOver: string | null | undefined, ctx: { caller: Caller; audit: RequestAudit }, info: GraphQLResolveInfo,
): Result<{ personnummer: string; covered: boolean }[] | null> {
  const fields = selectedFieldPaths(info);
  if (ctx.caller.role !== 'analyst') {
    ctx.audit.record({ personnummer: null, fields, decision: 'REFUSED', reason: 'ROLE_NOT_ALLOWED', protectedIdentity: false });
    return failure('FORBIDDEN', 'Cohort figures are for the analyst role.', { agency, reason: 'ROLE_NOT_ALLOWED' });
  }
  if (typeof handedOver !== 'string') {
    ctx.audit.record({ personnummer: null, fields, decision: 'REFUSED', reason: 'NO_MEMBERS_HANDED_OVER', protectedIdentity: false });
    return success(null);
  }
  const { members } = readHandedOver(agency, handedOver);
  const released = members.filter((m) => m.covered).map((m) => m.personnummer);
  ctx.audit.record({ personnummer: null, fields, decision: 'RELEASED', reason: 'SIGNAL_STATISTICS', protectedIdentity: false, releasedSet: releasedSet(released) });
  return success(members);
}

export interface AgencySubgraphEntry<TContext, TSector> {
  agency: string;
  /** The field the agency adds to Person (`care`, `employment`, …). */
  sectorField: string;
  /** The agency's audit records on AuditTrail (`careRecords`, …). */
  recordsField: string;
  /** The sector object handed to the sector's own resolvers, once release is decided. */
  sector: (person: PersonWithBasis, ctx: TContext) => TSector | Promise<TSector>;
  /**
   * The agency's answers to the signal questions (signal-statistics.ts) for each released cohort
   * member, in the order given: yes/no bits, never the facts behind them.
   */
  signalFacts: (members: readonly string[], ctx: TContext) => Promise<Answers<string>>;
}

/**
 * The three ways into an agency subgraph, the same for all four: its sector of a Person, released
 * under consent to a coordinator; its yes/no answers on each consenting cohort member, for
 * coordination's signal counts (`<sectorField>SignalFacts`); and its audit records for an auditor.
 */
export function agencyEntryResolvers<TContext extends SubgraphRequest, TSector>(entry: AgencySubgraphEntry<TContext, TSector>) {
  return {
    Person: {
      __resolveReference: (ref: PersonWithBasis): PersonWithBasis => ref,
      [entry.sectorField]: async (person: PersonWithBasis, _args: unknown, ctx: TContext, info: GraphQLResolveInfo): Promise<TSector> => {
        valueOrThrow(releaseSector(entry.agency, person, ctx, info));
        return entry.sector(person, ctx);
      },
    },
    Cohort: {
      [`${entry.sectorField}SignalFacts`]: async (cohort: Record<string, unknown>, _args: unknown, ctx: TContext, info: GraphQLResolveInfo) => {
        const handedOver = cohort[`${entry.sectorField}Members`] as string | null;
        const members = valueOrThrow(releaseForStatistics(entry.agency, handedOver, ctx, info));
        if (members === null) return null;
        const released = members.flatMap((m, i) => (m.covered ? [i] : []));
        const answered = await entry.signalFacts(released.map((i) => members[i]!.personnummer), ctx);
        // Placed in the handed-over order; a member not released stays all zeros (its "released" bit too).
        const answers = Answers.empty(answered.layout, members.length);
        const width = answered.layout.bytes;
        released.forEach((at, j) => answered.buffer.copy(answers.buffer, at * width, j * width, (j + 1) * width));
        return encodeAnswers(handedOver!, answers);
      },
    },
    AuditTrail: {
      [entry.recordsField]: (trail: { id: string }, _args: unknown, ctx: TContext) => auditRecordsForAuditor(ctx, trail.id),
    },
  };
}
