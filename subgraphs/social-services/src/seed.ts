import type { Kysely } from 'kysely';
import { insertInChunks } from '@finsam/kit/database';
import { generatePopulation } from '@finsam/devkit/population/generate';
import type { SeedSettings } from '@finsam/kit/subgraph';
import type { SocialServicesDb } from './data.ts';

/**
 * Writes one municipality's part of the synthetic population these settings make (the kit calls
 * it once, in a transaction, for each municipality's empty store): what that municipality paid and
 * granted, a person who moved having some in each.
 */
export async function seedSocialServices(db: Kysely<SocialServicesDb>, settings: SeedSettings): Promise<void> {
  const population = generatePopulation(settings);
  const months: SocialServicesDb['assistance_month'][] = [];
  const measures: SocialServicesDb['social_measure'][] = [];
  const here = (p: { municipality: { code: string } }, row: { municipalityCode?: string }) => (row.municipalityCode ?? p.municipality.code) === settings.controller;
  let measureNumber = 0;
  for (const p of population.persons) {
    for (const m of p.assistanceMonths) {
      if (!here(p, m)) continue;
      months.push({ personnummer: p.personnummer, month: m.month, amount_sek: m.amountSek, household_type: m.householdType, reason_for_need: m.reasonForNeed });
    }
    for (const m of p.socialMeasures) {
      // Numbered over the whole population, so that a measure's id is the same whichever store holds it.
      measureNumber += 1;
      if (!here(p, m)) continue;
      measures.push({ id: `SOC-M-${settings.controller}-${String(measureNumber).padStart(7, '0')}`, personnummer: p.personnummer, kind: m.kind, start_date: m.startDate, end_date: m.endDate });
    }
  }
  await insertInChunks((rows) => db.insertInto('assistance_month').values(rows).execute(), months);
  await insertInChunks((rows) => db.insertInto('social_measure').values(rows).execute(), measures);
}
