/** `npm run start:subgraph -- <name>`: starts one subgraph (its own main.ts) in this process. */
import { SUBGRAPH_NAMES, isSubgraphName } from '@finsam/kit/config';

const name = process.argv[2] ?? '';
if (!isSubgraphName(name)) {
  console.error(`Usage: npm run start:subgraph -- <${SUBGRAPH_NAMES.join('|')}>`);
  process.exit(2);
}
await import(`@finsam/${name}/main`);
