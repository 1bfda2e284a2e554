import { startSubgraph } from '../../shared/src/subgraph.ts';
import { buildEmployment } from './subgraph.ts';

await startSubgraph(buildEmployment);
