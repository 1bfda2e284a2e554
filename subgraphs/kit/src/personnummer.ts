import personnummerPackage from 'personnummer';
import { todayIso } from './dates.ts';

// CommonJS whose typings declare an ES default export: at run time the default import is the class.
const Personnummer = personnummerPackage as unknown as typeof personnummerPackage.default;

/** A personnummer or samordningsnummer in its canonical 12-digit form, `YYYYMMDDNNNC`. */
export type CanonicalPersonnummer = string;

export type PersonnummerResult =
  | { ok: true; value: CanonicalPersonnummer }
  | { ok: false; reason: string };

const OPTIONS = { allowCoordinationNumber: true, allowInterimNumber: false };
const WRITTEN_FORMS = /^(\d{2})?\d{6}[-+]?\d{4}$/;
/** Ten digits in a row, with or without the separator: any written form of a personnummer, inside other text. */
const WITHIN_TEXT = /\d{6}[-+]?\d{4}/;

/** Whether text may hold a personnummer or samordningsnummer (to keep it out of logs and URLs). */
export const mayHoldPersonnummer = (text: string): boolean => WITHIN_TEXT.test(text);

/**
 * Accepts every written form (YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC, YYYYMMDDNNNC,
 * YYYYMMDD-NNNC) and returns the canonical 12-digit form, or why the input is not one.
 * Validation is the `personnummer` package's; we only add which part is wrong, because a
 * coordinator who mistyped needs to know whether to look at the date or the last digit.
 */
export function parsePersonnummer(input: string): PersonnummerResult {
  const text = input.trim();
  if (!WRITTEN_FORMS.test(text)) {
    return {
      ok: false,
      reason:
        'A personnummer has 10 or 12 digits, written YYMMDD-NNNC, YYMMDDNNNC, YYYYMMDDNNNC or YYYYMMDD-NNNC (+ instead of - from the year the person turns 100).',
    };
  }
  // The package refuses birth number 000 as it refuses a date that does not exist; they are different mistakes.
  if (text.slice(-4, -1) === '000') {
    return { ok: false, reason: 'The birth number (the three digits before the check digit) is 000, which is never given out.' };
  }
  if (Personnummer.valid(text, OPTIONS)) {
    const parsed = Personnummer.parse(text, OPTIONS);
    const day = Number(parsed.day) - (parsed.isCoordinationNumber() ? 60 : 0);
    const birthDate = `${parsed.fullYear}-${parsed.month}-${String(day).padStart(2, '0')}`;
    // The package checks the calendar, not the clock: nobody is born later than today.
    if (birthDate > todayIso()) return { ok: false, reason: 'The date of birth in the personnummer is in the future.' };
    return { ok: true, value: parsed.format(true) };
  }
  const withoutCheck = text.slice(0, -1);
  const someCheckDigitFits = [...'0123456789'].some((digit) => Personnummer.valid(withoutCheck + digit, OPTIONS));
  return {
    ok: false,
    reason: someCheckDigitFits
      ? 'The check digit (the last digit) does not match the rest of the personnummer.'
      : 'The date of birth in the personnummer is not a valid date (for a samordningsnummer, day + 60).',
  };
}

/**
 * The check digit for YYMMDDNNN: Luhn with weights 2,1,2,… The package only validates; the seed
 * has to compute a digit for 100,000 numbers, and trying ten candidates through it is 20 times slower.
 */
export function checkDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const product = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

/** Builds a canonical personnummer from a birth date and a three-digit birth number. */
export function makePersonnummer(birthDate: string, birthNumber: number, coordinationNumber = false): CanonicalPersonnummer {
  const [year, month, day] = birthDate.split('-') as [string, string, string];
  const dd = String(Number(day) + (coordinationNumber ? 60 : 0)).padStart(2, '0');
  const withoutCheck = `${year}${month}${dd}${String(birthNumber).padStart(3, '0')}`;
  return withoutCheck + checkDigit(withoutCheck.slice(2));
}

/** Ninth digit odd = male, even = female. */
export function sexOf(personnummer: CanonicalPersonnummer): 'MALE' | 'FEMALE' {
  return Number(personnummer[10]) % 2 === 1 ? 'MALE' : 'FEMALE';
}

/** The written forms a person may type for the same canonical number (docs and tests use them). */
export function writtenForms(canonical: CanonicalPersonnummer): string[] {
  const short = canonical.slice(2);
  return [canonical, `${canonical.slice(0, 8)}-${canonical.slice(8)}`, short, `${short.slice(0, 6)}-${short.slice(6)}`];
}
