import { categoryCounts, cohortFigures } from '../../../shared/src/cohort.ts';
import { covers, todayIso } from '../../../shared/src/dates.ts';
import type { SicknessInsuranceContext } from '../context.ts';
import { degreeOn } from './sickness-benefit-case.ts';

export const cohortResolvers = {
  Cohort: {
    sicknessInsurance: cohortFigures<SicknessInsuranceContext, unknown>('sicknessInsurance', async (members, ctx) => {
      const today = todayIso();
      const cases = (await ctx.loaders.casesByPerson.loadMany(members)).flatMap((rows) => (Array.isArray(rows) ? rows : []))
        .filter((c) => c.status === 'GRANTED' && covers(c.start_date, c.end_date, today));
      const benefits: Record<string, Set<string>> = {};
      for (const c of cases) (benefits[c.benefit] ??= new Set()).add(c.personnummer);
      const sickLeave = cases.filter((c) => c.benefit === 'SJUKPENNING');
      const steps = await ctx.loaders.degreeStepsByCase.loadMany(sickLeave.map((c) => c.id));
      const degrees: Record<string, number> = { '25': 0, '50': 0, '75': 0, '100': 0 };
      for (const list of steps) {
        if (!Array.isArray(list)) continue;
        const degree = degreeOn(list, today);
        if (degree !== null) degrees[String(degree)] = (degrees[String(degree)] ?? 0) + 1;
      }
      return {
        benefitsNow: categoryCounts(Object.fromEntries(['SJUKPENNING', 'AKTIVITETSERSATTNING', 'SJUKERSATTNING', 'REHABILITERINGSPENNING'].map((b) => [b, benefits[b]?.size ?? 0]))),
        sickLeaveByDegree: categoryCounts(degrees),
      };
    }),
  },
};
