import type { Migrations } from '@finsam/kit/database';

/** Versioned schema of the social services' store; never edit an applied migration, add one. */
export const migrations: Migrations = {
  '0001_assistance_and_measures': {
    async up(db) {
      await db.schema.createTable('assistance_month')
        .addColumn('personnummer', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('amount_sek', 'integer', (c) => c.notNull())
        .addColumn('household_type', 'text', (c) => c.notNull())
        .addColumn('reason_for_need', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('assistance_month_pk', ['personnummer', 'month'])
        .execute();
      await db.schema.createTable('social_measure')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text')
        .execute();
      await db.schema.createIndex('social_measure_personnummer').on('social_measure').column('personnummer').execute();
    },
  },
};
