import { describeAgencyStatisticsRelease } from '@finsam/devkit/testing/statistics-release';
import { buildCare } from '../src/subgraph.ts';

describeAgencyStatisticsRelease({
  agency: 'CARE',
  build: buildCare,
  selection: 'certificatesByChapter { category count { value suppressed } }',
  figures: (field) => ({ certificatesByChapter: field.certificatesByChapter }),
  wipe: (db) => db.deleteFrom('medical_certificate').execute(),
});
