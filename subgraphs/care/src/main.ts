import { startSubgraph } from '@finsam/kit/subgraph';
import { buildCare } from './subgraph.ts';

await startSubgraph(buildCare);
