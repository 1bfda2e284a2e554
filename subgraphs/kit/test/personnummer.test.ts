import personnummerPackage from 'personnummer';
import { describe, expect, it } from 'vitest';
import { checkDigit, makePersonnummer, parsePersonnummer, sexOf, writtenForms } from '../src/personnummer.ts';

const Personnummer = personnummerPackage as unknown as typeof personnummerPackage.default;

describe('parsePersonnummer', () => {
  it('accepts every written form and returns the same canonical 12 digits', () => {
    for (const form of ['811218-9876', '8112189876', '198112189876', '19811218-9876', ' 19811218-9876 ']) {
      expect(parsePersonnummer(form)).toEqual({ ok: true, value: '198112189876' });
    }
  });

  it('reads + as a person of 100 years or more', () => {
    const canonical = makePersonnummer('1924-01-12', 123);
    expect(parsePersonnummer(`${canonical.slice(2, 8)}+${canonical.slice(8)}`)).toEqual({ ok: true, value: canonical });
  });

  it('accepts a samordningsnummer (day + 60)', () => {
    const number = makePersonnummer('1992-08-05', 213, true);
    expect(number.slice(6, 8)).toBe('65');
    expect(parsePersonnummer(number)).toEqual({ ok: true, value: number });
  });

  it('says when the check digit is wrong', () => {
    const result = parsePersonnummer('811218-9875');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/check digit/);
  });

  it('says when the date does not exist', () => {
    const result = parsePersonnummer('811318-9876');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/date/);
  });

  it('rejects other shapes with the forms it accepts', () => {
    for (const input of ['', '12345', '811218_9876', 'abcdefghij', '811218-98765', '1981121898761', "8112189876' OR 1=1"]) {
      const result = parsePersonnummer(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/10 or 12 digits/);
    }
  });
});

describe('makePersonnummer', () => {
  it('computes check digits the personnummer package accepts', () => {
    for (let n = 1; n < 1000; n += 37) {
      const number = makePersonnummer('1985-03-12', n);
      expect(Personnummer.valid(number)).toBe(true);
      expect(Personnummer.valid(number.slice(0, 11) + ((Number(number[11]) + 1) % 10))).toBe(false);
    }
  });

  it('follows the Luhn rule of docs/domain.md on a worked example', () => {
    // 811218-987: weights 2,1,2,… give 16→7, 1, 2, 2, 2, 8, 18→9, 8, 14→5 = 44; (10 - 4) % 10 = 6.
    expect(checkDigit('811218987')).toBe(6);
  });

  it('gives the sex by the ninth digit', () => {
    expect(sexOf(makePersonnummer('1985-03-12', 381))).toBe('MALE');
    expect(sexOf(makePersonnummer('1985-03-12', 382))).toBe('FEMALE');
  });

  it('lists the written forms of a number', () => {
    expect(writtenForms('198112189876')).toEqual(['198112189876', '19811218-9876', '8112189876', '811218-9876']);
  });
});

describe('parsePersonnummer: mistakes that are not about the calendar', () => {
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  it('says birth number 000 is never given out, not that the date is wrong', () => {
    for (const number of [makePersonnummer('1985-03-12', 0), makePersonnummer('1992-08-05', 0, true)]) {
      for (const form of writtenForms(number)) {
        const result = parsePersonnummer(form);
        expect(result).toEqual({ ok: false, reason: expect.stringMatching(/000/) });
        if (!result.ok) expect(result.reason).not.toMatch(/date/);
      }
    }
  });

  it('refuses a date of birth in the future, for a personnummer and a samordningsnummer', () => {
    for (const number of [makePersonnummer(inDays(40), 382), makePersonnummer(inDays(40), 213, true), makePersonnummer(inDays(400), 382)]) {
      expect(parsePersonnummer(number)).toEqual({ ok: false, reason: expect.stringMatching(/future/) });
    }
  });

  it('accepts someone born today', () => {
    const today = makePersonnummer(inDays(0), 382);
    expect(parsePersonnummer(today)).toEqual({ ok: true, value: today });
  });
});
