import { fromEachReleased, newestFirst } from '@finsam/kit/controllers';
import { addMonths, monthOf, todayIso } from '@finsam/kit/dates';
import type { FromController, SocialServicesContext } from '../context.ts';
import type { AssistanceMonthRow, MeasureRow } from '../data.ts';
import { reasonForNeed } from '../reasons-for-need.ts';
import type { PersonRef } from './person.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** Months with assistance among the twelve ending with the current month. */
export function monthsInLastYear(rows: readonly Pick<AssistanceMonthRow, 'month'>[], today: string): number {
  const current = monthOf(today);
  const first = addMonths(current, -11);
  return new Set(rows.filter((r) => r.month >= first && r.month <= current).map((r) => r.month)).size;
}

/** The person's assistance months from every municipality that released, newest first. */
const assistanceMonths = (p: PersonRef, ctx: SocialServicesContext) => fromEachReleased(p.release.released,
  (code) => ctx.loadersOf(code).assistanceByPerson.load(p.personnummer), newestFirst((m) => m.month, (m) => m.controller.code));

export const socialServicesResolvers = {
  SocialServices: {
    assistanceMonths: (p: PersonRef, _a: unknown, ctx: SocialServicesContext) => assistanceMonths(p, ctx),
    assistanceMonthsLast12: async (p: PersonRef, _a: unknown, ctx: SocialServicesContext) => monthsInLastYear(await assistanceMonths(p, ctx), todayIso()),
    measures: (p: PersonRef, _a: unknown, ctx: SocialServicesContext) => fromEachReleased(p.release.released,
      (code) => ctx.loadersOf(code).measuresByPerson.load(p.personnummer), newestFirst((m) => m.start_date, (m) => m.id)),
    releasedBy: (p: PersonRef) => [...p.release.released],
    notReleased: (p: PersonRef) => [...p.release.notReleased],
  },
  AssistanceMonth: {
    amountSek: (m: AssistanceMonthRow) => m.amount_sek,
    householdType: (m: AssistanceMonthRow) => m.household_type,
    reasonForNeed: (m: AssistanceMonthRow) => reasonForNeed(m.reason_for_need),
    municipality: (m: FromController<AssistanceMonthRow>) => m.controller,
  },
  SocialServicesMeasure: {
    startDate: (m: MeasureRow) => m.start_date,
    endDate: (m: MeasureRow) => m.end_date,
    municipality: (m: FromController<MeasureRow>) => m.controller,
  },
} satisfies Resolvers;
