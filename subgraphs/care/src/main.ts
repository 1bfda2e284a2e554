import { startSubgraph } from '../../shared/src/subgraph.ts';
import { care } from './subgraph.ts';

await startSubgraph(care);
