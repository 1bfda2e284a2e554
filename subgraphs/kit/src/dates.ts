/** Calendar dates are ISO strings (YYYY-MM-DD) throughout: they sort and compare as text. */
export type IsoDate = string;

const DAY_MS = 86_400_000;

export function todayIso(): IsoDate {
  return new Date().toISOString().slice(0, 10);
}

function epochMs(date: IsoDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(epochMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((epochMs(to) - epochMs(from)) / DAY_MS);
}

/** `YYYY-MM` of a date. */
export function monthOf(date: IsoDate): string {
  return date.slice(0, 7);
}

export function addMonths(month: string, months: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function isIsoDate(value: string): boolean {
  return dateProblem('date', value) === null;
}

/**
 * Why `value` is not a calendar date, in a sentence that starts with the argument's name, or null.
 * A well-written day that does not exist (2025-02-30) is told apart from a wrong shape: the
 * client wrote the format right and needs to hear that the calendar is the problem.
 */
export function dateProblem(argument: string, value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${argument} is a calendar date written YYYY-MM-DD.`;
  const month = Number(value.slice(5, 7));
  if (month < 1 || month > 12) return `${argument}: the date ${value} does not exist (there is no month ${value.slice(5, 7)}).`;
  const days = new Date(Date.UTC(Number(value.slice(0, 4)), month, 0)).getUTCDate();
  const day = Number(value.slice(8, 10));
  if (day < 1 || day > days) return `${argument}: the date ${value} does not exist (${value.slice(0, 7)} has ${days} days).`;
  return null;
}

/** True when [from, to] (to open-ended when null) contains `date`. */
export function covers(from: IsoDate, to: IsoDate | null, date: IsoDate): boolean {
  return from <= date && (to === null || date <= to);
}

export function overlaps(aFrom: IsoDate, aTo: IsoDate | null, bFrom: IsoDate, bTo: IsoDate | null): boolean {
  return (bTo === null || aFrom <= bTo) && (aTo === null || bFrom <= aTo);
}
