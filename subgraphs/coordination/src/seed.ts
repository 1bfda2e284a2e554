import type { Insertable, Kysely } from 'kysely';
import { insertInChunks } from '@finsam/kit/database';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { seedObstacles } from '@finsam/devkit/population/obstacles';
import { AGENCIES } from '@finsam/kit/agencies';
import { obstacleRow } from './obstacles.ts';
import type { ObstacleCode } from './generated/resolvers-types.ts';
import type { SeedSettings } from '@finsam/kit/subgraph';
import type { CoordinationDb } from './data.ts';
import { newPersonId } from './migrations.ts';
import { consentControllerKind, homeController } from './consent-controllers.ts';

/** Writes the samordningsförbund's part of the synthetic population these settings make (the kit calls it once, in a transaction, for an empty store). */
export async function seedCoordination(db: Kysely<CoordinationDb>, settings: SeedSettings): Promise<void> {
  const population = generatePopulation(settings);
  await insertInChunks((rows) => db.insertInto('forbund').values(rows).execute(), population.forbund.map((f) => ({ id: f.id, name: f.name })));
  await insertInChunks((rows) => db.insertInto('municipality').values(rows).execute(),
    population.forbund.flatMap((f) => f.municipalities.map((m) => ({ code: m.code, name: m.name, county: m.county, forbund_id: f.id }))));
  await insertInChunks((rows) => db.insertInto('coordinator').values(rows).execute(),
    population.coordinators.map((c) => ({ id: c.id, name: c.name, forbund_id: c.forbundId })));
  await insertInChunks((rows) => db.insertInto('intervention').values(rows).execute(),
    population.interventions.map((i) => ({ id: i.id, name: i.name, kind: i.kind, forbund_id: i.forbundId, start_date: i.startDate, end_date: i.endDate })));

  const persons: CoordinationDb['person'][] = [];
  const assignments: CoordinationDb['caseload_assignment'][] = [];
  const participations: Insertable<CoordinationDb['participation']>[] = [];
  const consents: CoordinationDb['consent'][] = [];
  for (const p of population.persons) {
    persons.push({
      personnummer: p.personnummer, id: newPersonId(), given_name: p.givenName, family_name: p.familyName, sex: p.sex, birth_date: p.birthDate,
      municipality_code: p.municipality.code, address: p.address, identity_protection: p.protectedIdentity,
      priority_groups: JSON.stringify(p.priorityGroups),
    });
    const firstIn = p.participations.map((x) => x.registeredIn).sort()[0] ?? population.referenceDate;
    assignments.push({ coordinator_id: p.coordinatorId, personnummer: p.personnummer, assigned_from: firstIn, assigned_to: null });
    for (const x of p.participations) {
      participations.push({
        id: `SF-D-${String(participations.length + 1).padStart(7, '0')}`, personnummer: p.personnummer, intervention_id: x.interventionId,
        registered_in: x.registeredIn, registered_out: x.registeredOut, income_sources_before: JSON.stringify(x.incomeSourcesBefore),
        occupation_before: x.occupationBefore, occupation_share_before: x.occupationShareBefore, education_level: x.educationLevel,
        years_on_public_support: x.yearsOnPublicSupport, end_reason: x.endReason, occupation_after: x.occupationAfter,
        income_sources_after: x.incomeSourcesAfter === null ? null : JSON.stringify(x.incomeSourcesAfter),
      });
    }
    for (const c of p.consents) {
      // One row per agency named on the form, so that one agency can be revoked alone; the social
      // services' names the person's home municipality, care's its region (consent-controllers.ts).
      for (const agency of c.agencies) {
        const kind = consentControllerKind(agency);
        consents.push({
          id: `SF-S-${String(consents.length + 1).padStart(7, '0')}`, personnummer: p.personnummer, agency,
          controller: kind ? homeController(kind, p.municipality.code) : null, valid_from: c.validFrom,
          valid_to: c.validTo, revoked_at: c.revokedAt, form_reference: c.formReference, recorded_by: p.coordinatorId,
          recorded_at: `${c.validFrom}T09:00:00.000Z`,
        });
      }
    }
  }
  await insertInChunks((rows) => db.insertInto('person').values(rows).execute(), persons);
  await insertInChunks((rows) => db.insertInto('caseload_assignment').values(rows).execute(), assignments);
  await insertInChunks((rows) => db.insertInto('participation').values(rows).execute(), participations);
  await insertInChunks((rows) => db.insertInto('consent').values(rows).execute(), consents);
  // Recorded in the past by each person's coordinator, as RecordObstacle stores them; no note, no signals seen.
  const obstacles = new Map(seedObstacles(population).map((o) => obstacleRow(
    o.personnummer, o.coordinatorId, `${o.recordedOn}T10:00:00.000Z`,
    { code: o.code as ObstacleCode, agencies: AGENCIES.filter((a) => o.agencies.includes(a)), note: null, signalsSeen: [] },
  )).map((row) => [row.dedupe_key, row]));
  // Two draws of the same record the same day are one record, as a double submit is.
  await insertInChunks((rows) => db.insertInto('obstacle').values(rows).execute(), [...obstacles.values()]);
}
