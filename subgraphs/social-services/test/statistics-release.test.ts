import { describeAgencyStatisticsRelease } from '@finsam/devkit/testing/statistics-release';
import { buildSocialServices } from '../src/subgraph.ts';

describeAgencyStatisticsRelease({
  agency: 'SOCIAL_SERVICES',
  build: buildSocialServices,
  selection: 'assistanceMonthsLast12 { category count { value suppressed } }',
  figures: (field) => ({ assistanceMonthsLast12: field.assistanceMonthsLast12 }),
  wipe: (db) => db.deleteFrom('assistance_month').execute(),
});
