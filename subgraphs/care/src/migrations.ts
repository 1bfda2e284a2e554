import type { Migrations } from '@finsam/kit/database';

/**
 * Versioned schema of the region's store; never edit an applied migration, add one named after the
 * last one here. The kit's tables (audit log, seed, record key) migrate apart (kit/src/database.ts).
 */
export const migrations: Migrations = {
  '0001_certificates_and_contacts': {
    async up(db) {
      // A certificate is one signed document: its bases and work-capacity steps are kept with it as JSON text.
      await db.schema.createTable('medical_certificate')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('issued_on', 'text', (c) => c.notNull())
        .addColumn('basis_json', 'text', (c) => c.notNull())
        .addColumn('occupation_assessed_against', 'text', (c) => c.notNull())
        .addColumn('diagnosis_code', 'text', (c) => c.notNull())
        .addColumn('diagnosis_text', 'text', (c) => c.notNull())
        .addColumn('impairment', 'text', (c) => c.notNull())
        .addColumn('activity_limitation', 'text', (c) => c.notNull())
        .addColumn('treatment', 'text')
        .addColumn('work_capacity_steps_json', 'text', (c) => c.notNull())
        .addColumn('prognosis', 'text', (c) => c.notNull())
        .addColumn('suggested_measures', 'text')
        .addColumn('care_unit', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('medical_certificate_personnummer').on('medical_certificate').column('personnummer').execute();
      await db.schema.createTable('care_contact')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('care_unit', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('care_contact_personnummer').on('care_contact').column('personnummer').execute();
      await db.schema.createTable('rehabilitation_coordinator')
        .addColumn('personnummer', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('care_unit', 'text', (c) => c.notNull())
        .addColumn('assigned_on', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_care_contact_profession': {
    async up(db) {
      // Nullable: contacts recorded before the region kept the profession have none.
      await db.schema.alterTable('care_contact').addColumn('profession', 'text').execute();
    },
  },
};
