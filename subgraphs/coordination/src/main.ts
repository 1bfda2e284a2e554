import { startSubgraph } from '../../shared/src/subgraph.ts';
import { buildCoordination } from './subgraph.ts';

await startSubgraph(buildCoordination);
