import { composeSubgraphs, servedSubgraphSdl } from '@finsam/kit/composition';
import { SUBGRAPH_NAMES } from '@finsam/kit/config';
import { fail, pass, type Check } from './check.ts';
import { describeAnswer, Implementation } from './implementation.ts';
import { coordinatorOf } from './person.ts';

/**
 * Check 2: the schema the implementation serves (`_service { sdl }`, what a gateway or registry
 * reads) composes with the other subgraphs' schemas of this repository in its place.
 */
export const compositionCheck: Check = {
  name: 'composition',
  title: 'its _service SDL composes with the rest of the graph',
  async run(run) {
    const impl = run.implementation;
    const answer = await impl.post(await impl.token(coordinatorOf(run)), Implementation.requestId(), '{ _service { sdl } }');
    const sdl = answer.data?._service?.sdl;
    if (typeof sdl !== 'string' || sdl.trim() === '') return fail(`served no _service { sdl } to a valid gateway token (${describeAnswer(answer)})`);
    // A subgraph outside the served five (a new one of an agency's) composes beside all five.
    const schemas = { ...servedSubgraphSdl(), [impl.sector.name]: sdl };
    const composed = composeSubgraphs(schemas);
    if (!composed.ok) return fail(`its SDL does not compose with the other subgraphs: ${composed.errors.slice(0, 3).join(' | ')}${composed.errors.length > 3 ? ` (and ${composed.errors.length - 3} more)` : ''}`);
    return pass(`its SDL composes with ${SUBGRAPH_NAMES.filter((n) => n !== impl.sector.name).join(', ')}`);
  },
};
