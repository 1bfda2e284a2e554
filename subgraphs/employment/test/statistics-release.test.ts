import { describeAgencyStatisticsRelease } from '@finsam/devkit/testing/statistics-release';
import { REGISTERED } from '../src/resolvers/cohort.ts';
import { buildEmployment } from '../src/subgraph.ts';

describeAgencyStatisticsRelease({
  agency: 'EMPLOYMENT',
  build: buildEmployment,
  selection: 'registeredNow { value suppressed } inProgrammeNow { category count { value suppressed } }',
  // registeredNow is the one category's count: the release's kind of one category.
  figures: (field) => ({ registeredNow: [{ category: REGISTERED, count: field.registeredNow }], inProgrammeNow: field.inProgrammeNow }),
  wipe: async (db) => {
    await db.deleteFrom('registration').execute();
    await db.deleteFrom('programme_participation').execute();
  },
});
