import { startSubgraph } from '../../shared/src/subgraph.ts';
import { socialServices } from './subgraph.ts';

await startSubgraph(socialServices);
