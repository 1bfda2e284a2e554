import { startSubgraph } from '../../shared/src/subgraph.ts';
import { buildSicknessInsurance } from './subgraph.ts';

await startSubgraph(buildSicknessInsurance);
