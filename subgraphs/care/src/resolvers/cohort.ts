import { categoryCounts, cohortFigures, rowsOfMembers, WHOLE_TABLE_FROM } from '@finsam/kit/cohort';
import { covers, todayIso } from '@finsam/kit/dates';
import { ICD10_CHAPTER_NAMES, icd10Chapter, UNKNOWN_CHAPTER } from '@finsam/kit/icd10';
import type { WorkCapacitySteps } from '../data.ts';
import { loadEach } from '@finsam/kit/loaders';
import { Answers, answerCare, CARE_ANSWERS } from '@finsam/kit/signal-statistics';
import type { CareContext } from '../context.ts';
import type { CareCohort, Resolvers } from '../generated/resolvers-types.ts';

export const cohortResolvers = {
  Cohort: {
    care: cohortFigures<CareContext, CareCohort>('CARE', async (members, ctx) => {
      const today = todayIso();
      // Every chapter is listed, 0 where nobody is: a chapter listed only when someone has it would tell.
      const chapters: Record<string, Set<string>> = Object.fromEntries([...ICD10_CHAPTER_NAMES, UNKNOWN_CHAPTER].map((name) => [name, new Set<string>()]));
      for (const rows of await loadEach(ctx.loaders.certificatesByPerson, members)) {
        for (const c of rows) {
          const steps = JSON.parse(c.work_capacity_steps_json) as WorkCapacitySteps;
          if (!steps.some((s) => covers(s.from, s.to, today))) continue;
          (chapters[icd10Chapter(c.diagnosis_code) ?? UNKNOWN_CHAPTER] ??= new Set()).add(c.personnummer);
        }
      }
      return { certificatesByChapter: categoryCounts(ctx.recordKeys, members, chapters) };
    }),
  },
} satisfies Resolvers;

/**
 * The region's answers to the signal questions for each member (signal-statistics.ts): per
 * month, whether a certificate covers it and whether one says work capacity fully reduced.
 * No diagnosis, date or certificate leaves.
 */
export async function careSignalFacts(members: readonly string[], ctx: CareContext): Promise<Answers<string>> {
  const today = todayIso();
  const lists = members.length >= WHOLE_TABLE_FROM
    ? rowsOfMembers(await ctx.db.selectFrom('medical_certificate').select(['personnummer', 'issued_on', 'work_capacity_steps_json']).orderBy('issued_on', 'desc').orderBy('id').execute(), members)
    : await loadEach(ctx.loaders.certificatesByPerson, members);
  const answers = Answers.empty(CARE_ANSWERS, members.length);
  members.forEach((_, i) => answerCare(answers, i, {
    certificates: lists[i]!.map((c) => ({ issuedOn: c.issued_on, workCapacitySteps: JSON.parse(c.work_capacity_steps_json) as WorkCapacitySteps })),
  }, today));
  return answers;
}
