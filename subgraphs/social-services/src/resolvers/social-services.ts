import { addMonths, monthOf, todayIso } from '@finsam/kit/dates';
import type { SocialServicesContext } from '../context.ts';
import type { AssistanceMonthRow, MeasureRow } from '../data.ts';
import { reasonForNeed } from '../reasons-for-need.ts';
import type { PersonRef } from './person.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** Months with assistance among the twelve ending with the current month. */
export function monthsInLastYear(rows: readonly Pick<AssistanceMonthRow, 'month'>[], today: string): number {
  const current = monthOf(today);
  const first = addMonths(current, -11);
  return rows.filter((r) => r.month >= first && r.month <= current).length;
}

export const socialServicesResolvers = {
  SocialServices: {
    assistanceMonths: (p: PersonRef, _a: unknown, ctx: SocialServicesContext) => ctx.loaders.assistanceByPerson.load(p.personnummer),
    assistanceMonthsLast12: async (p: PersonRef, _a: unknown, ctx: SocialServicesContext) =>
      monthsInLastYear(await ctx.loaders.assistanceByPerson.load(p.personnummer), todayIso()),
    measures: (p: PersonRef, _a: unknown, ctx: SocialServicesContext) => ctx.loaders.measuresByPerson.load(p.personnummer),
  },
  AssistanceMonth: {
    amountSek: (m: AssistanceMonthRow) => m.amount_sek,
    householdType: (m: AssistanceMonthRow) => m.household_type,
    reasonForNeed: (m: AssistanceMonthRow) => reasonForNeed(m.reason_for_need),
  },
  SocialServicesMeasure: {
    startDate: (m: MeasureRow) => m.start_date,
    endDate: (m: MeasureRow) => m.end_date,
  },
} satisfies Resolvers;
