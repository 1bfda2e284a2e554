import { startSubgraph } from '../../shared/src/subgraph.ts';
import { employment } from './subgraph.ts';

await startSubgraph(employment);
