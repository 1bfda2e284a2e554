import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { addDays, todayIso } from '@finsam/kit/dates';
import { startParts, type TestParts } from '../../support/parts.ts';

/**
 * The client's side of a fault scenario, kept as Jepsen keeps it: every write sent, with the key
 * that makes it the same write when sent again (a registration's submissionKey, a consent form's
 * reference), and what it was answered:
 *
 * - acknowledged: data, no error. It must be in the store exactly once, whatever happens after.
 * - refused: a coded error that says nothing was written (`definite` codes of the scenario). It must not be there.
 * - unknown: the connection was cut, or an error that cannot say whether the write was made before
 *   the part died (SUBGRAPH_UNAVAILABLE while its process is killed). At most once; sent again
 *   with the same key after recovery, it is then there exactly once, with the answer the first
 *   send would have had.
 *
 * Every answer is also checked as the client contract promises during a fault: a coded error or
 * data, never a stack trace, never later than the gateway's subgraph timeout (plus slack for two
 * busy cores), never a 5xx without a code.
 */
const operation = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations', `${name}.graphql`), 'utf8');
export const REGISTER_PARTICIPATION = operation('RegisterParticipation');
export const RECORD_CONSENT = operation('RecordConsent');
export const END_PARTICIPATION = operation('EndParticipation');
export const PERSON_PARTICIPATIONS = operation('PersonParticipations');

/** The gateway's SUBGRAPH_TIMEOUT_MS in the fault scenarios, and how much later than it an answer may come on two busy cores. */
export const SUBGRAPH_TIMEOUT_MS = 5_000;
export const ANSWER_BOUND_MS = SUBGRAPH_TIMEOUT_MS + 15_000;

export type Outcome = 'acknowledged' | 'refused' | 'unknown';

interface Write {
  /** A registration in, a consent form, a registration out (of a participation acknowledged before). */
  kind: 'participation' | 'consent' | 'end';
  key: string;
  variables: Record<string, unknown>;
  outcome: Outcome;
  /** The id the write was answered with (participation id, consent id), when acknowledged. */
  answerId?: string;
  /** The error code or connection failure it got otherwise. */
  failure?: string;
}

export interface Answer { status: number; requestId?: string; body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] } | null; ms: number; cut?: string }

/** Posts one operation as the coordinator client does, bounded by ANSWER_BOUND_MS: a connection cut is an answer too (`cut`). */
export async function send(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(ANSWER_BOUND_MS),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    // Never a stack trace, whatever the status: no "    at f (file.ts:1:2)" and no stacktrace extension.
    expect(text, 'an answer during a fault holds a stack trace').not.toMatch(/\n\s+at |stacktrace|\.ts:\d+:\d+/);
    let body: Answer['body'] = null;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`HTTP ${response.status} answered a body that is not JSON: ${text.slice(0, 200)}`);
    }
    return { status: response.status, body, ms, requestId: response.headers.get('x-request-id') ?? undefined };
  } catch (error) {
    const ms = performance.now() - started;
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new Error(`no answer within ${ANSWER_BOUND_MS} ms: a hang past the gateway's subgraph timeout`);
    if (name === 'AssertionError' || (error as Error).message.startsWith('HTTP ')) throw error;
    // The gateway's process is gone (or going): the connection is refused or cut.
    return { status: 0, body: null, ms, cut: ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).message };
  }
}

/** Each error of an answer has a code; the codes, in order. */
export function codesOf(answer: Answer): string[] {
  const errors = answer.body?.errors ?? [];
  for (const error of errors) expect(error.extensions?.code, `an error without a code: ${error.message}`).toEqual(expect.any(String));
  return errors.map((error) => error.extensions!.code as string);
}

export class Ledger {
  readonly writes: Write[] = [];
  /** Answers (reads and writes) given while a fault was on, and their codes. */
  readonly duringFault: { ms: number; codes: string[]; cut?: string }[] = [];
  private n = 0;
  faultOn = false;
  /** A person's opaque id, from a consent's answer: what the recovery read (PersonParticipations) asks for. */
  personId: string | undefined;
  private readonly run = Math.random().toString(36).slice(2, 8);
  readonly today = todayIso();

  constructor(
    private readonly parts: TestParts,
    private readonly token: string,
    private readonly interventionId: string,
    /** Codes that say nothing was written (the scenario knows: the audit store refused the transaction). */
    private readonly definite: ReadonlySet<string> = new Set(),
  ) {}

  /** Participations acknowledged and not yet sent a registration out. */
  private readonly open: string[] = [];

  /**
   * The next write of the burst, in fours: two registrations in (anonymous participants, each a
   * participation of its own), a consent form, a registration out of a participation acknowledged
   * before (another registration in while none is).
   */
  next(): Write {
    const i = this.n++;
    if (i % 4 === 3 && this.open.length > 0) {
      const participationId = this.open.shift()!;
      const key = `end-${this.run}-${i}`;
      return { kind: 'end', key, outcome: 'unknown', variables: { input: {
        submissionKey: key, participationId, registeredOut: this.today, reason: 'MOVED_ON_EARLY', occupation: 'FORVARVSARBETE', incomeSources: ['LON'],
      } } };
    }
    if (i % 4 === 2) {
      const key = `FAULT-${this.run}-${i}`;
      const person = Object.values(FIXTURE_PERSONS)[i % Object.values(FIXTURE_PERSONS).length]!;
      return { kind: 'consent', key, outcome: 'unknown', variables: { input: { personnummer: person, agencies: ['EMPLOYMENT'], validFrom: this.today, validTo: addDays(this.today, 365), formReference: key } } };
    }
    const key = `fault-${this.run}-${i}`;
    return {
      kind: 'participation', key, outcome: 'unknown',
      variables: { input: {
        submissionKey: key, anonymous: { sex: i % 2 ? 'FEMALE' : 'MALE', reason: 'NO_REGISTRATION_CONSENT' }, interventionId: this.interventionId,
        registeredIn: this.today, incomeSources: ['SJUKPENNING'], occupation: 'OVRIGT', occupationShareOfFullTime: 25, educationLevel: 'GYMNASIAL', yearsOnPublicSupport: 3,
      } },
    };
  }

  /** Sends a write and enters what it was answered. */
  async write(write: Write = this.next()): Promise<Write> {
    const document = { participation: REGISTER_PARTICIPATION, consent: RECORD_CONSENT, end: END_PARTICIPATION }[write.kind];
    const answer = await send(this.parts.url, this.token, document, write.variables);
    const codes = answer.cut ? [] : codesOf(answer);
    const field = answer.body?.data?.[{ participation: 'registerParticipation', consent: 'recordConsent', end: 'endParticipation' }[write.kind]];
    if (!answer.cut && codes.length === 0 && field) {
      write.outcome = 'acknowledged';
      write.answerId = write.kind === 'consent' ? field.consents[0]?.id : field.participation.id;
      if (write.kind === 'consent') this.personId ??= field.person.id;
      if (write.kind === 'participation' && !this.writes.some((w) => w.key === write.key)) this.open.push(write.answerId!);
      expect(write.answerId, 'an acknowledged write names what it recorded').toEqual(expect.any(String));
    } else {
      write.outcome = codes.length > 0 && codes.every((code) => this.definite.has(code)) ? 'refused' : 'unknown';
      write.failure = answer.cut ?? codes.join(',');
      // A refusal that is no fault of the client's would be a bug of the workload, not a fault.
      expect(codes.filter((code) => code === 'BAD_USER_INPUT' || code === 'FORBIDDEN'), JSON.stringify(answer.body?.errors)).toEqual([]);
    }
    if (this.faultOn) this.duringFault.push({ ms: answer.ms, codes, cut: answer.cut });
    if (!this.writes.includes(write)) this.writes.push(write);
    return write;
  }

  /**
   * `writers` clients writing at once until `until` holds (checked after each answer) or `max`
   * writes were sent: a burst bounded by count, never by a clock.
   */
  async burst(writers: number, until: () => boolean, max: number): Promise<void> {
    let sent = 0;
    await Promise.all(Array.from({ length: writers }, async () => {
      while (!until() && sent < max) {
        sent++;
        await this.write();
      }
    }));
    expect(until(), `the burst ended after ${max} writes without reaching its condition`).toBe(true);
  }

  count(outcome: Outcome): number {
    return this.writes.filter((w) => w.outcome === outcome).length;
  }

  /** How many rows each key has in coordination's store now. */
  async stored(): Promise<Map<string, { count: number; ids: string[] }>> {
    const db = this.parts.store('coordination');
    try {
      const participations = [
        ...await db.selectFrom('anonymous_participation' as never).select(['id', 'submission_key'] as never[]).where('registered_by' as never, '=', 'coordinator-1' as never).execute(),
        ...await db.selectFrom('participation' as never).select(['id', 'submission_key'] as never[]).where('registered_by' as never, '=', 'coordinator-1' as never).execute(),
      ] as unknown as { id: string; submission_key: string }[];
      // A registration out is there when its participation carries its key (end_submission_key).
      const ends = [
        ...await db.selectFrom('anonymous_participation' as never).select(['id', 'end_submission_key'] as never[]).where('end_submission_key' as never, 'like', 'end-%' as never).execute(),
        ...await db.selectFrom('participation' as never).select(['id', 'end_submission_key'] as never[]).where('end_submission_key' as never, 'like', 'end-%' as never).execute(),
      ] as unknown as { id: string; end_submission_key: string }[];
      const consents = await db.selectFrom('consent' as never).select(['id', 'form_reference'] as never[]).where('form_reference' as never, 'like', 'FAULT-%' as never).execute() as unknown as { id: string; form_reference: string }[];
      const byKey = new Map<string, { count: number; ids: string[] }>();
      for (const [key, id] of [...participations.map((p) => [p.submission_key, p.id]), ...consents.map((c) => [c.form_reference, c.id]), ...ends.map((e) => [e.end_submission_key, e.id])] as [string, string][]) {
        const entry = byKey.get(key) ?? { count: 0, ids: [] };
        entry.count++;
        entry.ids.push(id);
        byKey.set(key, entry);
      }
      return byKey;
    } finally {
      await db.destroy();
    }
  }

  /**
   * After recovery: every acknowledged write there exactly once with the id it was answered, none
   * refused there, each unknown at most once; then each unknown sent again with its key must be
   * acknowledged, with the row already there if there was one, and nothing doubled.
   * Returns the figures for the note.
   */
  async check(): Promise<Record<string, number>> {
    const stored = await this.stored();
    const at = (w: Write) => stored.get(w.key) ?? { count: 0, ids: [] };
    const lost = this.writes.filter((w) => w.outcome === 'acknowledged' && at(w).count === 0);
    const duplicated = this.writes.filter((w) => at(w).count > 1);
    const figures = {
      acknowledged: this.count('acknowledged'), refused: this.count('refused'), unknown: this.count('unknown'),
      unknownThere: this.writes.filter((w) => w.outcome === 'unknown' && at(w).count === 1).length,
      lost: lost.length, duplicated: duplicated.length,
      // Of the acknowledged: registrations in, consent forms, registrations out.
      ackIn: this.writes.filter((w) => w.outcome === 'acknowledged' && w.kind === 'participation').length,
      ackConsent: this.writes.filter((w) => w.outcome === 'acknowledged' && w.kind === 'consent').length,
      ackOut: this.writes.filter((w) => w.outcome === 'acknowledged' && w.kind === 'end').length,
    };
    expect(lost.map((w) => w.key), 'acknowledged writes lost').toEqual([]);
    expect(duplicated.map((w) => w.key), 'writes stored more than once').toEqual([]);
    for (const w of this.writes.filter((w) => w.outcome === 'acknowledged')) expect(at(w).ids, w.key).toEqual([w.answerId]);
    expect(this.writes.filter((w) => w.outcome === 'refused' && at(w).count > 0).map((w) => w.key), 'refused writes stored').toEqual([]);

    // The unknown ones, sent again as a client retries a form: answered as the first send would have been, stored once.
    this.faultOn = false;
    for (const w of this.writes.filter((w) => w.outcome === 'unknown')) {
      const before = at(w);
      const again = await this.write({ ...w, outcome: 'unknown' });
      expect(again.outcome, `${w.key} sent again after recovery: ${again.failure}`).toBe('acknowledged');
      if (before.count === 1) expect(again.answerId, `${w.key}: the retry answers with the row the first send made`).toBe(before.ids[0]);
    }
    const after = await this.stored();
    expect([...after.entries()].filter(([, v]) => v.count > 1).map(([k]) => k), 'duplicates after the retries').toEqual([]);
    return figures;
  }
}

/**
 * A client that gave up on a send (a cut connection, a timeout) and sends the same form again
 * while the first is still being written: `copies` sends of one new write at the same moment.
 * Each send is entered in the ledger; `check()` then holds that the form is stored once.
 */
export async function sameFormAtOnce(ledger: Ledger, kind: 'participation' | 'consent', copies = 6): Promise<void> {
  let write = ledger.next();
  while (write.kind !== kind) write = ledger.next();
  const answers = await Promise.all(Array.from({ length: copies }, () => ledger.write({ ...write })));
  const ids = new Set(answers.filter((a) => a.outcome === 'acknowledged').map((a) => a.answerId));
  expect(ids.size, `${kind} ${write.key}: ${copies} sends at once answered with ${ids.size} different rows`).toBeLessThanOrEqual(1);
}

/** The first individual-oriented intervention of coordinator-1's förbund running today. */
export async function runningIntervention(parts: TestParts): Promise<string> {
  const db = parts.store('coordination');
  const today = todayIso();
  try {
    const rows = await db.selectFrom('intervention' as never).selectAll().orderBy('id' as never).execute() as unknown as { id: string; kind: string; start_date: string; end_date: string | null; forbund_id: string }[];
    const found = rows.find((i) => i.kind === 'INDIVIDUAL' && i.forbund_id === rows[0]!.forbund_id && i.start_date <= today && (i.end_date === null || i.end_date >= today));
    expect(found).toBeDefined();
    return found!.id;
  } finally {
    await db.destroy();
  }
}

/** Until a coordinator's read and write get full answers again; how long that took from `since` (ms). */
export async function recovered(ledger: Ledger, parts: TestParts, token: string, since: number, boundMs = 60_000): Promise<number> {
  for (;;) {
    const write = await ledger.write();
    const read = await send(parts.url, token, PERSON_PARTICIPATIONS, { id: ledger.personId });
    if (write.outcome === 'acknowledged' && ledger.personId && !read.cut && codesOf(read).length === 0 && read.body?.data) return Math.round(performance.now() - since);
    if (performance.now() - since > boundMs) throw new Error(`no full answers within ${boundMs} ms of recovery: ${write.failure} / ${JSON.stringify(read.body?.errors ?? read.cut)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The one-line summary each scenario prints, for docs/faults.md. */
export function summary(scenario: string, dialect: string, figures: Record<string, number>): void {
  console.log(`[faults] ${scenario} (${dialect}): ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

/**
 * What every scenario starts: coordination and the gateway as processes (the gateway waiting
 * SUBGRAPH_TIMEOUT_MS for a subgraph), coordinator-1's token and a ledger of writes to a running
 * intervention. `refusedCodes`: the codes that say, in this scenario, that nothing was written.
 */
export async function coordinatorWrites(options: { postgresAdminUrl?: string; refusedCodes?: Set<string> } = {}) {
  const parts = await startParts({ subgraphs: ['coordination'], postgresAdminUrl: options.postgresAdminUrl, gatewayEnv: { SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS) } });
  try {
    const token = await parts.token();
    return { parts, token, ledger: await newLedger(parts, token, options.refusedCodes) };
  } catch (error) {
    await parts.close();
    throw error;
  }
}

/** A fresh ledger on running parts: a scenario's own writes, counted from zero. */
export async function newLedger(parts: TestParts, token: string, refusedCodes?: Set<string>): Promise<Ledger> {
  return new Ledger(parts, token, await runningIntervention(parts), refusedCodes);
}

/**
 * A burst of four writers, `fault` struck once twelve writes are acknowledged (a condition, not a
 * clock), the burst ended eight answers into the fault; the answers that failed during it.
 */
export async function faultMidBurst(ledger: Ledger, fault: () => Promise<void>) {
  let struck = false;
  const burst = ledger.burst(4, () => struck && ledger.duringFault.length >= 8, 300);
  await expect.poll(() => ledger.count('acknowledged'), { timeout: 60_000, interval: 5 }).toBeGreaterThanOrEqual(12);
  ledger.faultOn = true;
  await fault();
  struck = true;
  await burst;
  const failures = ledger.duringFault.filter((a) => a.codes.length > 0 || a.cut);
  expect(failures.length, 'answers that failed during the fault').toBeGreaterThan(0);
  return failures;
}

/** The slowest failed answer during a fault (ms): what "never a hang" was measured as. */
export const slowest = (failures: { ms: number }[]) => Math.round(Math.max(...failures.map((a) => a.ms)));

/** After recovery: the ledger checked against the store, the audit chains verified, the figures printed. */
export async function settle(ledger: Ledger, parts: TestParts, scenario: string, figures: Record<string, number>): Promise<void> {
  const counted = await ledger.check();
  const audit = await parts.verifyAudit();
  expect(audit.status, audit.out).toBe(0);
  summary(scenario, parts.dialect, { ...counted, ...figures });
}
