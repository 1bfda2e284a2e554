import { describeAgencyStatisticsRelease } from '@finsam/devkit/testing/statistics-release';
import { buildSicknessInsurance } from '../src/subgraph.ts';

describeAgencyStatisticsRelease({
  agency: 'SICKNESS_INSURANCE',
  build: buildSicknessInsurance,
  selection: 'benefitsNow { category count { value suppressed } } sickLeaveByDegree { category count { value suppressed } }',
  figures: (field) => ({ benefitsNow: field.benefitsNow, sickLeaveByDegree: field.sickLeaveByDegree }),
  wipe: async (db) => {
    await db.deleteFrom('degree_step').execute();
    await db.deleteFrom('benefit_case').execute();
  },
});
