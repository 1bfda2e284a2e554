import type { Kysely } from 'kysely';
import type { SubgraphRequest } from '@finsam/kit/subgraph';
import { listLoader } from '@finsam/kit/loaders';
import { assistanceMonthsOfPersons, measuresOfPersons, type SocialServicesDb } from './data.ts';

export type SocialServicesContext = ReturnType<typeof createContext>;

export function createContext(db: Kysely<SocialServicesDb>, request: SubgraphRequest) {
  return {
    ...request,
    /** For whole-table reads (signal statistics over a large cohort); other reads go through the loaders. */
    db,
    loaders: {
      assistanceByPerson: listLoader((pns: readonly string[]) => assistanceMonthsOfPersons(db, pns), (row) => row.personnummer),
      measuresByPerson: listLoader((pns: readonly string[]) => measuresOfPersons(db, pns), (row) => row.personnummer),
    },
  };
}
