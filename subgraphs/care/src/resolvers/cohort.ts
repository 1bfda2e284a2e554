import { categoryCounts, cohortFigures } from '../../../shared/src/cohort.ts';
import { covers, todayIso } from '../../../shared/src/dates.ts';
import { icd10Chapter } from '../../../shared/src/icd10.ts';
import type { CertificateProfile } from '../../../shared/src/population/types.ts';
import type { CareContext } from '../context.ts';

export const cohortResolvers = {
  Cohort: {
    care: cohortFigures<CareContext, unknown>('care', async (members, ctx) => {
      const today = todayIso();
      const chapters: Record<string, Set<string>> = {};
      for (const rows of await ctx.loaders.certificatesByPerson.loadMany(members)) {
        if (!Array.isArray(rows)) continue;
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
