import type { GraphQLResolveInfo } from 'graphql';
import { AGENCY_TABLE, type Agency, type AgencyController } from './agencies.ts';
import { controllerLabel } from './controllers.ts';
import { auditRecordsForAuditor } from './audit-trail.ts';
import type { RequestAudit } from './audit.ts';
import type { Caller } from './caller.ts';
import { consentCovers, type ConsentEvidence } from './consent.ts';
import { todayIso, type IsoDate } from './dates.ts';
import { reasonEntry, type ConsentRefusal } from './error-catalogue.ts';
import { failure, success, valueOrThrow, type ReasonOf, type Result } from './errors.ts';
import { selectedFieldPaths } from './field-paths.ts';
import type { ReleaseBasisVerifier } from './release-basis.ts';
import type { SubgraphRequest } from './subgraph.ts';
import { inSpan } from './tracing.ts';

/**
 * A person as the query plan hands it to an agency: the personnummer and, under the agency's
 * `releaseBasisField` (agencies.ts), the basis coordination signed for this agency
 * (release-basis.ts). Coordination signs for the agencies of the table only: every subgraph of an
 * agency, the first one and any added later (`npm run new-subgraph`), releases under its agency's
 * basis, which it declares `@external` and `@requires`.
 */
export type PersonWithBasis = { personnummer: string } & Record<string, unknown>;

/** What a release decision needs of the request: who asks, where to log, how to check a basis, which controllers are behind the agency. */
type ReleaseContext = { caller: Caller; audit: RequestAudit; releaseBases: ReleaseBasisVerifier; controllers?: readonly AgencyController[] };

/** A controller behind the agency whose data is not in the answer, and why (its consent's state). */
export interface NotReleasedByController {
  controller: AgencyController;
  reason: ConsentRefusal;
}

/**
 * For an agency of many controllers (controllers.ts), which of them release to this request: those
 * a consent names and covers today. Every other one is refused, and said so, whether or not it
 * holds anything of the person: which municipalities have a file on someone is itself their data.
 * For an agency that is one authority both lists are empty.
 */
export interface SectorRelease {
  released: readonly AgencyController[];
  notReleased: readonly NotReleasedByController[];
}

/** The end of a refusal's message; the catalogue has it for the consent and basis reasons. */
const because = (reason: ReasonOf<'FORBIDDEN'>): string => reason === 'ROLE_NOT_ALLOWED'
  ? 'only a coordinator may read a person\'s data'
  : reasonEntry(reason).because ?? reason;

/**
 * An agency's decision to release its sector of a person's data to the caller, logged either
 * way. The agency decides on evidence it can verify: the basis coordination signed for this
 * person, this agency, this user and this request (release-basis.ts), never on what the caller
 * merely claims. Consent is re-checked here, on every request, so a withdrawal holds from the
 * very next request. The record of a release keeps the digest of the basis it was made under.
 * `today` is the day consent is judged on: today, unless a test fixes it.
 */
export function releaseSector(
  agency: Agency, person: PersonWithBasis, ctx: ReleaseContext, info: GraphQLResolveInfo, today: IsoDate = todayIso(),
): Promise<Result<SectorRelease>> {
  // Traced by its outcome's codes: the agency, RELEASED or REFUSED and why, how many controllers released.
  return inSpan('release.decide', { 'finsam.agency': agency }, async (span) => {
    const result = await decideRelease(agency, person, ctx, info, today);
    span?.setAttributes(result.ok
      ? { 'finsam.release.decision': 'RELEASED', 'finsam.release.controllers_released': result.value.released.length, 'finsam.release.controllers_refused': result.value.notReleased.length }
      : { 'finsam.release.decision': 'REFUSED', 'finsam.release.reason': result.refusal.reason ?? result.refusal.code });
    return result;
  });
}

async function decideRelease(
  agency: Agency, person: PersonWithBasis, ctx: ReleaseContext, info: GraphQLResolveInfo, today: IsoDate,
): Promise<Result<SectorRelease>> {
  const fields = selectedFieldPaths(info);
  const refuse = (reason: ReasonOf<'FORBIDDEN'>, protectedIdentity = false) => {
    ctx.audit.record({ personnummer: person.personnummer, fields, decision: 'REFUSED', reason, protectedIdentity });
    return failure<SectorRelease>('FORBIDDEN', `${AGENCY_TABLE[agency].english.name} releases no data for this person: ${because(reason)}.`, { agency, reason });
  };
  if (ctx.caller.role !== 'coordinator') return refuse('ROLE_NOT_ALLOWED');
  const basis = await ctx.releaseBases.person(agency, person.personnummer, person[AGENCY_TABLE[agency].releaseBasisField], ctx.caller);
  if (!basis.ok) return refuse(basis.reason);
  const { protectedIdentity, consents } = basis.evidence;
  const controllers = ctx.controllers ?? [];
  if (controllers.length > 0) return releaseByController(agency, person.personnummer, controllers, { consents, protectedIdentity, digest: basis.digest, fields, today }, ctx);
  const decision = consentCovers(consents, agency, today);
  if (!decision.covered) return refuse(decision.reason, protectedIdentity);
  ctx.audit.record({ personnummer: person.personnummer, fields, decision: 'RELEASED', reason: null, protectedIdentity, basisDigest: basis.digest });
  return success({ released: [], notReleased: [] });
}

/**
 * Each controller decides on its own consent, and each decision goes in that controller's own
 * log: a release with the digest of the basis, a refusal with its reason. Refused by all, the
 * sector is refused as one authority's would be, its message naming each controller and why.
 */
function releaseByController(
  agency: Agency, personnummer: string, controllers: readonly AgencyController[],
  decided: { consents: ConsentEvidence[]; protectedIdentity: boolean; digest: string; fields: string[]; today: IsoDate }, ctx: ReleaseContext,
): Result<SectorRelease> {
  const released: AgencyController[] = [];
  const notReleased: NotReleasedByController[] = [];
  for (const controller of controllers) {
    const decision = consentCovers(decided.consents, agency, decided.today, controller.code);
    const common = { personnummer, fields: decided.fields, protectedIdentity: decided.protectedIdentity, controller: controller.code };
    if (decision.covered) {
      ctx.audit.record({ ...common, decision: 'RELEASED', reason: null, basisDigest: decided.digest });
      released.push(controller);
    } else {
      ctx.audit.record({ ...common, decision: 'REFUSED', reason: decision.reason });
      notReleased.push({ controller, reason: decision.reason });
    }
  }
  if (released.length > 0) return success({ released, notReleased });
  const each = notReleased.map((n) => `${controllerLabel(n.controller)}: ${because(n.reason)}`).join('; ');
  return failure('FORBIDDEN', `${AGENCY_TABLE[agency].english.name} release no data for this person: ${each}.`, {
    // Each controller and its reason, `1480:NO_CONSENT,1481:CONSENT_REVOKED`, for a client to say in its own words.
    agency, reason: notReleased[0]!.reason, controllers: notReleased.map((n) => `${n.controller.code}:${n.reason}`).join(','),
  });
}

export interface AgencySubgraphEntry<TContext, TSector, TAgency extends Agency, TSectorField extends string, TRecordsField extends string> {
  agency: TAgency;
  /**
   * The field this subgraph adds to Person: the agency's first subgraph reads it from the agency's
   * row (agencies.ts); a further one (`npm run new-subgraph`) names its own. Given here, not
   * defaulted, so that the subgraph checks it against its schema (`satisfies keyof PersonResolvers`).
   */
  sectorField: TSectorField;
  /** Its audit records on AuditTrail (`careRecords`, …), as sectorField. */
  recordsField: TRecordsField;
  /** The sector object handed to the sector's own resolvers, once release is decided (and, for an agency of many controllers, which of them released). */
  sector: (person: PersonWithBasis, ctx: TContext, release: SectorRelease) => TSector | Promise<TSector>;
}

/**
 * The two ways into an agency subgraph through the graph, the same for all four: its sector of a
 * Person, released under consent to a coordinator, and its audit records for an auditor. (Its
 * statistics reach analysts only through its releases: agency-statistics-release.ts.)
 */
export function agencyEntryResolvers<TContext extends SubgraphRequest, TSector, TAgency extends Agency, TSectorField extends string, TRecordsField extends string>(
  entry: AgencySubgraphEntry<TContext, TSector, TAgency, TSectorField, TRecordsField>,
) {
  const { agency, sectorField, recordsField } = entry;
  return {
    Person: {
      __resolveReference: (ref: PersonWithBasis): PersonWithBasis => ref,
      ...field(sectorField, async (person: PersonWithBasis, _args: unknown, ctx: TContext, info: GraphQLResolveInfo): Promise<TSector> => {
        const release = valueOrThrow(await releaseSector(agency, person, ctx, info));
        return entry.sector(person, ctx, release);
      }),
    },
    AuditTrail: {
      ...field(recordsField, (trail: { id: string }, _args: unknown, ctx: TContext) => auditRecordsForAuditor(ctx, trail.id)),
    },
  };
}

/**
 * One resolver under a field name given at run time, typed with that name, so that a subgraph's
 * generated resolver types check the name against its schema (a computed key would type as any string).
 */
function field<TName extends string, TResolver>(name: TName, resolver: TResolver): { [K in TName]: TResolver } {
  return { [name]: resolver } as { [K in TName]: TResolver };
}
