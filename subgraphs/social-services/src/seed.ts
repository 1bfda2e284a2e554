import type { Kysely } from 'kysely';
import { insertInChunks } from '@finsam/kit/database';
import { generatePopulation } from '@finsam/devkit/population/generate';
import type { SeedSettings } from '@finsam/kit/subgraph';
import type { SocialServicesDb } from './data.ts';

/** Writes the social services' part of the synthetic population these settings make (the kit calls it once, in a transaction, for an empty store). */
export async function seedSocialServices(db: Kysely<SocialServicesDb>, settings: SeedSettings): Promise<void> {
  const population = generatePopulation(settings);
  const months: SocialServicesDb['assistance_month'][] = [];
  const measures: SocialServicesDb['social_measure'][] = [];
  for (const p of population.persons) {
    for (const m of p.assistanceMonths) {
      months.push({ personnummer: p.personnummer, month: m.month, amount_sek: m.amountSek, household_type: m.householdType, reason_for_need: m.reasonForNeed });
    }
    for (const m of p.socialMeasures) {
      measures.push({ id: `SOC-M-${String(measures.length + 1).padStart(7, '0')}`, personnummer: p.personnummer, kind: m.kind, start_date: m.startDate, end_date: m.endDate });
    }
  }
  await insertInChunks((rows) => db.insertInto('assistance_month').values(rows).execute(), months);
  await insertInChunks((rows) => db.insertInto('social_measure').values(rows).execute(), measures);
}
