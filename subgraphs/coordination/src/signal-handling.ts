import { createHmac, hkdfSync, KeyObject, timingSafeEqual } from 'node:crypto';
import { addDays, dateProblem, type IsoDate } from '@finsam/kit/dates';
import { failure, success, type Result } from '@finsam/kit/errors';
import type { SigningKey } from '@finsam/kit/signing-key';
import type { Signal, SignalCode } from './signals.ts';
import { SIGNAL_RULES } from './signals.ts';

/**
 * A coordinator's handling of a signal (handleSignal, docs/signal-handling.md). Coordination never holds
 * the sector facts a signal rests on: they reach it through the query plan, for one request. So
 * what it keeps of a signal is a fingerprint of its facts, and what it hands a client is a signal
 * id it can check came from its own computation, for this person, today, with these facts: a
 * handling is accepted only for a signal the person has now, and stays quiet only while the
 * facts it was made on are the facts.
 */

export const HANDLING_BOUNDS = { maxActionLength: 1000, maxDaysAhead: 365 } as const;

/** What the handleSignal arguments are once checked. */
export interface CheckedHandling {
  code: SignalCode;
  fingerprint: string;
  action: string;
  followUp: IsoDate;
}

/** The stored handling as the signal shows it. */
export interface HandlingRow {
  id: string;
  personnummer: string;
  code: string;
  fingerprint: string;
  handled_by: string;
  handled_at: string;
  action: string;
  follow_up: string;
}

const keys = new WeakMap<SigningKey, Buffer>();

/**
 * A MAC key of coordination's own, derived from its signing key (one secret to keep, not two);
 * keyed, so that neither a fingerprint nor an id can be tried against guessed facts or persons.
 */
function macKey(signingKey: SigningKey): Buffer {
  let key = keys.get(signingKey);
  if (!key) {
    const privateKey = signingKey.privateKey instanceof KeyObject ? signingKey.privateKey : KeyObject.from(signingKey.privateKey as CryptoKey);
    const d = privateKey.export({ format: 'jwk' }).d!;
    key = Buffer.from(hkdfSync('sha256', Buffer.from(d, 'base64url'), Buffer.alloc(0), 'finsam coordination signal handling', 32));
    keys.set(signingKey, key);
  }
  return key;
}

const mac = (signingKey: SigningKey, parts: readonly string[]) => createHmac('sha256', macKey(signingKey)).update(JSON.stringify(parts)).digest('base64url');

/** The signal's facts as one value: a new arose date, a fact more or less or a different one changes it. */
export function fingerprintOf(signingKey: SigningKey, personnummer: string, signal: Pick<Signal, 'code' | 'arose' | 'facts'>): string {
  const facts = signal.facts.map((f) => [f.agency, f.description, f.date ?? '']).flat();
  return mac(signingKey, ['fingerprint', personnummer, signal.code, signal.arose, ...facts]).slice(0, 32);
}

/** Signal.id: code, the day it was computed and the fingerprint, bound to the person by a MAC. */
export function signalId(signingKey: SigningKey, personnummer: string, code: SignalCode, fingerprint: string, today: IsoDate): string {
  const body = `${code}.${today}.${fingerprint}`;
  return `sg_${Buffer.from(body).toString('base64url')}.${mac(signingKey, ['signal', personnummer, body]).slice(0, 32)}`;
}

const refuse = (argument: string, message: string) => failure('BAD_USER_INPUT', message, { argument });

/**
 * handleSignal's arguments, checked before anything is read but the person: the id must be one
 * coordination gave for this person today (yesterday's signal may be gone or changed), the text
 * within bounds, the follow-up day real, not past and not too far ahead.
 */
export function checkedHandling(
  signingKey: SigningKey, personnummer: string, args: { signalId: string; action: string; followUp: string }, today: IsoDate,
): Result<CheckedHandling> {
  const notCurrent = failure('BAD_USER_INPUT', 'signalId is not a signal the person has now: read the person\'s signals again.', { argument: 'signalId', reason: 'SIGNAL_NOT_CURRENT' });
  const match = /^sg_([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{32})$/.exec(args.signalId);
  if (!match) return refuse('signalId', 'signalId is not a Signal.id.');
  const body = Buffer.from(match[1]!, 'base64url').toString();
  const expected = Buffer.from(mac(signingKey, ['signal', personnummer, body]).slice(0, 32));
  if (!timingSafeEqual(expected, Buffer.from(match[2]!))) return notCurrent;
  const [code, day, fingerprint] = body.split('.') as [SignalCode, string, string];
  if (!(code in SIGNAL_RULES) || day !== today || !fingerprint) return notCurrent;
  const action = args.action.trim();
  if (action.length === 0) return refuse('action', 'action is empty: say what was done.');
  if ([...action].length > HANDLING_BOUNDS.maxActionLength) return refuse('action', `action is longer than ${HANDLING_BOUNDS.maxActionLength} characters.`);
  const problem = dateProblem('followUp', args.followUp);
  if (problem) return refuse('followUp', problem);
  if (args.followUp < today) return refuse('followUp', 'followUp is in the past: the day to look again is today or later.');
  if (args.followUp > addDays(today, HANDLING_BOUNDS.maxDaysAhead)) {
    return refuse('followUp', `followUp is more than ${HANDLING_BOUNDS.maxDaysAhead} days ahead.`);
  }
  return success({ code, fingerprint, action, followUp: args.followUp });
}

/** The handling that applies to a signal now: the latest one made on the same facts. */
export function handlingOf(handlings: readonly HandlingRow[], code: SignalCode, fingerprint: string): HandlingRow | null {
  return handlings.filter((h) => h.code === code && h.fingerprint === fingerprint)
    .sort((a, b) => (a.handled_at < b.handled_at ? 1 : a.handled_at > b.handled_at ? -1 : 0))[0] ?? null;
}

/** On the work list (att göra): never handled on these facts, or its follow-up day has come. */
export const needsAction = (handling: HandlingRow | null, today: IsoDate) => handling === null || handling.follow_up <= today;
