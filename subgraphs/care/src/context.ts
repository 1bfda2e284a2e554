import type { Kysely } from 'kysely';
import type { AgencyController } from '@finsam/kit/agencies';
import type { ControllerStore, SubgraphRequest } from '@finsam/kit/subgraph';
import { listLoader, singleLoader } from '@finsam/kit/loaders';
import {
  certificatesOfPersons, contactsOfPersons, rehabilitationCoordinatorsOfPersons,
  type CareDb, type CertificateRow, type ContactRow, type RehabilitationCoordinatorRow,
} from './data.ts';

export type CareContext = ReturnType<typeof createContext>;

/** A row with the region whose store it came from. */
export type FromRegion<T> = T & { controller: AgencyController };
export type CertificateOf = FromRegion<CertificateRow>;
export type ContactOf = FromRegion<ContactRow>;
export type RehabilitationCoordinatorOf = FromRegion<RehabilitationCoordinatorRow>;

/** One region's loaders over its own store. */
function regionLoaders({ controller, db }: ControllerStore<CareDb>) {
  const tag = <T>(rows: T[]): FromRegion<T>[] => rows.map((row) => ({ ...row, controller }));
  return {
    certificatesByPerson: listLoader(async (pns: readonly string[]) => tag<CertificateRow>(await certificatesOfPersons(db, pns)), (row) => row.personnummer),
    contactsByPerson: listLoader(async (pns: readonly string[]) => tag<ContactRow>(await contactsOfPersons(db, pns)), (row) => row.personnummer),
    rehabilitationCoordinator: singleLoader(async (pns: readonly string[]) => tag<RehabilitationCoordinatorRow>(await rehabilitationCoordinatorsOfPersons(db, pns)), (row) => row.personnummer),
  };
}

export function createContext(db: Kysely<CareDb>, request: SubgraphRequest, controllerStores: readonly ControllerStore<CareDb>[]) {
  const byCode = new Map(controllerStores.map((store) => [store.controller.code, regionLoaders(store)]));
  return {
    ...request,
    /** The kit's tables only: the data is in each region's own store. */
    db,
    controllerStores,
    /** A region's loaders; only ever asked for one that released to this request (the sector object names them). */
    loadersOf(code: string) {
      const loaders = byCode.get(code);
      if (!loaders) throw new Error(`no store for the region ${code}`);
      return loaders;
    },
  };
}
