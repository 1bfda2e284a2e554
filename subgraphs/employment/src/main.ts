import { startSubgraph } from '@finsam/kit/subgraph';
import { buildEmployment } from './subgraph.ts';

await startSubgraph(buildEmployment);
