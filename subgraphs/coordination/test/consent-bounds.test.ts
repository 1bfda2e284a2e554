import { describe, expect, it } from 'vitest';
import { validConsent, withinLifetime } from '../src/consent-form.ts';

describe('the bounds of a consent\'s validity', () => {
  const today = '2026-12-02';
  const form = { personnummer: '198503123823', agencies: ['CARE' as const], formReference: 'F-1' };
  const argumentOf = (validFrom: string, validTo: string) => {
    const result = validConsent({ ...form, validFrom, validTo }, today);
    return result.ok ? 'accepted' : result.refusal.details?.argument;
  };

  it('accepts from 30 days back to 30 days ahead, for up to 3 years to the day', () => {
    expect(argumentOf('2026-11-02', '2029-11-02')).toBe('accepted');
    expect(argumentOf('2027-01-01', '2030-01-01')).toBe('accepted');
    expect(argumentOf('2026-11-01', '2027-01-01')).toBe('input.validFrom');
    expect(argumentOf('2027-01-02', '2027-06-01')).toBe('input.validFrom');
    expect(argumentOf('2026-12-02', '2029-12-03')).toBe('input.validTo');
  });

  it('counts 3 years from 29 February to 1 March', () => {
    const leap = (validFrom: string, validTo: string) => validConsent({ ...form, validFrom, validTo }, '2028-02-29');
    expect(leap('2028-02-29', '2031-03-01').ok).toBe(true);
    expect(leap('2028-02-29', '2031-03-02').ok).toBe(false);
  });

  it('refuses a validFrom before the person was born', () => {
    expect(withinLifetime('2026-11-20', '2026-11-25')).toMatchObject({ ok: false, refusal: { code: 'BAD_USER_INPUT', details: { argument: 'input.validFrom' } } });
    expect(withinLifetime('2026-11-25', '2026-11-25').ok).toBe(true);
  });
});
