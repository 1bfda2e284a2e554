/** Dates as the coordinator reads them (ISO, Swedish convention); text stays as the agency wrote it. */
export const today = () => new Date().toISOString().slice(0, 10);

export function formatDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '–';
}

export function errorMessages(error: unknown): { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] {
  if (error && typeof error === 'object' && 'errors' in error && Array.isArray((error as { errors: unknown }).errors)) {
    return (error as { errors: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] }).errors;
  }
  return error ? [{ message: error instanceof Error ? error.message : String(error) }] : [];
}

/** Whole days from `from` to `to` (ISO dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
}

/** The ISO date `days` after `iso`. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A samordningsnummer is a personnummer whose day of birth has 60 added (Skatteverket gives it
 * to a person who is not folkbokförd): the number is written the same way, but called by its name.
 */
export function isSamordningsnummer(canonical: string): boolean {
  return /^\d{12}$/.test(canonical) && Number(canonical.slice(6, 8)) > 60;
}

export function identityNumberLabel(canonical: string): 'Samordningsnummer' | 'Personnummer' {
  return isSamordningsnummer(canonical) ? 'Samordningsnummer' : 'Personnummer';
}

/** `YYYYMMDD-NNNC`, as Skatteverket writes either number for a reader. */
export function formatPersonnummer(canonical: string): string {
  return /^\d{12}$/.test(canonical) ? `${canonical.slice(0, 8)}-${canonical.slice(8)}` : canonical;
}
