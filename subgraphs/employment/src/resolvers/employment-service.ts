import { daysBetween, todayIso } from '@finsam/kit/dates';
import type { EmploymentContext } from '../context.ts';
import type { RegistrationRow } from '../data.ts';
import { jobSeekerCategory } from '../job-seeker-categories.ts';
import type { PersonRef } from './person.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** Long-term unemployed: at least six months openly unemployed or in a programme. */
const LONG_TERM_DAYS = 183;

export function currentRegistration<R extends Pick<RegistrationRow, 'registered_on' | 'deregistered_on'>>(rows: readonly R[], today: string): R | null {
  return rows.find((r) => r.registered_on <= today && (r.deregistered_on === null || r.deregistered_on > today)) ?? null;
}

export const employmentServiceResolvers = {
  EmploymentService: {
    currentRegistration: async (p: PersonRef, _a: unknown, ctx: EmploymentContext) =>
      currentRegistration(await ctx.loaders.registrationsByPerson.load(p.personnummer), todayIso()),
    registrations: (p: PersonRef, _a: unknown, ctx: EmploymentContext) => ctx.loaders.registrationsByPerson.load(p.personnummer),
    programmes: (p: PersonRef, _a: unknown, ctx: EmploymentContext) => ctx.loaders.programmesByPerson.load(p.personnummer),
    activityReports: (p: PersonRef, _a: unknown, ctx: EmploymentContext) => ctx.loaders.activityReportsByPerson.load(p.personnummer),
    async longTermUnemployed(p: PersonRef, _a: unknown, ctx: EmploymentContext) {
      const today = todayIso();
      const current = currentRegistration(await ctx.loaders.registrationsByPerson.load(p.personnummer), today);
      if (!current) return false;
      const group = jobSeekerCategory(current.job_seeker_category).group;
      return (group === 'OPENLY_UNEMPLOYED' || group === 'IN_PROGRAMME') && daysBetween(current.registered_on, today) >= LONG_TERM_DAYS;
    },
  },
} satisfies Resolvers;
