import { categoryCounts, cohortFigures } from '../../../shared/src/cohort.ts';
import { covers, todayIso } from '../../../shared/src/dates.ts';
import { icd10Chapter } from '../../../shared/src/icd10.ts';
import type { CertificateProfile } from '../../../shared/src/population/types.ts';
import { loadEach } from '../../../shared/src/loaders.ts';
import type { CareContext } from '../context.ts';

export const cohortResolvers = {
  Cohort: {
    care: cohortFigures<CareContext, unknown>('CARE', 'care', async (members, ctx) => {
      const today = todayIso();
      const chapters: Record<string, Set<string>> = {};
      for (const rows of await loadEach(ctx.loaders.certificatesByPerson, members)) {
        for (const c of rows) {
          const steps = JSON.parse(c.work_capacity_steps_json) as CertificateProfile['workCapacitySteps'];
          if (!steps.some((s) => covers(s.from, s.to, today))) continue;
          (chapters[icd10Chapter(c.diagnosis_code) ?? 'Okänd diagnosgrupp'] ??= new Set()).add(c.personnummer);
        }
      }
      return { certificatesByChapter: categoryCounts(Object.fromEntries(Object.entries(chapters).map(([chapter, persons]) => [chapter, persons.size]))) };
    }),
  },
};

/** What the signal rules read of the region's care: certificates and their work-capacity steps. */
export async function careSignalFacts(members: readonly string[], ctx: CareContext): Promise<Record<string, unknown>> {
  const lists = await loadEach(ctx.loaders.certificatesByPerson, members);
  return Object.fromEntries(members.map((personnummer, i) => [personnummer, {
    certificates: lists[i]!.map((c) => ({ issuedOn: c.issued_on, workCapacitySteps: JSON.parse(c.work_capacity_steps_json) as CertificateProfile['workCapacitySteps'] })),
  }]));
}
