import { startSubgraph } from '../../shared/src/subgraph.ts';
import { buildCare } from './subgraph.ts';

await startSubgraph(buildCare);
