import { byAgencyField, type Agency } from '@finsam/kit/agencies';
import type { GraphQLResolveInfo } from 'graphql';
import { todayIso } from '@finsam/kit/dates';
import { failure, valueOrThrow } from '@finsam/kit/errors';
import type { ConsentEvidence } from '@finsam/kit/consent';
import { selectedFieldPaths } from '@finsam/kit/field-paths';
import { requiredFieldsProblem } from '@finsam/kit/required-fields';
import { isProtected, personReadEntry } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import type { ConsentRow, MunicipalityParent, ParticipationRow, PersonRow, SignalHandlingRow } from '../data.ts';
import { computeSignals, unseenAgencies, type SectorFacts } from '../signals.ts';
import { fingerprintOf, handlingOf, needsAction, signalId } from '../signal-handling.ts';
import { consentCovers } from '@finsam/kit/consent';
import { consentControllerKind, regionController, type DataControllerView } from '../consent-controllers.ts';
import { regionOfMunicipality } from '@finsam/kit/controllers';
import type { IncomeSource, PriorityGroup, Resolvers } from '../generated/resolvers-types.ts';

/**
 * A Person as the resolvers see it: from a caseload page or `person` it carries its row; from
 * the query plan (`_entities`) it carries the sector fields that `signals` requires, and its
 * row is loaded only if a field needs it.
 */
export type PersonParent = { personnummer: string; row?: PersonRow; [THROUGH_PLAN]?: true } & SectorFacts;

/**
 * Set on a person the query plan handed over (`_entities`), never on one read here: a symbol, so
 * no representation, which is JSON, can carry it.
 */
const THROUGH_PLAN = Symbol('through the query plan');

/**
 * `signals` and `unseenAgencies` are computed from the agencies' data they `@requires`, which only
 * the query plan hands over. On a person read here (a caseload page, `person`) that data is
 * simply absent, and read as absent every agency would be unseen and no signal raised: a
 * plausible answer and a wrong one, as a router that does not plan `@requires` got.
 */
function requireHandedOver(p: PersonParent, field: 'signals' | 'unseenAgencies'): void {
  if (p[THROUGH_PLAN]) return;
  valueOrThrow(failure('BAD_USER_INPUT', `\`${field}\` is computed from the agencies' data that signals and unseenAgencies require, which only the query plan hands over (through \`_entities\`): asked on a person reached otherwise, it is refused rather than computed from nothing.`, { reason: 'REQUIRES_NOT_HANDED_OVER' }));
}

/** The person's row; through the query plan, only for a person in the caller's caseload today. */
async function rowOf(person: PersonParent, ctx: CoordinationContext): Promise<PersonRow> {
  const row = person.row ?? (await ctx.loaders.person.load(person.personnummer));
  if (!row) return valueOrThrow(failure('FORBIDDEN', 'The person is not in your caseload.', { reason: 'NOT_IN_CASELOAD' }));
  return row;
}

/**
 * A person reached through the query plan (`_entities`): served only to a coordinator and only
 * for a person in their caseload today, like `person`, whoever holds a gateway token; the read or
 * the refusal is logged against the person with the fields asked for.
 */
async function personFromPlan(ref: PersonParent, ctx: CoordinationContext, info: GraphQLResolveInfo): Promise<PersonParent> {
  // Before anything is read: sector facts that are not what `signals` requires crashed the rules or gave a plausible half answer.
  const malformed = requiredFieldsProblem(info.schema, 'Person', ref);
  if (malformed) return valueOrThrow(failure('BAD_USER_INPUT', `A Person in \`representations\` does not hold what its signals require: ${malformed}.`, { argument: 'representations' }));
  const fields = selectedFieldPaths(info, '').map((f) => f.slice(1));
  const row = ctx.caller.role === 'coordinator' ? await ctx.loaders.person.load(ref.personnummer) : null;
  if (!row) {
    const reason = ctx.caller.role === 'coordinator' ? 'NOT_IN_CASELOAD' : 'ROLE_NOT_ALLOWED';
    ctx.audit.record({ personnummer: ref.personnummer, fields, decision: 'REFUSED', reason, protectedIdentity: false });
    return valueOrThrow(failure('FORBIDDEN', reason === 'NOT_IN_CASELOAD' ? 'The person is not in your caseload.' : 'Only a coordinator can read a person.', { reason }));
  }
  ctx.audit.record(personReadEntry(row, fields, ''));
  return { ...ref, row, [THROUGH_PLAN]: true };
}

/** The basis coordination signs for one agency (kit/src/release-basis.ts); the release itself is logged where the person was reached. */
const releaseBasisFor = (agency: Agency) => async (p: PersonParent, _a: unknown, ctx: CoordinationContext) => ctx.releaseBasisFor(agency, await rowOf(p, ctx));

/**
 * Name and address of a person with protected identity never leave this subgraph; the read's audit
 * record lists them as withheld, not released (personReadEntry in access.ts). They are null
 * without an error: `identityProtection` in the same answer says why, and an error here would make
 * a standard client's default error policy throw away a whole caseload for one protected person.
 */
async function unlessProtected(person: PersonParent, ctx: CoordinationContext, value: (row: PersonRow) => string | null) {
  const row = await rowOf(person, ctx);
  return isProtected(row) ? null : value(row);
}

export const personResolvers = {
  Person: {
    __resolveReference: personFromPlan,
    id: async (p: PersonParent, _a: unknown, ctx: CoordinationContext) => (await rowOf(p, ctx)).id,
    name: (p: PersonParent, _a: unknown, ctx: CoordinationContext) => unlessProtected(p, ctx, (row) => `${row.given_name} ${row.family_name}`),
    address: (p: PersonParent, _a: unknown, ctx: CoordinationContext) => unlessProtected(p, ctx, (row) => row.address),
    identityProtection: async (p: PersonParent, _a: unknown, ctx: CoordinationContext) => (await rowOf(p, ctx)).identity_protection,
    sex: async (p: PersonParent, _a: unknown, ctx: CoordinationContext) => (await rowOf(p, ctx)).sex,
    birthDate: async (p: PersonParent, _a: unknown, ctx: CoordinationContext) => (await rowOf(p, ctx)).birth_date,
    age: async (p: PersonParent, _a: unknown, ctx: CoordinationContext) => ageOn((await rowOf(p, ctx)).birth_date, todayIso()),
    homeMunicipality: async (p: PersonParent, _a: unknown, ctx: CoordinationContext) => {
      const row = await rowOf(p, ctx);
      return { code: row.municipality_code, name: row.municipality_name, county: row.county };
    },
    priorityGroups: async (p: PersonParent, _a: unknown, ctx: CoordinationContext) => JSON.parse((await rowOf(p, ctx)).priority_groups) as PriorityGroup[],
    consents: (p: PersonParent, _a: unknown, ctx: CoordinationContext) => ctx.loaders.consentsByPerson.load(p.personnummer),
    participations: (p: PersonParent, _a: unknown, ctx: CoordinationContext) => ctx.loaders.participationsByPerson.load(p.personnummer),
    ...byAgencyField('releaseBasisField', releaseBasisFor),
    // Computed only from what the agencies released to this caller in this request; reached only through the plan, which logs the read.
    async signals(p: PersonParent, _a: unknown, ctx: CoordinationContext) {
      requireHandedOver(p, 'signals');
      const today = ctx.today();
      const handlings = await ctx.loaders.signalHandlingsByPerson.load(p.personnummer);
      return computeSignals(p, today).map((signal) => {
        const fingerprint = fingerprintOf(ctx.signingKey, p.personnummer, signal);
        const handling = handlingOf(handlings, signal.code, fingerprint);
        return { ...signal, id: signalId(ctx.signingKey, p.personnummer, signal.code, fingerprint, today), handling, needsAction: needsAction(handling, today) };
      });
    },
    /**
     * A sector the plan handed over as null was refused or its agency did not answer (the
     * gateway hands a failed agency's sector over as null, subgraph-source.ts). Coordination
     * knows the consents: without one in force the agency refused; with one, it did not answer.
     */
    async unseenAgencies(p: PersonParent, _a: unknown, ctx: CoordinationContext) {
      requireHandedOver(p, 'unseenAgencies');
      const unseen = unseenAgencies(p);
      if (unseen.length === 0) return [];
      const consents = (await ctx.loaders.consentsByPerson.load(p.personnummer)).map(consentEvidence);
      const today = todayIso();
      return unseen.map((u) => ({ ...u, reason: consentCovers(consents, u.agency, today).covered ? 'UNAVAILABLE' as const : 'NO_CONSENT' as const }));
    },
  },
  SignalHandling: {
    handledBy: async (h: SignalHandlingRow, _a: unknown, ctx: CoordinationContext) => {
      const coordinator = await ctx.loaders.coordinator.load(h.handled_by);
      if (!coordinator) throw new Error('The store has no coordinator a signal handling names.');
      return coordinator;
    },
    handledAt: (h: SignalHandlingRow) => h.handled_at,
    followUp: (h: SignalHandlingRow) => h.follow_up,
  },
  Consent: {
    validFrom: (c: ConsentRow) => c.valid_from,
    validTo: (c: ConsentRow) => c.valid_to,
    revokedAt: (c: ConsentRow) => c.revoked_at,
    formReference: (c: ConsentRow) => c.form_reference,
    controller: (c: ConsentRow, _a: unknown, ctx: CoordinationContext) => consentController(c, ctx),
  },
  Municipality: {
    region: (m: MunicipalityParent) => regionController(regionOfMunicipality(m.code)),
  },
  Participation: {
    intervention: (x: ParticipationRow) => ({
      id: x.intervention_id, name: x.intervention_name, kind: x.intervention_kind, forbund_id: x.intervention_forbund_id,
      start_date: x.intervention_start_date, end_date: x.intervention_end_date,
    }),
    registeredIn: (x: ParticipationRow) => x.registered_in,
    registeredOut: (x: ParticipationRow) => x.registered_out,
    atStart: (x: ParticipationRow) => ({
      incomeSources: JSON.parse(x.income_sources_before) as IncomeSource[], occupation: x.occupation_before,
      occupationShareOfFullTime: x.occupation_share_before, educationLevel: x.education_level, yearsOnPublicSupport: x.years_on_public_support,
    }),
    // An exit without its reason or occupation after is no exit snapshot (the schema promises both).
    atEnd: (x: ParticipationRow) => x.registered_out === null || x.end_reason === null || x.occupation_after === null ? null : {
      reason: x.end_reason, occupation: x.occupation_after,
      incomeSources: x.income_sources_after === null ? [] : (JSON.parse(x.income_sources_after) as IncomeSource[]),
    },
  },
} satisfies Resolvers;

/**
 * What an agency needs of a consent to decide a release (its release basis): no form reference;
 * the controller it names, so that an agency of many releases a controller's data only under
 * a consent naming that controller (consentCovers); and its id, an opaque random value, which the
 * withdrawal feed names, so that a withdrawal after the basis was signed stops it at once
 * (@finsam/kit/consent-withdrawals).
 */
export function consentEvidence(row: ConsentRow): ConsentEvidence {
  return { id: row.id, agency: row.agency, validFrom: row.valid_from, validTo: row.valid_to, revokedAt: row.revoked_at, controller: row.controller };
}

/** Consent.controller: the code the consent names, with its name (a member municipality's from the store, a region's from the kit's list). */
async function consentController(row: ConsentRow, ctx: CoordinationContext): Promise<DataControllerView | null> {
  const kind = consentControllerKind(row.agency);
  if (!kind || row.controller === null) return null;
  if (kind === 'REGION') return regionController(row.controller);
  const municipality = await ctx.loaders.municipality.load(row.controller);
  return { kind, code: row.controller, name: municipality?.name ?? row.controller };
}

export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

