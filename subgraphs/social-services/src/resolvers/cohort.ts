import { releasedCohortFigures, type AgencyStatisticsRelease } from '@finsam/kit/agency-statistics-release';
import { rowsOfMembers, WHOLE_TABLE_FROM } from '@finsam/kit/cohort';
import { membersFromControllers, newestFirst } from '@finsam/kit/controllers';
import { addMonths, monthOf, todayIso, type IsoDate } from '@finsam/kit/dates';
import { loadEach } from '@finsam/kit/loaders';
import { Answers, answerSocialServices, SOCIAL_SERVICES_ANSWERS } from '@finsam/kit/signal-statistics';
import type { SocialServicesContext } from '../context.ts';
import type { AssistanceMonthRow } from '../data.ts';
import { reasonForNeed } from '../reasons-for-need.ts';
import { monthsInLastYear } from './social-services.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** Months with ekonomiskt bistånd among the last twelve, in bands: none, 1–5, 6–9, 10–12. */
export const ASSISTANCE_BANDS = ['NONE', '1_5', '6_9', '10_12'] as const;
const band = (months: number) => (months === 0 ? 'NONE' : months <= 5 ? '1_5' : months <= 9 ? '6_9' : '10_12');

type MonthFacts = Pick<AssistanceMonthRow, 'personnummer' | 'month' | 'reason_for_need'>;

/**
 * Each member's months of assistance, newest first, from the member municipalities' stores; a
 * long list reads the months from `fromMonth` to `toMonth` of each whole table once rather than by
 * key (the rest answer nothing asked here). The statistics release's categories and the signal
 * answers read the same rows.
 */
async function assistanceOfMembers(members: readonly string[], ctx: SocialServicesContext, fromMonth: string, toMonth: string): Promise<MonthFacts[][]> {
  return membersFromControllers(members, ctx.controllerStores, ctx.controllersOfMember, async (store): Promise<MonthFacts[][]> => {
    if (members.length < WHOLE_TABLE_FROM) return loadEach(ctx.loadersOf(store.controller.code).assistanceByPerson, members);
    return rowsOfMembers(await store.db.selectFrom('assistance_month').select(['personnummer', 'month', 'reason_for_need'])
      .where('month', '>=', fromMonth).where('month', '<=', toMonth).orderBy('month', 'desc').execute(), members);
  }, newestFirst((m) => m.month));
}

/** Each member's band of months with assistance among the twelve ending with `asOf`'s month: exactly one each. */
export async function socialServicesCategories(members: readonly string[], asOf: IsoDate, ctx: SocialServicesContext) {
  const assistance = await assistanceOfMembers(members, ctx, addMonths(monthOf(asOf), -11), monthOf(asOf));
  return { assistanceMonthsLast12: assistance.map((rows) => [band(monthsInLastYear(rows, asOf))]) };
}

/**
 * The social services' answers to the signal questions for each member (signal-statistics.ts):
 * bistånd per month, 6 of the last 12 months, sick-listed with a certificate per month. No
 * amount, household or reason for need leaves.
 */
export async function socialServicesSignalFacts(members: readonly string[], ctx: SocialServicesContext): Promise<Answers<string>> {
  const today = todayIso();
  // Only the months the questions ask about (23 months back to 12 ahead): the answers are the same.
  const lists = await assistanceOfMembers(members, ctx, addMonths(monthOf(today), -23), addMonths(monthOf(today), 12));
  const answers = Answers.empty(SOCIAL_SERVICES_ANSWERS, members.length);
  members.forEach((_, i) => answerSocialServices(answers, i, {
    assistanceMonths: lists[i]!.map((m) => ({ month: m.month, reasonForNeed: { group: reasonForNeed(m.reason_for_need).group } })),
  }, today));
  return answers;
}

/**
 * The social services' statistics release (docs/statistics-release.md): months with ekonomiskt
 * bistånd among the last twelve, in bands, over each period's cohort, as of the day
 * coordination's job hands it over.
 */
export const socialServicesStatisticsRelease: AgencyStatisticsRelease<SocialServicesContext, 'assistanceMonthsLast12'> = {
  kinds: [
    // k = 1: the bands partition the members, each is in exactly one (NONE included).
    { name: 'assistanceMonthsLast12', domain: ASSISTANCE_BANDS, valuesPerPerson: 1 },
  ],
  categories: socialServicesCategories,
  signalFacts: socialServicesSignalFacts,
};

export const cohortResolvers = {
  Cohort: {
    socialServices: releasedCohortFigures('SOCIAL_SERVICES', socialServicesStatisticsRelease),
  },
} satisfies Resolvers;
