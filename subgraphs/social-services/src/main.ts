import { startSubgraph } from '@finsam/kit/subgraph';
import { buildSocialServices } from './subgraph.ts';

await startSubgraph(buildSocialServices);
