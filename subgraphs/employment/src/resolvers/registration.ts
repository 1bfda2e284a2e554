import type { ActivityReportRow, ProgrammeRow, RegistrationRow } from '../data.ts';
import { jobSeekerCategory } from '../job-seeker-categories.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

export const registrationResolvers = {
  Registration: {
    registeredOn: (r: RegistrationRow) => r.registered_on,
    jobSeekerCategory: (r: RegistrationRow) => jobSeekerCategory(r.job_seeker_category),
    hasPlan: (r: RegistrationRow) => r.has_plan === 1,
    deregisteredOn: (r: RegistrationRow) => r.deregistered_on,
    deregistrationReason: (r: RegistrationRow) => r.deregistration_reason,
  },
  ProgrammeParticipation: {
    startDate: (p: ProgrammeRow) => p.start_date,
    endDate: (p: ProgrammeRow) => p.end_date,
    reportedSickFrom: (p: ProgrammeRow) => p.reported_sick_from,
    reportedSickTo: (p: ProgrammeRow) => p.reported_sick_to,
  },
  ActivityReport: {
    submittedOn: (a: ActivityReportRow) => a.submitted_on,
  },
} satisfies Resolvers;
