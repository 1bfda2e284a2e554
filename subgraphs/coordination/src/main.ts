import { startSubgraph } from '@finsam/kit/subgraph';
import { buildCoordination } from './subgraph.ts';

await startSubgraph(buildCoordination);
