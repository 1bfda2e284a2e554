import { AGENCY_TABLE, agencyOfSubgraph, type Agency, type AgencyController, type AgencyFacts } from './agencies.ts';
import { envPrefix, type SubgraphName } from './config.ts';

/**
 * The data controllers (personuppgiftsansvariga) behind an agency of many: each member
 * municipality's social welfare committee behind the social services, each region behind care.
 * One subgraph serves the sector; behind it each controller has its own store (its own database,
 * hash-chained audit log and keys), and a consent names the controller, not the sector.
 *
 * Which controllers a subgraph serves is configuration, `<NAME>_CONTROLLERS`:
 * `1480=Göteborg,1481=Mölndal,1402=Partille` (code=name, comma-separated). Unset, the embedded
 * default's förbund: Göteborg, Mölndal and Partille, and Västra Götalandsregionen.
 */

/** The regions by länskod: a municipality's region is the first two digits of its kommunkod. */
export const REGION_NAMES: Readonly<Record<string, string>> = {
  '01': 'Region Stockholm', '03': 'Region Uppsala', '04': 'Region Sörmland', '05': 'Region Östergötland',
  '06': 'Region Jönköpings län', '07': 'Region Kronoberg', '08': 'Region Kalmar län', '09': 'Region Gotland',
  '10': 'Region Blekinge', '12': 'Region Skåne', '13': 'Region Halland', '14': 'Västra Götalandsregionen',
  '17': 'Region Värmland', '18': 'Region Örebro län', '19': 'Region Västmanland', '20': 'Region Dalarna',
  '21': 'Region Gävleborg', '22': 'Region Västernorrland', '23': 'Region Jämtland Härjedalen',
  '24': 'Region Västerbotten', '25': 'Region Norrbotten',
};

/** The region (länskod) a municipality (kommunkod) lies in. */
export const regionOfMunicipality = (kommunkod: string): string => kommunkod.slice(0, 2);

export const isKommunkod = (value: unknown): value is string => typeof value === 'string' && /^\d{4}$/.test(value) && Object.hasOwn(REGION_NAMES, value.slice(0, 2));
export const isLanskod = (value: unknown): value is string => typeof value === 'string' && Object.hasOwn(REGION_NAMES, value);

/** The embedded default's förbund (the synthetic Samordningsförbundet Göteborg): its member municipalities and their region. */
export const EMBEDDED_MUNICIPALITIES: readonly AgencyController[] = [
  { kind: 'MUNICIPALITY', code: '1480', name: 'Göteborg' },
  { kind: 'MUNICIPALITY', code: '1481', name: 'Mölndal' },
  { kind: 'MUNICIPALITY', code: '1402', name: 'Partille' },
];

/** The kind of controller an agency is many of, or undefined for an agency that is one authority. */
export function controllerKindOf(agency: Agency): 'MUNICIPALITY' | 'REGION' | undefined {
  const row: AgencyFacts = AGENCY_TABLE[agency];
  return row.controllerKind;
}

/**
 * The controllers a subgraph of this agency serves, from `<NAME>_CONTROLLERS`, else the embedded
 * förbund's. A malformed list stops the start: serving under a misread list would release a
 * controller's data under another's consent.
 */
export function controllersOf(agency: Agency, env: NodeJS.ProcessEnv): AgencyController[] {
  const kind = controllerKindOf(agency);
  if (!kind) return [];
  const variable = `${envPrefix(AGENCY_TABLE[agency].subgraph as SubgraphName)}_CONTROLLERS`;
  const raw = env[variable]?.trim();
  if (!raw) {
    return kind === 'MUNICIPALITY'
      ? [...EMBEDDED_MUNICIPALITIES]
      : [...new Set(EMBEDDED_MUNICIPALITIES.map((m) => regionOfMunicipality(m.code)))].map((code) => ({ kind, code, name: REGION_NAMES[code]! }));
  }
  const controllers = raw.split(',').map((part): AgencyController => {
    const [code = '', ...rest] = part.split('=');
    const name = rest.join('=').trim();
    const valid = kind === 'MUNICIPALITY' ? isKommunkod(code.trim()) : isLanskod(code.trim());
    if (!valid) throw new Error(`${variable}: "${code.trim()}" is not a ${kind === 'MUNICIPALITY' ? 'kommunkod (four digits)' : 'länskod (two digits)'}`);
    return { kind, code: code.trim(), name: name || (kind === 'REGION' ? REGION_NAMES[code.trim()]! : code.trim()) };
  });
  const codes = controllers.map((c) => c.code);
  if (new Set(codes).size !== codes.length) throw new Error(`${variable}: a controller is listed twice (${codes.join(', ')})`);
  return controllers;
}

/** A controller's store: `social-services-1480` (its SQLite file, its `<STORE>_DATABASE_URL`, its audit chain's name). */
export const controllerStoreName = (subgraph: string, code: string): string => `${subgraph}-${code}`;

/** The stores of the controllers behind an agency's subgraph, as configured; none for coordination or an agency that is one authority. */
export function controllerStoresOf(subgraph: string, env: NodeJS.ProcessEnv): string[] {
  const agency = agencyOfSubgraph(subgraph);
  return agency ? controllersOf(agency, env).map((c) => controllerStoreName(subgraph, c.code)) : [];
}

/** How a refusal names a controller to people: `Mölndal (1481)`. */
export const controllerLabel = (controller: Pick<AgencyController, 'code' | 'name'>): string => `${controller.name} (${controller.code})`;

/**
 * A person's rows from each controller that released them (SectorRelease.released), merged in
 * the given order: what a sector of many controllers answers for one person.
 */
export async function fromEachReleased<T>(
  released: readonly Pick<AgencyController, 'code'>[], load: (code: string) => Promise<readonly T[]>, order: (a: T, b: T) => number,
): Promise<T[]> {
  return (await Promise.all(released.map((c) => load(c.code)))).flat().sort(order);
}

/**
 * Each member's rows from every controller's store (`read` gives one store's rows per member, in
 * member order), merged in the given order; in a statistics release (`allowed`, the controllers
 * each member's consent names) only the named controllers' rows count for a member.
 */
export async function membersFromControllers<S extends { controller: Pick<AgencyController, 'code'> }, T>(
  members: readonly string[], stores: readonly S[], allowed: ReadonlyMap<string, ReadonlySet<string>> | undefined,
  read: (store: S) => Promise<T[][]>, order: (a: T, b: T) => number,
): Promise<T[][]> {
  const perStore = await Promise.all(stores.map(read));
  return members.map((personnummer, i) => stores
    .flatMap((store, s) => (!allowed || allowed.get(personnummer)?.has(store.controller.code) ? perStore[s]![i]! : []))
    .sort(order));
}

/** Newest first by a date or month field, then by a tie-breaker: how a sector lists a person's rows. */
export const newestFirst = <T>(date: (row: T) => string, tie: (row: T) => string = () => '') => (a: T, b: T): number =>
  (date(a) < date(b) ? 1 : date(a) > date(b) ? -1 : tie(a).localeCompare(tie(b)));
