import type { FieldTexts } from './errors';

/** The longest a consent may run and how far from today it may start: coordination's CONSENT_BOUNDS, as the form says them. */
const MAX_YEARS = 'tre år';
const MAX_DAYS = 30;

/** A date that exists, as YYYY-MM-DD. */
function isDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}

/**
 * The consent form's words for the arguments the graph names in its errors. The graph says which
 * field is wrong (`extensions.argument`); the form knows what was typed in it, so it says why.
 */
export function consentFieldTexts(form: { validFrom: string; validTo: string; today: string }): FieldTexts {
  return {
    'input.agencies': 'Välj minst en myndighet som samtycket gäller.',
    'input.validFrom': () => !isDate(form.validFrom)
      ? '«Giltigt från» är inte ett datum (ÅÅÅÅ-MM-DD).'
      : `«Giltigt från» får vara högst ${MAX_DAYS} dagar före eller efter i dag: ett samtycke registreras när det har skrivits under.`,
    'input.validTo': () => {
      if (!isDate(form.validTo)) return '«Giltigt till» är inte ett datum (ÅÅÅÅ-MM-DD).';
      if (form.validTo < form.validFrom) return '«Giltigt till» får inte vara före «Giltigt från».';
      if (form.validTo < form.today) return '«Giltigt till» har redan passerats: samtycket skulle aldrig gälla.';
      return `Ett samtycke gäller högst ${MAX_YEARS}: «Giltigt till» är för långt efter «Giltigt från».`;
    },
    'input.formReference': '«Blankettens referens» ska vara 1–100 bokstäver, siffror, mellanslag eller . _ / -.',
    // input.controllers: the reason's words (the catalogue's) say which of two things is wrong.
  };
}
