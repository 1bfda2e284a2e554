/**
 * The agencies whose registers the graph joins under the person's consent, one row each. Every
 * other spelling of an agency (the `Agency` type, the served subgraphs and their ports, the Person
 * and Cohort fields coordination and the agencies meet on, the names people read) is taken from
 * here, so that naming an agency anew or adding one is a change to this table (plus, for a new
 * agency, its subgraph and the fields in the schema).
 *
 * Pure data and pure functions, no Node import: the coordinator client bundles this file for the
 * browser as well.
 */

/**
 * Who is personuppgiftsansvarig for an agency's data. Försäkringskassan and Arbetsförmedlingen are
 * one national authority each; social services are run by each municipality and care by each
 * region, so those rows name the kind of controller they are many of (`controllerKind`), and
 * which ones a subgraph serves is its configuration (controllers.ts).
 */
export interface AgencyController {
  kind: 'STATE_AUTHORITY' | 'MUNICIPALITY' | 'REGION';
  /** The controller's code: kommunkod (4 digits) for a municipality, länskod (2 digits) for a region, organisationsnummer for an authority. */
  code: string;
  /** As the controller names itself: `Försäkringskassan`, `Göteborgs kommun`, `Region Skåne`. */
  name: string;
}

/** What the graph knows of an agency. */
export interface AgencyFacts {
  /** Its (first) subgraph's name: the folder under subgraphs/, the schema file, the gateway's service name, the token audience. */
  readonly subgraph: string;
  /** The field its subgraph adds to Person, and to Cohort for its aggregates (`care`). */
  readonly sectorField: string;
  /** The Person field under which coordination hands it the basis it signed for it (release-basis.ts). */
  readonly releaseBasisField: string;
  /** The AuditTrail field with its audit records about a person, which coordination merges. */
  readonly recordsField: string;
  /** As the coordinator client names it, in Swedish. */
  readonly swedish: {
    /** Its sector's heading, and its name in the consent list and beside a signal's facts. */
    readonly title: string;
    /** Who answers for it: `… svarar inte just nu`. */
    readonly authority: string;
  };
  /** As the API's messages and the generated subgraph's text name it, in English. */
  readonly english: {
    /** At the start of a sentence. */
    readonly name: string;
    /** Inside a sentence (`the region`, but `Försäkringskassan`). */
    readonly inSentence: string;
  };
  /**
   * The kind of controller it is many of, each with its own store behind the one subgraph
   * (controllers.ts), and named by a consent; absent: the agency is one authority.
   */
  readonly controllerKind?: 'MUNICIPALITY' | 'REGION';
}

/**
 * The table, in the order of the subgraphs' default ports (4002 …; coordination has 4001): a new
 * agency goes last, so that no served subgraph's port moves. The key is the GraphQL `Agency` value,
 * the owner name in the audit log and the prefix of its subgraph's environment variables.
 */
export const AGENCY_TABLE = {
  SICKNESS_INSURANCE: {
    subgraph: 'sickness-insurance',
    sectorField: 'sicknessInsurance',
    releaseBasisField: 'sicknessInsuranceReleaseBasis',
    recordsField: 'sicknessInsuranceRecords',
    swedish: { title: 'Försäkringskassan', authority: 'Försäkringskassan' },
    english: { name: 'Försäkringskassan', inSentence: 'Försäkringskassan' },
  },
  EMPLOYMENT: {
    subgraph: 'employment',
    sectorField: 'employment',
    releaseBasisField: 'employmentReleaseBasis',
    recordsField: 'employmentRecords',
    swedish: { title: 'Arbetsförmedlingen', authority: 'Arbetsförmedlingen' },
    english: { name: 'Arbetsförmedlingen', inSentence: 'Arbetsförmedlingen' },
  },
  SOCIAL_SERVICES: {
    subgraph: 'social-services',
    sectorField: 'socialServices',
    releaseBasisField: 'socialServicesReleaseBasis',
    recordsField: 'socialServicesRecords',
    swedish: { title: 'Socialtjänsten', authority: 'Socialtjänsten' },
    english: { name: 'The social services', inSentence: 'the social services' },
    controllerKind: 'MUNICIPALITY',
  },
  CARE: {
    subgraph: 'care',
    sectorField: 'care',
    releaseBasisField: 'careReleaseBasis',
    recordsField: 'careRecords',
    swedish: { title: 'Hälso- och sjukvården', authority: 'Regionens vård' },
    english: { name: 'The region', inSentence: 'the region' },
    controllerKind: 'REGION',
  },
} as const satisfies Record<string, AgencyFacts>;

export type Agency = keyof typeof AGENCY_TABLE;

/** One agency's row with its name; for one named agency, its fields are typed as the literal names. */
export type AgencyRow<A extends Agency = Agency> = A extends Agency ? { readonly agency: A } & (typeof AGENCY_TABLE)[A] : never;

/** The columns that name a GraphQL field. */
export type AgencyFieldColumn = 'sectorField' | 'releaseBasisField' | 'recordsField';

/** Every agency, in the table's (port) order. */
export const AGENCIES = Object.keys(AGENCY_TABLE) as Agency[];

export function agencyRow<A extends Agency>(agency: A): AgencyRow<A> {
  return { agency, ...AGENCY_TABLE[agency] } as AgencyRow<A>;
}

export const AGENCY_ROWS: readonly AgencyRow[] = AGENCIES.map((agency) => agencyRow(agency));

export function isAgency(value: string): value is Agency {
  return Object.hasOwn(AGENCY_TABLE, value);
}

/** The agency whose first subgraph this is; undefined for coordination and for a further subgraph of an agency. */
export function agencyOfSubgraph(subgraph: string): Agency | undefined {
  return AGENCY_ROWS.find((row) => row.subgraph === subgraph)?.agency;
}

/**
 * One value per agency under the field its row names in `column` (a resolver for each agency's
 * release basis, say), typed by those names so that a subgraph's generated resolver types check
 * them against its schema.
 */
export function byAgencyField<C extends AgencyFieldColumn, V>(column: C, value: (agency: Agency) => V): { [A in Agency as AgencyRow<A>[C]]: V } {
  return Object.fromEntries(AGENCY_ROWS.map((row) => [row[column], value(row.agency)])) as { [A in Agency as AgencyRow<A>[C]]: V };
}
