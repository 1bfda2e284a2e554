import { releasedCohortFigures, type AgencyStatisticsRelease } from '@finsam/kit/agency-statistics-release';
import { rowsOfMembers, WHOLE_TABLE_FROM } from '@finsam/kit/cohort';
import { membersFromControllers, newestFirst } from '@finsam/kit/controllers';
import { covers, todayIso, type IsoDate } from '@finsam/kit/dates';
import { ICD10_CHAPTER_NAMES, icd10Chapter, UNKNOWN_CHAPTER } from '@finsam/kit/icd10';
import { loadEach } from '@finsam/kit/loaders';
import { Answers, answerCare, CARE_ANSWERS } from '@finsam/kit/signal-statistics';
import type { CareContext } from '../context.ts';
import type { CertificateRow, WorkCapacitySteps } from '../data.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** Every ICD-10 chapter and the unknown one: statistics list them all, 0 where nobody is (a chapter listed only when someone has it would tell). */
export const CERTIFICATE_CHAPTERS = [...ICD10_CHAPTER_NAMES, UNKNOWN_CHAPTER] as const;

type CertificateFacts = Pick<CertificateRow, 'id' | 'personnummer' | 'issued_on' | 'diagnosis_code' | 'work_capacity_steps_json'>;

/**
 * Each member's medical certificates, newest first, from the regions' stores (in a statistics
 * release, only the regions the member's consent names): the statistics release's categories and
 * the signal answers read the same rows. A long list reads each table once rather than by key.
 */
async function certificatesOfMembers(members: readonly string[], ctx: CareContext): Promise<CertificateFacts[][]> {
  return membersFromControllers(members, ctx.controllerStores, ctx.controllersOfMember, async (store): Promise<CertificateFacts[][]> => {
    if (members.length < WHOLE_TABLE_FROM) return loadEach(ctx.loadersOf(store.controller.code).certificatesByPerson, members);
    return rowsOfMembers(await store.db.selectFrom('medical_certificate').select(['id', 'personnummer', 'issued_on', 'diagnosis_code', 'work_capacity_steps_json'])
      .orderBy('issued_on', 'desc').orderBy('id').execute(), members);
  }, newestFirst((c) => c.issued_on, (c) => c.id));
}

/** Each member's categories on `asOf`: the ICD-10 chapters of the certificates whose reduced work capacity covers that day. */
export async function careCategories(members: readonly string[], asOf: IsoDate, ctx: CareContext) {
  const certificates = await certificatesOfMembers(members, ctx);
  return {
    certificatesByChapter: certificates.map((rows) => [...new Set(rows
      .filter((c) => (JSON.parse(c.work_capacity_steps_json) as WorkCapacitySteps).some((s) => covers(s.from, s.to, asOf)))
      .map((c) => icd10Chapter(c.diagnosis_code) ?? UNKNOWN_CHAPTER))]),
  };
}

/**
 * The region's answers to the signal questions for each member (signal-statistics.ts): per
 * month, whether a certificate covers it and whether one says work capacity fully reduced.
 * No diagnosis, date or certificate leaves.
 */
export async function careSignalFacts(members: readonly string[], ctx: CareContext): Promise<Answers<string>> {
  const today = todayIso();
  const lists = await certificatesOfMembers(members, ctx);
  const answers = Answers.empty(CARE_ANSWERS, members.length);
  members.forEach((_, i) => answerCare(answers, i, {
    certificates: lists[i]!.map((c) => ({ issuedOn: c.issued_on, workCapacitySteps: JSON.parse(c.work_capacity_steps_json) as WorkCapacitySteps })),
  }, today));
  return answers;
}

/**
 * The region's statistics release (docs/statistics-release.md): medical certificates in force by
 * ICD-10 chapter over each period's cohort, as of the day coordination's job hands it over.
 */
export const careStatisticsRelease: AgencyStatisticsRelease<CareContext, 'certificatesByChapter'> = {
  kinds: [
    // k = 1: on the 2,000-person seed's reference day 25 % of the persons have a certificate in
    // force and nobody two of different chapters (nor 90, 200 or 365 days back). A register where
    // some do would count each under its first chapter only; k = 2 would add noise (σ √2) to
    // every cell for persons the seed has none of.
    { name: 'certificatesByChapter', domain: CERTIFICATE_CHAPTERS, valuesPerPerson: 1 },
  ],
  categories: careCategories,
  signalFacts: careSignalFacts,
};

export const cohortResolvers = {
  Cohort: {
    care: releasedCohortFigures('CARE', careStatisticsRelease),
  },
} satisfies Resolvers;
