import type { Migrations } from '@finsam/kit/database';

/** Versioned schema of Försäkringskassan's store; never edit an applied migration, add one. */
export const migrations: Migrations = {
  '0001_benefit_cases': {
    async up(db) {
      await db.schema.createTable('benefit_case')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull())
        .addColumn('benefit', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text')
        .addColumn('employed', 'integer', (c) => c.notNull())
        .addColumn('diagnosis_code', 'text')
        .addColumn('decision_date', 'text')
        .addColumn('refusal_reason', 'text')
        .addColumn('reconciliation_meeting_date', 'text')
        .addColumn('rehabilitation_plan_date', 'text')
        .addColumn('activity_compensation_ground', 'text')
        .addColumn('case_officer', 'text', (c) => c.notNull())
        .addColumn('office', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('benefit_case_personnummer').on('benefit_case').column('personnummer').execute();
      await db.schema.createTable('degree_step')
        .addColumn('case_id', 'text', (c) => c.notNull().references('benefit_case.id'))
        .addColumn('from_date', 'text', (c) => c.notNull())
        .addColumn('to_date', 'text')
        .addColumn('degree', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('degree_step_pk', ['case_id', 'from_date'])
        .execute();
    },
  },
};
