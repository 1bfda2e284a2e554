import type { Kysely } from 'kysely';
import type { SubgraphRequest } from '@finsam/kit/subgraph';
import { listLoader, singleLoader } from '@finsam/kit/loaders';
import { certificatesOfPersons, contactsOfPersons, rehabilitationCoordinatorsOfPersons, type CareDb } from './data.ts';

export type CareContext = ReturnType<typeof createContext>;

export function createContext(db: Kysely<CareDb>, request: SubgraphRequest) {
  return {
    ...request,
    /** For whole-table reads (signal statistics over a large cohort); other reads go through the loaders. */
    db,
    loaders: {
      certificatesByPerson: listLoader((pns: readonly string[]) => certificatesOfPersons(db, pns), (row) => row.personnummer),
      contactsByPerson: listLoader((pns: readonly string[]) => contactsOfPersons(db, pns), (row) => row.personnummer),
      rehabilitationCoordinator: singleLoader((pns: readonly string[]) => rehabilitationCoordinatorsOfPersons(db, pns), (row) => row.personnummer),
    },
  };
}
