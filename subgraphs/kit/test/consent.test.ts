import { describe, expect, it } from 'vitest';
import { consentCovers, type ConsentDecision, type ConsentEvidence } from '../src/consent.ts';
import type { Agency } from '../src/agencies.ts';

/**
 * The agency's own decision whether a person's consent covers it today (consent.ts): the rule
 * every release of a person's sector data passes, and the reason a coordinator is shown when it
 * does not. Today is fixed, so the table holds whatever the date the suite runs on.
 */
const TODAY = '2026-03-10';
const CARE = 'CARE';

const consent = (over: Partial<ConsentEvidence> = {}): ConsentEvidence =>
  ({ agency: CARE, validFrom: '2026-01-01', validTo: '2026-12-31', revokedAt: null, ...over });

const COVERED: ConsentDecision = { covered: true };
const refused = (reason: 'NO_CONSENT' | 'CONSENT_REVOKED' | 'CONSENT_EXPIRED'): ConsentDecision => ({ covered: false, reason });

describe('consentCovers', () => {
  it.each<{ name: string; consents: ConsentEvidence[] | null | undefined; expected: ConsentDecision }>([
    { name: 'a consent for the agency, valid today', consents: [consent()], expected: COVERED },
    { name: 'no consent at all', consents: [], expected: refused('NO_CONSENT') },
    { name: 'no consent records sent (null)', consents: null, expected: refused('NO_CONSENT') },
    { name: 'no consent records sent (undefined)', consents: undefined, expected: refused('NO_CONSENT') },
    { name: 'a valid consent for another agency only', consents: [consent({ agency: 'EMPLOYMENT' })], expected: refused('NO_CONSENT') },
    { name: 'a consent whose agency differs only in case', consents: [consent({ agency: 'care' as Agency })], expected: refused('NO_CONSENT') },
    { name: 'withdrawn before today', consents: [consent({ revokedAt: '2026-02-01T09:00:00.000Z' })], expected: refused('CONSENT_REVOKED') },
    { name: 'withdrawn earlier today', consents: [consent({ revokedAt: `${TODAY}T08:00:00.000Z` })], expected: refused('CONSENT_REVOKED') },
    // A withdrawal stamped after today (coordination's clock ahead of the agency's) still holds: withdrawn is withdrawn.
    { name: 'withdrawn with a time stamp after today', consents: [consent({ revokedAt: '2026-03-11T00:30:00.000Z' })], expected: refused('CONSENT_REVOKED') },
    { name: 'expired yesterday', consents: [consent({ validTo: '2026-03-09' })], expected: refused('CONSENT_EXPIRED') },
    { name: 'expired long ago', consents: [consent({ validFrom: '2024-01-01', validTo: '2024-12-31' })], expected: refused('CONSENT_EXPIRED') },
    { name: 'not valid until tomorrow', consents: [consent({ validFrom: '2026-03-11' })], expected: refused('NO_CONSENT') },
    { name: 'valid to and including today', consents: [consent({ validTo: TODAY })], expected: COVERED },
    { name: 'valid from today', consents: [consent({ validFrom: TODAY })], expected: COVERED },
    { name: 'valid today only', consents: [consent({ validFrom: TODAY, validTo: TODAY })], expected: COVERED },
    {
      name: 'several consents of which one covers (the others expired, withdrawn, for another agency)',
      consents: [
        consent({ validFrom: '2025-01-01', validTo: '2025-06-30' }),
        consent({ revokedAt: '2026-02-01T09:00:00.000Z' }),
        consent({ agency: 'EMPLOYMENT' }),
        consent({ validFrom: '2026-03-01', validTo: '2026-09-30' }),
      ],
      expected: COVERED,
    },
    {
      name: 'a new consent after a withdrawn one',
      consents: [consent({ validFrom: '2025-01-01', revokedAt: '2025-06-01T10:00:00.000Z' }), consent({ validFrom: '2026-02-01' })],
      expected: COVERED,
    },
    {
      name: 'withdrawn now, though an older consent expired: the most recent says why',
      consents: [consent({ validFrom: '2024-01-01', validTo: '2024-12-31' }), consent({ validFrom: '2025-06-01', revokedAt: '2026-01-15T10:00:00.000Z' })],
      expected: refused('CONSENT_REVOKED'),
    },
    {
      name: 'expired now, though an older consent was withdrawn: the most recent says why',
      consents: [consent({ validFrom: '2024-01-01', revokedAt: '2024-05-01T10:00:00.000Z' }), consent({ validFrom: '2025-01-01', validTo: '2026-03-01' })],
      expected: refused('CONSENT_EXPIRED'),
    },
    {
      name: 'an expired consent and a renewal that starts tomorrow',
      consents: [consent({ validFrom: '2025-01-01', validTo: '2026-03-09' }), consent({ validFrom: '2026-03-11', validTo: '2027-03-10' })],
      expected: refused('NO_CONSENT'),
    },
    {
      name: 'a withdrawn consent for this agency and a valid one for another',
      consents: [consent({ revokedAt: '2026-02-01T09:00:00.000Z' }), consent({ agency: 'EMPLOYMENT' })],
      expected: refused('CONSENT_REVOKED'),
    },
  ])('$name', ({ consents, expected }) => {
    expect(consentCovers(consents, CARE, TODAY)).toEqual(expected);
  });

  it('judges on the day it is given: the same consent covers on its last day and not the day after', () => {
    const records = [consent({ validFrom: '2026-01-01', validTo: '2026-01-31' })];
    expect(consentCovers(records, CARE, '2025-12-31')).toEqual(refused('NO_CONSENT'));
    expect(consentCovers(records, CARE, '2026-01-01')).toEqual(COVERED);
    expect(consentCovers(records, CARE, '2026-01-31')).toEqual(COVERED);
    expect(consentCovers(records, CARE, '2026-02-01')).toEqual(refused('CONSENT_EXPIRED'));
  });

  it('gives the same reason whatever order the records arrive in', () => {
    const records = [
      consent({ validFrom: '2024-01-01', validTo: '2024-12-31' }),
      consent({ validFrom: '2025-06-01', revokedAt: '2026-01-15T10:00:00.000Z' }),
      consent({ validFrom: '2025-01-01', validTo: '2025-03-01' }),
    ];
    for (const order of [records, [...records].reverse(), [records[1]!, records[0]!, records[2]!]]) {
      expect(consentCovers(order, CARE, TODAY)).toEqual(refused('CONSENT_REVOKED'));
    }
  });

  it('gives the same reason for records that start on the same day, whichever comes first', () => {
    // Re-recorded the same day: one later withdrawn (it would still run), one that has since run out.
    const withdrawn = consent({ validFrom: '2025-01-01', validTo: '2026-12-31', revokedAt: '2026-02-01T09:00:00.000Z' });
    const expired = consent({ validFrom: '2025-01-01', validTo: '2026-03-01' });
    expect(consentCovers([withdrawn, expired], CARE, TODAY)).toEqual(refused('CONSENT_REVOKED'));
    expect(consentCovers([expired, withdrawn], CARE, TODAY)).toEqual(refused('CONSENT_REVOKED'));
    // The same dates, one withdrawn: the withdrawal is what the person did last.
    const sameDates = consent({ validFrom: '2025-01-01', validTo: '2026-03-01' });
    const sameDatesWithdrawn = consent({ validFrom: '2025-01-01', validTo: '2026-03-01', revokedAt: '2026-01-01T09:00:00.000Z' });
    expect(consentCovers([sameDates, sameDatesWithdrawn], CARE, TODAY)).toEqual(refused('CONSENT_REVOKED'));
    expect(consentCovers([sameDatesWithdrawn, sameDates], CARE, TODAY)).toEqual(refused('CONSENT_REVOKED'));
  });
});
