import { categoryCounts, cohortFigures, rowsOfMembers, WHOLE_TABLE_FROM } from '@finsam/kit/cohort';
import { addMonths, monthOf, todayIso } from '@finsam/kit/dates';
import { loadEach } from '@finsam/kit/loaders';
import { Answers, answerSocialServices, SOCIAL_SERVICES_ANSWERS } from '@finsam/kit/signal-statistics';
import type { SocialServicesContext } from '../context.ts';
import { reasonForNeed } from '../reasons-for-need.ts';
import { monthsInLastYear } from './social-services.ts';
import type { SocialServicesCohort, Resolvers } from '../generated/resolvers-types.ts';

const band = (months: number) => (months === 0 ? 'NONE' : months <= 5 ? '1_5' : months <= 9 ? '6_9' : '10_12');

export const cohortResolvers = {
  Cohort: {
    socialServices: cohortFigures<SocialServicesContext, SocialServicesCohort>('SOCIAL_SERVICES', async (members, ctx) => {
      const today = todayIso();
      const bands: Record<string, string[]> = { NONE: [], '1_5': [], '6_9': [], '10_12': [] };
      const assistance = await loadEach(ctx.loaders.assistanceByPerson, members);
      members.forEach((personnummer, i) => bands[band(monthsInLastYear(assistance[i]!, today))]!.push(personnummer));
      return { assistanceMonthsLast12: categoryCounts(ctx.recordKeys, members, bands) };
    }),
  },
} satisfies Resolvers;

/**
 * The social services' answers to the signal questions for each member (signal-statistics.ts):
 * bistånd per month, 6 of the last 12 months, sick-listed with a certificate per month. No
 * amount, household or reason for need leaves.
 */
export async function socialServicesSignalFacts(members: readonly string[], ctx: SocialServicesContext): Promise<Answers<string>> {
  const today = todayIso();
  const lists = members.length >= WHOLE_TABLE_FROM
    // Only the months the questions ask about (23 months back to 12 ahead): the answers are the same.
    ? rowsOfMembers(await ctx.db.selectFrom('assistance_month').select(['personnummer', 'month', 'reason_for_need'])
      .where('month', '>=', addMonths(monthOf(today), -23)).where('month', '<=', addMonths(monthOf(today), 12)).orderBy('month', 'desc').execute(), members)
    : await loadEach(ctx.loaders.assistanceByPerson, members);
  const answers = Answers.empty(SOCIAL_SERVICES_ANSWERS, members.length);
  members.forEach((_, i) => answerSocialServices(answers, i, {
    assistanceMonths: lists[i]!.map((m) => ({ month: m.month, reasonForNeed: { group: reasonForNeed(m.reason_for_need).group } })),
  }, today));
  return answers;
}
