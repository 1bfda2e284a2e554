import type { Agency } from '@finsam/kit/agencies';
import type { ConsentEvidence } from '@finsam/kit/consent';
import { controllersOf } from '@finsam/kit/controllers';
import { addDays, todayIso } from '@finsam/kit/dates';
import { signPersonBases, type PersonEvidence } from '@finsam/kit/release-basis';
import type { SigningKey } from '@finsam/kit/signing-key';
import type { ConformanceRun } from './check.ts';
import { agencySector, type Answer, type Speaker } from './implementation.ts';

/**
 * Reading the person at the implementation as the query plan does (`_entities` with the person's
 * key and, at an agency, the basis coordination signed), and making such bases as the test
 * deployment's coordination would.
 */

export const coordinatorOf = (run: ConformanceRun): Speaker => ({ actorId: run.user, role: 'coordinator' });

/**
 * A consent for the agency that covers today, as coordination records one: for an agency of many
 * controllers (the social services' municipalities, controllers.ts, as `<NAME>_CONTROLLERS` here
 * says) one naming each, in their order, so that the first one's state is the refusal's reason.
 */
export const consentsCoveringToday = (agency: Agency, env: NodeJS.ProcessEnv = process.env): ConsentEvidence[] => {
  const consent: ConsentEvidence = { agency, validFrom: addDays(todayIso(), -30), validTo: addDays(todayIso(), 365), revokedAt: null };
  const controllers = controllersOf(agency, env);
  return controllers.length > 0 ? controllers.map((c) => ({ ...consent, controller: c.code })) : [consent];
};

export interface BasisSpec {
  /** Whom the basis is bound to: the user and the gateway request. */
  actorId: string;
  requestId: string;
  /** The agency it is made out to (default: the implementation's). */
  agency?: Agency;
  /** The person in its evidence (default: the run's person). */
  personnummer?: string;
  /** The agency's consent records in its evidence (default: one that covers today). */
  consents?: ConsentEvidence[];
  /** When it was signed (default: now). */
  signedAt?: number;
  /** The key it is signed with (default: the deployment's coordination key). */
  key?: Pick<SigningKey, 'kid' | 'privateKey'>;
}

/** A basis for one person, in the wire form coordination hands an agency. */
export async function basisFor(run: ConformanceRun, spec: BasisSpec): Promise<string> {
  const agency = spec.agency ?? agencySector(run.implementation.sector).agency;
  const evidence: PersonEvidence = {
    personnummer: spec.personnummer ?? run.person,
    consents: spec.consents ?? consentsCoveringToday(agency),
    protectedIdentity: false,
  };
  const [basis] = await signPersonBases(spec.key ?? run.implementation.keys.coordination, agency, { actorId: spec.actorId, requestId: spec.requestId }, [evidence], spec.signedAt);
  return basis!;
}

export interface PersonAsk {
  requestId: string;
  /** The gateway token to send; null: none. Default: one for the implementation's audience. */
  token?: string | null;
  speaker?: Speaker;
  /** The basis in the representation; undefined: none. */
  basis?: string;
  /** Also ask `_service { sdl }` (whether anything at all is served). */
  withService?: boolean;
}

export interface PersonAnswer {
  answer: Answer;
  /** Whether the person's data was given out (the sector, or coordination's own field). */
  released: boolean;
  /** Whether anything at all came back: the person's data or the SDL. */
  anything: boolean;
}

export async function askPerson(run: ConformanceRun, ask: PersonAsk): Promise<PersonAnswer> {
  const { sector } = run.implementation;
  const speaker = ask.speaker ?? coordinatorOf(run);
  const token = ask.token === undefined ? await run.implementation.token(speaker) : ask.token;
  const representation: Record<string, unknown> = { __typename: 'Person', personnummer: run.person };
  if (ask.basis !== undefined) representation[agencySector(sector).basisField] = ask.basis;
  const query = `query($r: [_Any!]!) { ${ask.withService ? '_service { sdl } ' : ''}_entities(representations: $r) { ... on Person { personnummer ${sector.personRead.selection} } } }`;
  const answer = await run.implementation.post(token, ask.requestId, query, { r: [representation] });
  const entity = Array.isArray(answer.data?._entities) ? answer.data._entities[0] as Record<string, unknown> | null : null;
  const released = sector.personRead.fields.some((field) => entity?.[field] != null);
  return { answer, released, anything: released || typeof answer.data?._service?.sdl === 'string' };
}
