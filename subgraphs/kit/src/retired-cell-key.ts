import type { Migrations } from './database.ts';

/**
 * The cell key method's secret, retired with it (issue 20): every analyst figure is now read
 * from a statistics release (docs/statistics-release.md), so no count is perturbed per request
 * and no store needs a record-key secret. The table's creation stays in the migration sequence,
 * since stores made before record it as applied; the next migration drops it with its secret.
 */
export const retiredCellKeyMigrations: Migrations = {
  '0002_cell_key_secret': {
    async up(db) {
      await db.schema.createTable('cell_key_secret')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('secret', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0009_drop_cell_key_secret': {
    async up(db) {
      await db.schema.dropTable('cell_key_secret').ifExists().execute();
    },
  },
};
