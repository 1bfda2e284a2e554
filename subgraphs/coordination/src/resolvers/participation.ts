import { randomUUID } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import { dateProblem, todayIso, covers } from '@finsam/kit/dates';
import { failure, success, valueOrThrow, type RefusalReason, type Result } from '@finsam/kit/errors';
import { selectedFieldPaths } from '@finsam/kit/field-paths';
import { parsePersonnummer } from '@finsam/kit/personnummer';
import { isProtected, personnummerOf, personReadEntry } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import {
  addToCaseload, caseloadPersons, endStoredParticipation, hasOpenParticipation, insertAnonymousParticipation, insertParticipation,
  participationById, participationBySubmission, personOfForbund, type Db, type PersonRow, type RegistrationInFields, type StoredParticipation,
} from '../data.ts';
import { personAfter } from './mutation.ts';
import type { PersonParent } from './person.ts';
import type {
  AnonymousParticipantInput, EndParticipationInput, IncomeSource, QueryFindPersonArgs, RegisterParticipationInput, Resolvers,
} from '../generated/resolvers-types.ts';

/**
 * Registration in and out of interventions (SUS inregistrering and utregistrering) and the
 * coordinator's person search (docs/participations.md). Every check that needs nothing read runs
 * first, so bad input costs no statement; nothing is written unless every check passed.
 */

/** The most income sources SUS records per person (the release counts at most three too: INCOME_SOURCES_PER_PERSON). */
export const MAX_INCOME_SOURCES = 3;
/** A form's key: long enough to be unique per coordinator when chosen at random, short enough to store. */
const SUBMISSION_KEY = /^[A-Za-z0-9_-]{8,100}$/;
export const SEARCH = { minCharacters: 2, maxCharacters: 100, maxResults: 25 } as const;

const refuse = (argument: string, message: string, reason?: RefusalReason): Result<never> =>
  (reason ? failure('BAD_USER_INPUT', message, { argument, reason }) : failure('BAD_USER_INPUT', message, { argument }));

function notCoordinator(ctx: CoordinationContext): Result<never> | null {
  return ctx.caller.role === 'coordinator' ? null : failure('FORBIDDEN', 'Only a coordinator registers participations and searches a caseload.', { reason: 'ROLE_NOT_ALLOWED' });
}

function validSubmissionKey(key: string, argument: string): Result<string> {
  return SUBMISSION_KEY.test(key) ? success(key) : refuse(argument, `${argument} is 8–100 letters, digits, - or _ (a new UUID per form fits).`);
}

/** A date of registration: a real date, not after today (a registration records what has happened). */
function validDay(value: string, argument: string, today: string): Result<string> {
  const problem = dateProblem(argument, value);
  if (problem) return refuse(argument, problem);
  if (value > today) return refuse(argument, `${argument} is after today: a registration records what has happened.`, 'DATE_IN_FUTURE');
  return success(value);
}

/** Income sources as SUS takes them: one to three different ones, OKAND (unknown) alone. */
export function validIncomeSources(sources: readonly IncomeSource[], argument: string): Result<IncomeSource[]> {
  const distinct = [...new Set(sources)];
  if (distinct.length === 0) return refuse(argument, `${argument} names at least one income source (OKAND when unknown).`);
  if (distinct.length !== sources.length) return refuse(argument, `${argument} names an income source twice.`);
  if (distinct.length > MAX_INCOME_SOURCES) return refuse(argument, `${argument} names at most ${MAX_INCOME_SOURCES} income sources, as SUS records.`);
  if (distinct.includes('OKAND') && distinct.length > 1) return refuse(argument, `${argument}: OKAND (unknown) cannot stand beside a known income source.`);
  return success(distinct);
}

function validWholeNumber(value: number, argument: string, max: number, what: string): Result<number> {
  return Number.isInteger(value) && value >= 0 && value <= max ? success(value) : refuse(argument, `${argument} is ${what}, a whole number 0–${max}.`);
}

type Participant = { kind: 'person'; id: string | null; personnummer: string | null } | { kind: 'anonymous'; anonymous: AnonymousParticipantInput };

/** Exactly one of personId, personnummer and anonymous. */
function participantOf(input: RegisterParticipationInput): Result<Participant> {
  const given = ([['input.personId', input.personId], ['input.personnummer', input.personnummer], ['input.anonymous', input.anonymous]] as const)
    .filter(([, value]) => value !== null && value !== undefined).map(([name]) => name);
  if (given.length !== 1) {
    return refuse(given.length === 0 ? 'input.personId' : given.join(', '), 'Name the participant by exactly one of input.personId, input.personnummer and input.anonymous.');
  }
  return success(input.anonymous ? { kind: 'anonymous', anonymous: input.anonymous } : { kind: 'person', id: input.personId ?? null, personnummer: input.personnummer ?? null });
}

interface CheckedRegistration {
  submissionKey: string;
  participant: Participant;
  fields: RegistrationInFields;
}

/** Everything of a registration form that needs nothing read. */
export function validRegistration(input: RegisterParticipationInput, today: string): Result<CheckedRegistration> {
  const key = validSubmissionKey(input.submissionKey, 'input.submissionKey');
  if (!key.ok) return key;
  const participant = participantOf(input);
  if (!participant.ok) return participant;
  const registeredIn = validDay(input.registeredIn, 'input.registeredIn', today);
  if (!registeredIn.ok) return registeredIn;
  const sources = validIncomeSources(input.incomeSources, 'input.incomeSources');
  if (!sources.ok) return sources;
  const share = validWholeNumber(input.occupationShareOfFullTime, 'input.occupationShareOfFullTime', 100, 'a share of 40 hours a week in percent');
  if (!share.ok) return share;
  const years = validWholeNumber(input.yearsOnPublicSupport, 'input.yearsOnPublicSupport', 60, 'years on public support');
  if (!years.ok) return years;
  return success({
    submissionKey: key.value, participant: participant.value,
    fields: {
      intervention_id: input.interventionId, registered_in: registeredIn.value, income_sources_before: JSON.stringify(sources.value),
      occupation_before: input.occupation, occupation_share_before: share.value, education_level: input.educationLevel, years_on_public_support: years.value,
    },
  });
}

/** Whether a stored participation is what this form registers (the same form sent again). */
function sameRegistration(stored: StoredParticipation, checked: CheckedRegistration, personnummer: string | null): boolean {
  const row = stored.row;
  const fieldsMatch = (Object.keys(checked.fields) as (keyof RegistrationInFields)[]).every((k) => String(row[k]) === String(checked.fields[k]));
  return fieldsMatch && (stored.anonymous ? personnummer === null : row.personnummer === personnummer);
}

/** The förbund the calling coordinator works for. */
async function forbundOf(ctx: CoordinationContext): Promise<string> {
  const coordinator = await ctx.loaders.coordinator.load(ctx.caller.actorId);
  if (!coordinator) valueOrThrow(failure('FORBIDDEN', 'The account is not a known coordinator.', { reason: 'UNKNOWN_COORDINATOR' }));
  return coordinator!.forbund_id;
}

const NOT_IN_CASELOAD = 'The person is not in your caseload, nor registered in a member municipality of your samordningsförbund.';

/**
 * The person to register: one of the caseload, or, named by personnummer, one folkbokförd in a
 * member municipality of the förbund, to be added to the caseload. Anyone else, known or not,
 * gets the same refusal, logged against the number asked for.
 */
async function personToRegister(ctx: CoordinationContext, participant: Extract<Participant, { kind: 'person' }>, forbundId: string): Promise<Result<{ row: PersonRow; added: boolean }>> {
  const found = await personnummerOf(ctx, { id: participant.id, personnummer: participant.personnummer }, 'input.personId');
  if (!found.ok) return found;
  const personnummer = found.value;
  let row = personnummer === null ? null : await ctx.loaders.person.load(personnummer);
  let added = false;
  if (!row && personnummer !== null && participant.personnummer !== null) {
    row = (await personOfForbund(ctx.db, personnummer, forbundId)) ?? null;
    added = row !== null;
  }
  if (!row) {
    if (personnummer !== null) ctx.audit.record({ personnummer, fields: ['participation'], decision: 'REFUSED', reason: 'NOT_IN_CASELOAD', protectedIdentity: false });
    return failure('FORBIDDEN', NOT_IN_CASELOAD, { reason: 'NOT_IN_CASELOAD' });
  }
  if (isProtected(row)) {
    return refuse('input.anonymous', 'The person has protected identity: SUS registers them only as an anonymous participant (input.anonymous).', 'ANONYMOUS_REQUIRED');
  }
  return success({ row, added });
}

/** The intervention, checked: the caller's förbund's, individual-oriented, running on the day. */
async function interventionFor(ctx: CoordinationContext, id: string, day: string, forbundId: string): Promise<Result<void>> {
  const intervention = await ctx.loaders.intervention.load(id);
  // Another förbund's intervention answers as an unknown one: its existence is not this caller's to learn.
  if (!intervention || intervention.forbund_id !== forbundId) return refuse('input.interventionId', 'input.interventionId names no intervention of your samordningsförbund.', 'UNKNOWN_INTERVENTION');
  if (intervention.kind !== 'INDIVIDUAL') return refuse('input.interventionId', 'input.interventionId is a structural intervention (strukturinriktad): it has no participants.', 'INTERVENTION_STRUCTURAL');
  if (!covers(intervention.start_date, intervention.end_date, day)) {
    return refuse('input.registeredIn', 'input.registeredIn is a day the intervention was not running.', 'INTERVENTION_NOT_RUNNING');
  }
  return success(undefined);
}

/** Whether a database error is the unique key of a form's submission (two sends of one form at once). */
const isDuplicate = (error: unknown) => /unique|duplicate/i.test(String((error as { message?: string })?.message ?? error));

async function answer(ctx: CoordinationContext, stored: StoredParticipation, person: PersonRow | null, info: GraphQLResolveInfo) {
  return { participation: stored.row, person: person ? personAfter(ctx, person, info) : null };
}

async function registerParticipation(ctx: CoordinationContext, input: RegisterParticipationInput, info: GraphQLResolveInfo) {
  valueOrThrow(notCoordinator(ctx) ?? success(undefined));
  const checked = valueOrThrow(validRegistration(input, todayIso()));
  const forbundId = await forbundOf(ctx);
  const person = checked.participant.kind === 'person' ? valueOrThrow(await personToRegister(ctx, checked.participant, forbundId)) : null;
  const personnummer = person?.row.personnummer ?? null;
  const actor = ctx.caller.actorId;
  const sentBefore = async () => {
    const earlier = await participationBySubmission(ctx.db, actor, checked.submissionKey);
    if (earlier && !sameRegistration(earlier, checked, personnummer)) {
      valueOrThrow(refuse('input.submissionKey', 'input.submissionKey was sent before with another form: make a new key for each form.', 'SUBMISSION_KEY_REUSED'));
    }
    return earlier;
  };
  const earlier = await sentBefore();
  if (earlier) return answer(ctx, earlier, person?.row ?? null, info);
  valueOrThrow(await interventionFor(ctx, checked.fields.intervention_id, checked.fields.registered_in, forbundId));
  if (personnummer !== null && await hasOpenParticipation(ctx.db, personnummer, checked.fields.intervention_id)) {
    valueOrThrow(refuse('input.interventionId', 'The person already takes part in the intervention (a participation not registered out).', 'ALREADY_PARTICIPATING'));
  }
  const id = `${checked.participant.kind === 'anonymous' ? 'SF-A' : 'SF-D'}-${randomUUID()}`;
  const today = todayIso();
  try {
    await ctx.auditLog.changeWithRecords(ctx.caller, async (trx: Db) => {
      if (checked.participant.kind === 'anonymous') {
        const { sex, reason } = checked.participant.anonymous;
        await insertAnonymousParticipation(trx, {
          ...checked.fields, id, forbund_id: forbundId, sex, start_year: Number(checked.fields.registered_in.slice(0, 4)), anonymous_reason: reason,
          registered_by: actor, submission_key: checked.submissionKey,
        });
        return;
      }
      if (person!.added) await addToCaseload(trx, actor, personnummer!, today);
      await insertParticipation(trx, { ...checked.fields, id, personnummer: personnummer!, registered_by: actor, submission_key: checked.submissionKey });
    }, () => [personnummer === null
      // An anonymous participant's record names no one: the participation id and the intervention only.
      ? { personnummer: null, agency: ctx.audit.agency, fields: ['anonymousParticipation'], decision: 'RECORDED', reason: `REGISTERED_IN ${id}`, protectedIdentity: false }
      : { personnummer, agency: ctx.audit.agency, fields: ['participation'], decision: 'RECORDED', reason: `REGISTERED_IN ${id}${person!.added ? ' ADDED_TO_CASELOAD' : ''}`, protectedIdentity: false }]);
  } catch (error) {
    // The same form sent twice at once: the other send recorded it; answer as it did.
    if (!isDuplicate(error)) throw error;
    const other = await sentBefore();
    if (!other) throw error;
    return answer(ctx, other, person?.row ?? null, info);
  }
  if (personnummer !== null) {
    ctx.loaders.participationsByPerson.clear(personnummer);
    ctx.loaders.person.clear(personnummer);
  }
  return answer(ctx, (await participationById(ctx.db, id))!, person?.row ?? null, info);
}

/** The participation to end and its person: one of the caller's caseload, or an anonymous one the caller registered. */
async function participationToEnd(ctx: CoordinationContext, id: string): Promise<Result<{ stored: StoredParticipation; person: PersonRow | null }>> {
  const outside = failure<never>('FORBIDDEN', 'The participation is not of a person in your caseload.', { reason: 'NOT_IN_CASELOAD' });
  const stored = id.length <= 100 ? await participationById(ctx.db, id) : null;
  if (!stored) return outside;
  if (stored.anonymous) return stored.registeredBy === ctx.caller.actorId ? success({ stored, person: null }) : outside;
  const person = await ctx.loaders.person.load(stored.row.personnummer);
  if (!person) {
    ctx.audit.record({ personnummer: stored.row.personnummer, fields: ['participation'], decision: 'REFUSED', reason: 'NOT_IN_CASELOAD', protectedIdentity: false });
    return outside;
  }
  return success({ stored, person });
}

async function endParticipation(ctx: CoordinationContext, input: EndParticipationInput, info: GraphQLResolveInfo) {
  valueOrThrow(notCoordinator(ctx) ?? success(undefined));
  const today = todayIso();
  const key = valueOrThrow(validSubmissionKey(input.submissionKey, 'input.submissionKey'));
  const registeredOut = valueOrThrow(validDay(input.registeredOut, 'input.registeredOut', today));
  const sources = valueOrThrow(validIncomeSources(input.incomeSources, 'input.incomeSources'));
  const fields = { registered_out: registeredOut, end_reason: input.reason, occupation_after: input.occupation, income_sources_after: JSON.stringify(sources), end_submission_key: key };
  const { stored, person } = valueOrThrow(await participationToEnd(ctx, input.participationId));
  const endedBefore = (row: StoredParticipation['row']) => {
    const same = (Object.keys(fields) as (keyof typeof fields)[]).every((k) => row[k] === fields[k]);
    if (!same) {
      valueOrThrow(row.end_submission_key === key
        ? refuse('input.submissionKey', 'input.submissionKey was sent before with another form: make a new key for each form.', 'SUBMISSION_KEY_REUSED')
        : refuse('input.participationId', 'The participation is already registered out.', 'ALREADY_ENDED'));
    }
    return answer(ctx, { ...stored, row }, person, info);
  };
  if (stored.row.registered_out !== null) return endedBefore(stored.row);
  if (registeredOut < stored.row.registered_in) {
    valueOrThrow(refuse('input.registeredOut', 'input.registeredOut is before the registration in.', 'END_BEFORE_START'));
  }
  const personnummer = person?.personnummer ?? null;
  const ended = await ctx.auditLog.changeWithRecords(ctx.caller, (trx: Db) => endStoredParticipation(trx, stored.row.id, stored.anonymous, fields),
    (done) => (done ? [personnummer === null
      ? { personnummer: null, agency: ctx.audit.agency, fields: ['anonymousParticipation'], decision: 'RECORDED', reason: `REGISTERED_OUT ${stored.row.id} ${input.reason}`, protectedIdentity: false }
      : { personnummer, agency: ctx.audit.agency, fields: ['participation'], decision: 'RECORDED', reason: `REGISTERED_OUT ${stored.row.id} ${input.reason}`, protectedIdentity: false }] : []));
  const after = (await participationById(ctx.db, stored.row.id))!;
  // Registered out meanwhile by another send: the same form answers as it did, another is refused.
  if (!ended) return endedBefore(after.row);
  if (personnummer !== null) ctx.loaders.participationsByPerson.clear(personnummer);
  return answer(ctx, after, person, info);
}

/** Folded for matching: lower case, accents off (Å → a, é → e), so "asa" finds Åsa. */
export const foldName = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('sv');

/** Text that is a personnummer being typed: digits with - or +, and at least ten digits. */
const looksLikeNumber = (text: string) => /^[\d\s+-]+$/.test(text) && text.replace(/\D/g, '').length >= 10;

/** The persons of the caller's caseload the text names: by number, anyone; by name, no one with protected identity. */
export async function findPerson(ctx: CoordinationContext, args: QueryFindPersonArgs, info: GraphQLResolveInfo) {
  valueOrThrow(notCoordinator(ctx) ?? success(undefined));
  const first = args.first ?? 10;
  if (!Number.isInteger(first) || first < 1 || first > SEARCH.maxResults) valueOrThrow(refuse('first', `first is 1–${SEARCH.maxResults}.`));
  const text = args.text.trim();
  // The text is never quoted back: it may be a personnummer.
  if (text.length > SEARCH.maxCharacters) valueOrThrow(refuse('text', `text is at most ${SEARCH.maxCharacters} characters.`, 'SEARCH_TOO_LONG'));
  let matches: (row: PersonRow) => boolean;
  if (looksLikeNumber(text)) {
    const parsed = parsePersonnummer(text);
    if (!parsed.ok) valueOrThrow(refuse('text', `text is not a valid personnummer or samordningsnummer: ${parsed.reason}`));
    matches = (row) => row.personnummer === (parsed as { value: string }).value;
  } else {
    const words = foldName(text).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
    if (words.join('').length < SEARCH.minCharacters) valueOrThrow(refuse('text', `text has at least ${SEARCH.minCharacters} letters or digits.`, 'SEARCH_TOO_SHORT'));
    // A protected identity's name is withheld everywhere, so it is never a key to them either.
    matches = (row) => !isProtected(row) && words.every((w) => foldName(`${row.given_name} ${row.family_name}`).includes(w));
  }
  const found = (await caseloadPersons(ctx.db, ctx.caller.actorId, todayIso())).filter(matches);
  const nodes = found.slice(0, first);
  const fields = selectedFieldPaths(info).filter((f) => f.startsWith('findPerson.nodes.'));
  for (const row of nodes) {
    ctx.loaders.person.prime(row.personnummer, row);
    if (fields.length > 0) ctx.audit.record(personReadEntry(row, fields, 'findPerson.nodes.'));
  }
  return { nodes: nodes.map((row): PersonParent => ({ personnummer: row.personnummer, row })), hasMore: found.length > first };
}

export const participationResolvers = {
  Query: {
    findPerson: (_root: unknown, args: QueryFindPersonArgs, ctx: CoordinationContext, info: GraphQLResolveInfo) => findPerson(ctx, args, info),
  },
  Mutation: {
    registerParticipation: (_root: unknown, args: { input: RegisterParticipationInput }, ctx: CoordinationContext, info: GraphQLResolveInfo) => registerParticipation(ctx, args.input, info),
    endParticipation: (_root: unknown, args: { input: EndParticipationInput }, ctx: CoordinationContext, info: GraphQLResolveInfo) => endParticipation(ctx, args.input, info),
  },
} satisfies Resolvers;
