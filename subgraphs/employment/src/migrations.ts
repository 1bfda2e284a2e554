import type { Migrations } from '@finsam/kit/database';

/** Versioned schema of Arbetsförmedlingen's store; never edit an applied migration, add one. */
export const migrations: Migrations = {
  '0001_registrations_and_programmes': {
    async up(db) {
      await db.schema.createTable('registration')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull())
        .addColumn('registered_on', 'text', (c) => c.notNull())
        .addColumn('job_seeker_category', 'text', (c) => c.notNull())
        .addColumn('has_plan', 'integer', (c) => c.notNull())
        .addColumn('deregistered_on', 'text')
        .addColumn('deregistration_reason', 'text')
        .addColumn('office', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('registration_personnummer').on('registration').column('personnummer').execute();
      await db.schema.createTable('programme_participation')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull())
        .addColumn('programme', 'text', (c) => c.notNull())
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text')
        .addColumn('payment', 'text', (c) => c.notNull())
        .addColumn('reported_sick_from', 'text')
        .addColumn('reported_sick_to', 'text')
        .execute();
      await db.schema.createIndex('programme_participation_personnummer').on('programme_participation').column('personnummer').execute();
      await db.schema.createTable('activity_report')
        .addColumn('personnummer', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('submitted_on', 'text')
        .addPrimaryKeyConstraint('activity_report_pk', ['personnummer', 'month'])
        .execute();
    },
  },
};
