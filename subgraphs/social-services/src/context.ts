import type { Kysely } from 'kysely';
import type { AgencyController } from '@finsam/kit/agencies';
import type { ControllerStore, SubgraphRequest } from '@finsam/kit/subgraph';
import { listLoader } from '@finsam/kit/loaders';
import { assistanceMonthsOfPersons, measuresOfPersons, type AssistanceMonthRow, type MeasureRow, type SocialServicesDb } from './data.ts';

export type SocialServicesContext = ReturnType<typeof createContext>;

/** A row with the municipality whose store it came from. */
export type FromController<T> = T & { controller: AgencyController };
export type AssistanceMonthOf = FromController<AssistanceMonthRow>;
export type MeasureOf = FromController<MeasureRow>;

/** One municipality's loaders over its own store. */
function controllerLoaders({ controller, db }: ControllerStore<SocialServicesDb>) {
  const tag = <T>(rows: T[]): FromController<T>[] => rows.map((row) => ({ ...row, controller }));
  return {
    assistanceByPerson: listLoader(async (pns: readonly string[]) => tag<AssistanceMonthRow>(await assistanceMonthsOfPersons(db, pns)), (row) => row.personnummer),
    measuresByPerson: listLoader(async (pns: readonly string[]) => tag<MeasureRow>(await measuresOfPersons(db, pns)), (row) => row.personnummer),
  };
}

export function createContext(db: Kysely<SocialServicesDb>, request: SubgraphRequest, controllerStores: readonly ControllerStore<SocialServicesDb>[]) {
  const byCode = new Map(controllerStores.map((store) => [store.controller.code, controllerLoaders(store)]));
  return {
    ...request,
    /** The kit's tables only: the data is in each municipality's own store. */
    db,
    controllerStores,
    /**
     * A municipality's loaders; only ever asked for one that released to this request (the
     * sector object names them), so no read reaches a store whose consent does not hold.
     */
    loadersOf(code: string) {
      const loaders = byCode.get(code);
      if (!loaders) throw new Error(`no store for the municipality ${code}`);
      return loaders;
    },
  };
}
