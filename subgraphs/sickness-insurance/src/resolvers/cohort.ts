import { categoryCounts, cohortFigures } from '../../../shared/src/cohort.ts';
import { todayIso } from '../../../shared/src/dates.ts';
import type { SicknessInsuranceContext } from '../context.ts';

export const cohortResolvers = {
  Cohort: {
    sicknessInsurance: cohortFigures<SicknessInsuranceContext, unknown>('sicknessInsurance', async (members, ctx) => {
      const today = todayIso();
      const cases = (await ctx.loaders.casesByPerson.loadMany(members)).flatMap((rows) => (Array.isArray(rows) ? rows : []))
        .filter((c) => c.status === 'GRANTED' && c.start_date <= today && (c.end_date === null || c.end_date >= today));
      const benefits: Record<string, Set<string>> = {};
      for (const c of cases) (benefits[c.benefit] ??= new Set()).add(c.personnummer);
      const sickLeave = cases.filter((c) => c.benefit === 'SJUKPENNING');
      const steps = await ctx.loaders.degreeStepsByCase.loadMany(sickLeave.map((c) => c.id));
      const degrees: Record<string, number> = { '25': 0, '50': 0, '75': 0, '100': 0 };
      for (const list of steps) {
        if (!Array.isArray(list)) continue;
        const current = list.find((s) => s.from_date <= today && (s.to_date === null || s.to_date >= today));
        if (current) degrees[String(current.degree)] = (degrees[String(current.degree)] ?? 0) + 1;
      }
      return {
        benefitsNow: categoryCounts(Object.fromEntries(['SJUKPENNING', 'AKTIVITETSERSATTNING', 'SJUKERSATTNING', 'REHABILITERINGSPENNING'].map((b) => [b, benefits[b]?.size ?? 0]))),
        sickLeaveByDegree: categoryCounts(degrees),
      };
    }),
  },
};
