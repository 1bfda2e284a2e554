import { addDays, dateProblem } from '../dates.ts';
import { failure, success, type Result } from '../errors.ts';

/**
 * The periods releases are made for and read by: a month (`YYYY-MM`) or a calendar year (`YYYY`).
 * Shared by coordination's release and each agency's, so that a period means the same days at all
 * of them and an analyst's period is answered from the same releases everywhere.
 */

/** `YYYY-MM` → its first and last day. */
export function monthBounds(period: string): { from: string; to: string } {
  const from = `${period}-01`;
  const [year, month] = period.split('-').map(Number) as [number, number];
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  return { from, to: addDays(next, -1) };
}

/** `YYYY` (a calendar year) or `YYYY-MM` → its first and last day. */
export function periodBounds(period: string): { from: string; to: string } {
  return /^\d{4}$/.test(period) ? { from: `${period}-01-01`, to: `${period}-12-31` } : monthBounds(period);
}

export const nextMonth = (month: string) => addDays(monthBounds(month).to, 1).slice(0, 7);

/** The months of [fromMonth, toMonth], in order. */
export function monthsOf(fromMonth: string, toMonth: string): string[] {
  const months: string[] = [];
  for (let month = fromMonth; month <= toMonth; month = nextMonth(month)) months.push(month);
  return months;
}

/**
 * A period of whole months, [from, to] as dates (the first day of a month, the last day of a
 * month), as its first and last month; otherwise BAD_USER_INPUT naming `from` or `to`. Releases
 * are of months, so a period that cut one would be answered for days nobody asked about.
 */
export function wholeMonths(from: string, to: string): Result<{ fromMonth: string; toMonth: string }> {
  for (const [argument, value] of [['from', from], ['to', to]] as const) {
    const problem = dateProblem(argument, value);
    if (problem) return failure('BAD_USER_INPUT', `${problem} Periods are whole months.`, { argument });
  }
  if (!from.endsWith('-01')) return failure('BAD_USER_INPUT', `from must be the first day of a month (YYYY-MM-01); got "${from}". Periods are whole months.`, { argument: 'from' });
  if (addDays(to, 1).slice(8) !== '01') return failure('BAD_USER_INPUT', `to must be the last day of a month (e.g. 2025-06-30); got "${to}". Periods are whole months.`, { argument: 'to' });
  if (from > to) return failure('BAD_USER_INPUT', `from (${from}) is after to (${to}).`, { argument: 'from' });
  return success({ fromMonth: from.slice(0, 7), toMonth: to.slice(0, 7) });
}

/** Whether `period` names a release's period: a month `YYYY-MM` or a calendar year `YYYY`. */
export const isReleasePeriod = (period: string): boolean => /^\d{4}$/.test(period) || (/^\d{4}-\d{2}$/.test(period) && Number(period.slice(5)) >= 1 && Number(period.slice(5)) <= 12);

/**
 * The releases a period is answered from: each whole calendar year of the period by its own
 * release when the year is released (less noise than its twelve months summed), every other
 * month by the month's. The choice depends only on the period, so a period always gets the same
 * figures. Months before the first monthly release are months before the register's first
 * registration (the job releases every month from that one on), so they hold nobody and add
 * nothing. A month after the latest release is refused, naming `to`: a period is never answered
 * in part. `what` names the releases in the messages ("month", "month of signal counts").
 */
export function releasesForPeriod<T>(released: ReadonlyMap<string, T>, fromMonth: string, toMonth: string, what = 'month'): Result<T[]> {
  const months = [...released.keys()].filter((p) => p.length === 7).sort();
  const [first, latest] = [months[0], months.at(-1)];
  if (first === undefined || latest === undefined) {
    return failure('BAD_USER_INPUT', `to: no ${what} is released yet. A month is released once it has ended and settled (docs/analysts.md).`, { argument: 'to' });
  }
  if (toMonth > latest) {
    return failure('BAD_USER_INPUT', `to: ${toMonth} is not released yet; the latest released ${what} is ${latest} (a month is released about two weeks after it ends, docs/analysts.md).`, { argument: 'to' });
  }
  const releases: T[] = [];
  for (let month = fromMonth; month <= toMonth;) {
    const year = month.slice(0, 4);
    const wholeYear = released.get(year);
    if (month.endsWith('-01') && `${year}-12` <= toMonth && wholeYear) {
      releases.push(wholeYear);
      month = `${Number(year) + 1}-01`;
      continue;
    }
    const release = released.get(month);
    if (release) releases.push(release);
    else if (month > first) return failure('BAD_USER_INPUT', `from: ${month} is not released, so the period cannot be answered whole; ask from ${nextMonth(month)} on.`, { argument: 'from' });
    month = nextMonth(month);
  }
  return success(releases);
}
