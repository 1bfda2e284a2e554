import { startSubgraph } from '../../shared/src/subgraph.ts';
import { buildSocialServices } from './subgraph.ts';

await startSubgraph(buildSocialServices);
