import { startSubgraph } from '@finsam/kit/subgraph';
import { buildSicknessInsurance } from './subgraph.ts';

await startSubgraph(buildSicknessInsurance);
