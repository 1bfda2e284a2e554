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
async function assistanceMonths(p: PersonRef, ctx: SocialServicesContext) {
  const lists = await Promise.all(p.release.released.map((c) => ctx.loadersOf(c.code).assistanceByPerson.load(p.personnummer)));
  return lists.flat().sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : a.controller.code.localeCompare(b.controller.code)));
}

export const socialServicesResolvers = {
  SocialServices: {
    assistanceMonths: (p: PersonRef, _a: unknown, ctx: SocialServicesContext) => assistanceMonths(p, ctx),
    assistanceMonthsLast12: async (p: PersonRef, _a: unknown, ctx: SocialServicesContext) => monthsInLastYear(await assistanceMonths(p, ctx), todayIso()),
    measures: async (p: PersonRef, _a: unknown, ctx: SocialServicesContext) => {
      const lists = await Promise.all(p.release.released.map((c) => ctx.loadersOf(c.code).measuresByPerson.load(p.personnummer)));
      return lists.flat().sort((a, b) => (a.start_date < b.start_date ? 1 : a.start_date > b.start_date ? -1 : a.id.localeCompare(b.id)));
    },
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
