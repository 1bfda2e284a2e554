import { startSubgraph } from '../../shared/src/subgraph.ts';
import { coordination } from './subgraph.ts';

await startSubgraph(coordination);
