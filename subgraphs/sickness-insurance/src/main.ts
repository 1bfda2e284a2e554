import { startSubgraph } from '../../shared/src/subgraph.ts';
import { sicknessInsurance } from './subgraph.ts';

await startSubgraph(sicknessInsurance);
