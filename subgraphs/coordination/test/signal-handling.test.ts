import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@finsam/kit/dates';
import { loadOrCreateCoordinationKey } from '@finsam/kit/release-basis';
import type { SigningKey } from '@finsam/kit/signing-key';
import { checkedHandling, fingerprintOf, handlingOf, needsAction, signalId, type HandlingRow } from '../src/signal-handling.ts';
import type { Signal } from '../src/signals.ts';

const today = '2026-12-07';
const anna = '198503123823';
const signal: Signal = {
  code: 'DAY_180_APPROACHING', arose: '2026-11-20', summary: '…',
  facts: [{ agency: 'SICKNESS_INSURANCE', description: 'Sjukpenning sedan 2026-06-24, dag 166 i rehabiliteringskedjan', date: '2026-06-24' }],
};

describe('signal handling', () => {
  let key: SigningKey;
  beforeAll(async () => {
    key = await loadOrCreateCoordinationKey(fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-signal-')));
  });

  it('fingerprints the facts: a new arose date or a different fact is another fingerprint, and it names nothing', () => {
    const fingerprint = fingerprintOf(key, anna, signal);
    expect(fingerprintOf(key, anna, { ...signal })).toBe(fingerprint);
    expect(fingerprintOf(key, anna, { ...signal, arose: '2026-11-21' })).not.toBe(fingerprint);
    expect(fingerprintOf(key, anna, { ...signal, facts: [] })).not.toBe(fingerprint);
    expect(fingerprintOf(key, '199006215704', signal)).not.toBe(fingerprint);
    expect(fingerprint).not.toMatch(/2026|1985|DAY_180/);
  });

  it('takes a signal id only for the person and the day it was given for', () => {
    const fingerprint = fingerprintOf(key, anna, signal);
    const id = signalId(key, anna, signal.code, fingerprint, today);
    const args = { signalId: id, action: 'Ringde', followUp: addDays(today, 14) };
    expect(checkedHandling(key, anna, args, today)).toEqual({ ok: true, value: { code: signal.code, fingerprint, action: 'Ringde', followUp: addDays(today, 14) } });
    for (const [person, day] of [['199006215704', today], [anna, addDays(today, 1)]] as const) {
      const result = checkedHandling(key, person, args, day);
      expect(result).toMatchObject({ ok: false, refusal: { code: 'BAD_USER_INPUT', reason: 'SIGNAL_NOT_CURRENT', details: { argument: 'signalId' } } });
    }
    const forged = id.replace(/\.[^.]+$/, `.${'A'.repeat(32)}`);
    expect(checkedHandling(key, anna, { ...args, signalId: forged }, today)).toMatchObject({ ok: false, refusal: { details: { argument: 'signalId' } } });
  });

  it('refuses empty or too long text and follow-up days that are malformed, past or too far ahead, naming the argument', () => {
    const args = { signalId: signalId(key, anna, signal.code, fingerprintOf(key, anna, signal), today), action: 'Ringde', followUp: today };
    const refused = (change: Partial<typeof args>) => {
      const result = checkedHandling(key, anna, { ...args, ...change }, today);
      return result.ok ? null : result.refusal.details?.argument;
    };
    expect(refused({})).toBeNull();
    expect(refused({ action: ' \n ' })).toBe('action');
    expect(refused({ action: 'å'.repeat(1001) })).toBe('action');
    expect(refused({ action: 'å'.repeat(1000) })).toBeNull();
    expect(refused({ followUp: '2026-13-01' })).toBe('followUp');
    expect(refused({ followUp: addDays(today, -1) })).toBe('followUp');
    expect(refused({ followUp: addDays(today, 366) })).toBe('followUp');
    expect(refused({ followUp: addDays(today, 365) })).toBeNull();
  });

  it('applies the latest handling on the same facts, quiet until its follow-up day', () => {
    const row = (id: string, fingerprint: string, handledAt: string, followUp: string): HandlingRow => ({
      id, personnummer: anna, code: 'DAY_180_APPROACHING', fingerprint, handled_by: 'coordinator-1', handled_at: handledAt, action: '…', follow_up: followUp,
    });
    const rows = [row('a', 'f1', '2026-12-01T10:00:00Z', '2026-12-10'), row('b', 'f1', '2026-12-05T10:00:00Z', '2026-12-20'), row('c', 'f0', '2026-12-06T10:00:00Z', '2026-12-30')];
    expect(handlingOf(rows, 'DAY_180_APPROACHING', 'f1')?.id).toBe('b');
    expect(handlingOf(rows, 'DAY_180_APPROACHING', 'f2')).toBeNull();
    expect(needsAction(null, today)).toBe(true);
    expect(needsAction(rows[1]!, '2026-12-19')).toBe(false);
    expect(needsAction(rows[1]!, '2026-12-20')).toBe(true);
  });
});
