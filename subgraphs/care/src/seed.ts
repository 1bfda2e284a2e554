import type { Kysely } from 'kysely';
import { regionOfMunicipality } from '@finsam/kit/controllers';
import { insertInChunks } from '@finsam/kit/database';
import { generatePopulation } from '@finsam/devkit/population/generate';
import type { SeedSettings } from '@finsam/kit/subgraph';
import type { CareDb } from './data.ts';
import type { CareProfession } from './generated/resolvers-types.ts';

/**
 * Whom a contact of each kind is with, in turn: the profession is the care subgraph's own detail,
 * so it is derived here from the contact rather than drawn from the shared population (a new draw
 * there would change every other sector's synthetic data for the same SEED).
 */
const PROFESSIONS_BY_KIND: Record<string, readonly CareProfession[]> = {
  PRIMARY_CARE: ['PHYSICIAN', 'NURSE', 'PHYSIOTHERAPIST'],
  PSYCHIATRY: ['PHYSICIAN', 'PSYCHOLOGIST', 'COUNSELLOR'],
  ADDICTION_CARE: ['PHYSICIAN', 'COUNSELLOR'],
  HABILITATION: ['OCCUPATIONAL_THERAPIST', 'PHYSIOTHERAPIST', 'PSYCHOLOGIST'],
  OTHER_SPECIALIST: ['PHYSICIAN', 'NURSE'],
};
const professionOf = (kind: string, n: number): CareProfession => {
  const professions = PROFESSIONS_BY_KIND[kind] ?? ['PHYSICIAN'];
  return professions[n % professions.length]!;
};

/**
 * Writes one region's part of the synthetic population these settings make (the kit calls it
 * once, in a transaction, for each region's empty store): the persons living in that region.
 */
export async function seedCare(db: Kysely<CareDb>, settings: SeedSettings): Promise<void> {
  const population = generatePopulation(settings);
  const certificates: CareDb['medical_certificate'][] = [];
  const contacts: CareDb['care_contact'][] = [];
  const coordinators: CareDb['rehabilitation_coordinator'][] = [];
  let certificateNumber = 0;
  let contactNumber = 0;
  for (const p of population.persons) {
    // Numbered over the whole population, so that a row's id is the same whichever region's store holds it.
    const here = regionOfMunicipality(p.municipality.code) === settings.controller;
    if (!here) {
      certificateNumber += p.certificates.length;
      contactNumber += p.careContacts.length;
      continue;
    }
    for (const c of p.certificates) {
      certificateNumber += 1;
      certificates.push({
        id: `REG-INT-${settings.controller}-${String(certificateNumber).padStart(7, '0')}`, personnummer: p.personnummer, type: c.type, issued_on: c.issuedOn,
        basis_json: JSON.stringify(c.basis), occupation_assessed_against: c.occupationAssessedAgainst, diagnosis_code: c.diagnosisCode,
        diagnosis_text: c.diagnosisText, impairment: c.impairment, activity_limitation: c.activityLimitation, treatment: c.treatment,
        work_capacity_steps_json: JSON.stringify(c.workCapacitySteps), prognosis: c.prognosis, suggested_measures: c.suggestedMeasures,
        care_unit: c.careUnit,
      });
    }
    for (const c of p.careContacts) {
      contactNumber += 1;
      contacts.push({
        id: `REG-K-${settings.controller}-${String(contactNumber).padStart(7, '0')}`, personnummer: p.personnummer, kind: c.kind, date: c.date, care_unit: c.careUnit,
        profession: professionOf(c.kind, contactNumber - 1),
      });
    }
    const rc = p.rehabilitationCoordinator;
    if (rc) coordinators.push({ personnummer: p.personnummer, name: rc.name, care_unit: rc.careUnit, assigned_on: rc.assignedOn });
  }
  await insertInChunks((rows) => db.insertInto('medical_certificate').values(rows).execute(), certificates);
  await insertInChunks((rows) => db.insertInto('care_contact').values(rows).execute(), contacts);
  await insertInChunks((rows) => db.insertInto('rehabilitation_coordinator').values(rows).execute(), coordinators);
}
