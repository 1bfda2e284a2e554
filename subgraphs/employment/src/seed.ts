import type { Kysely } from 'kysely';
import { insertInChunks } from '@finsam/kit/database';
import { generatePopulation } from '@finsam/devkit/population/generate';
import type { SeedSettings } from '@finsam/kit/subgraph';
import type { EmploymentDb } from './data.ts';

/** Writes Arbetsförmedlingen's part of the synthetic population these settings make (the kit calls it once, in a transaction, for an empty store). */
export async function seedEmployment(db: Kysely<EmploymentDb>, settings: SeedSettings): Promise<void> {
  const population = generatePopulation(settings);
  const registrations: EmploymentDb['registration'][] = [];
  const programmes: EmploymentDb['programme_participation'][] = [];
  const reports: EmploymentDb['activity_report'][] = [];
  for (const p of population.persons) {
    for (const r of p.registrations) {
      registrations.push({
        id: `AF-R-${String(registrations.length + 1).padStart(7, '0')}`, personnummer: p.personnummer, registered_on: r.registeredOn,
        job_seeker_category: r.jobSeekerCategory, has_plan: r.hasPlan ? 1 : 0, deregistered_on: r.deregisteredOn,
        deregistration_reason: r.deregistrationReason, office: r.office,
      });
    }
    for (const x of p.programmes) {
      programmes.push({
        id: `AF-P-${String(programmes.length + 1).padStart(7, '0')}`, personnummer: p.personnummer, programme: x.programme,
        start_date: x.startDate, end_date: x.endDate, payment: x.payment, reported_sick_from: x.reportedSickFrom, reported_sick_to: x.reportedSickTo,
      });
    }
    for (const a of p.activityReports) reports.push({ personnummer: p.personnummer, month: a.month, submitted_on: a.submittedOn });
  }
  await insertInChunks((rows) => db.insertInto('registration').values(rows).execute(), registrations);
  await insertInChunks((rows) => db.insertInto('programme_participation').values(rows).execute(), programmes);
  await insertInChunks((rows) => db.insertInto('activity_report').values(rows).execute(), reports);
}
