/**
 * Every error code a client of the graph can get and every reason a refusal gives, in one place:
 * the types below are derived from it, so a code or reason the source sends must be here to
 * compile; docs/errors.md's tables are generated from it (`npm run docs:errors`); the coordinator
 * client takes its Swedish texts from it. No imports, so the browser bundle can carry it.
 */

export interface ErrorCodeEntry {
  /** The HTTP status a response with this code usually has (a refusal may give another: see `http`). */
  status: number;
  /** The HTTP column of docs/errors.md, where it says more than `status`. */
  http?: string;
  when: string;
  extensions: string;
  /** What the coordinator client shows for this code (Swedish); `{authority}` is the agency's name. */
  shown?: string;
  /**
   * A GraphQL error with this code keeps its message on its way to the client (apollo.ts); any
   * other code is masked as INTERNAL_SERVER_ERROR "Internal error.", unless it names a subgraph
   * (`serviceName`), as SUBGRAPH_UNAVAILABLE does. Its message is written for a client and quotes no data.
   */
  unmasked?: true;
}

export const ERROR_CODES = {
  UNAUTHENTICATED: {
    shown: 'Inloggningen har gått ut eller gäller inte längre. Logga ut och logga in igen',
    unmasked: true,
    status: 401,
    when: 'no token, a token that is not valid, expired, lives longer than 12 h, gives a purpose its role may not, or (from an organisation\'s issuer, `JWKS_URL`) names no förbund; between parts, a gateway of a förbund the subgraph does not answer',
    extensions: '`reason` for a förbund a subgraph does not answer (`FORBUND_…`); otherwise —',
  },
  FORBIDDEN: {
    unmasked: true,
    status: 200,
    http: '200 (403 for introspection, `/metrics`, the dev sign-in, an unknown analyst, a user of another förbund and a release basis an agency\'s `/statistics-release` refuses)',
    when: 'a refusal; always with `reason` (below)',
    extensions: '`reason`; `agency`, `serviceName` for an agency\'s refusal',
    shown: 'Uppgifterna får inte lämnas ut',
  },
  BAD_USER_INPUT: {
    shown: 'Uppgifterna godtas inte. Kontrollera fälten och försök igen',
    unmasked: true,
    status: 200,
    when: 'an argument is wrong: the message begins with its name and says what is wrong (a date that does not exist, a personnummer\'s check digit, birth number 000 or a birth date in the future, …)',
    extensions: '`argument` (`personnummer`, `from`, `to`, `input.validFrom`, `input.controllers`, `filter.municipalityCodes`, …); `reason` `INVALID_PERIOD` for `auditTrail`\'s dates, `NOTHING_IN_FORCE` for `revokeConsent`, `SIGNAL_NOT_CURRENT` for `handleSignal`, `REQUIRES_NOT_HANDED_OVER` for `signals` asked outside the query plan, `CONTROLLER_…` for the data controllers a consent names',
  },
  GRAPHQL_PARSE_FAILED: {
    shown: 'Sidan är inaktuell. Ladda om sidan och försök igen',
    unmasked: true,
    status: 400,
    when: 'the document is not GraphQL (a syntax error)',
    extensions: '—',
  },
  GRAPHQL_VALIDATION_FAILED: {
    shown: 'Sidan är inaktuell. Ladda om sidan och försök igen',
    unmasked: true,
    status: 400,
    when: 'the document does not fit the schema, or is over a limit: depth 12, 20 aliases, cost 5,000 (700 for analysts), 2,000 tokens, 20 directives',
    extensions: '—',
  },
  OPERATION_RESOLUTION_FAILURE: {
    shown: 'Sidan är inaktuell. Ladda om sidan och försök igen',
    unmasked: true,
    status: 400,
    when: 'the document has no operation of the name in `operationName`, or several operations and no `operationName`',
    extensions: '—',
  },
  OPERATION_NOT_REGISTERED: {
    shown: 'Sidan är inaktuell. Ladda om sidan och försök igen',
    status: 403,
    when: 'a coordinator\'s request that is not one of the client\'s registered operations (`docs/registered-operations.md`)',
    extensions: '—',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    shown: 'Sidan är inaktuell. Ladda om sidan och försök igen',
    unmasked: true,
    status: 200,
    when: 'a hash the gateway does not know; Apollo\'s persisted-query link then sends the full text',
    extensions: '—',
  },
  PERSISTED_QUERY_NOT_SUPPORTED: {
    shown: 'Sidan är inaktuell. Ladda om sidan och försök igen',
    unmasked: true,
    status: 200,
    when: 'a request by hash from a role without registered operations (analysts and auditors send the text): automatic persisted queries are off, their one cache for all users would tell one user what another asked',
    extensions: '—',
  },
  BAD_REQUEST: {
    shown: 'Förfrågan kunde inte tolkas. Ladda om sidan och försök igen',
    unmasked: true,
    status: 400,
    when: 'the body is not JSON, or not a GraphQL request; a GET whose `query`, `variables` or `operationName` holds what could be a personnummer (ten digits in a row: send it as a POST, a URL is kept by proxies and access logs); at an agency\'s `/statistics-release`, a body that is not `{ basis, period }` or a member list the contract does not allow (`docs/statistics-release.md`)',
    extensions: '—',
  },
  PAYLOAD_TOO_LARGE: {
    shown: 'Uppgifterna är för stora för att skickas',
    status: 413,
    when: 'a body over 1 MB (64 MB at an agency\'s `/statistics-release`, where coordination\'s release job hands it a period\'s cohort)',
    extensions: '—',
  },
  METHOD_NOT_ALLOWED: {
    shown: 'Förfrågan kunde inte tolkas. Ladda om sidan och försök igen',
    status: 405,
    when: 'not GET or POST (the client\'s files: not GET or HEAD; the dev sign-in and an agency\'s `/statistics-release`: not POST)',
    extensions: '—',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    shown: 'Förfrågan kunde inte tolkas. Ladda om sidan och försök igen',
    status: 415,
    when: 'the dev sign-in (`/dev/sign-in`) with a body that is not `application/json`',
    extensions: '—',
  },
  RATE_LIMITED: {
    shown: 'För många förfrågningar just nu. Vänta en stund och försök igen',
    status: 429,
    when: 'an analyst over their requests per minute or requests in flight (`docs/analyst-limits.md`); `retry-after` header',
    extensions: '—',
  },
  SUBGRAPH_UNAVAILABLE: {
    status: 200,
    when: 'a subgraph is not reachable or refused the gateway\'s call: at the path of each field it owns (for a caseload page, at each person\'s field), and at the selected fields that depended on them',
    extensions: '`serviceName`',
    shown: '{authority} svarar inte just nu',
  },
  SUBGRAPH_TIMEOUT: {
    status: 200,
    when: 'the same, for a subgraph slower than its timeout (`<NAME>_TIMEOUT_MS`)',
    extensions: '`serviceName`',
    shown: '{authority} svarar inte just nu',
  },
  INVALID_GRAPHQL: {
    shown: 'Ett oväntat fel inträffade mellan systemets delar. Försök igen om en stund',
    unmasked: true,
    status: 200,
    when: 'a subgraph\'s answer that does not fit the schema (a null for a field that is never null, an unknown `__typename`), at that path: a fault between the parts, not the client\'s',
    extensions: '—',
  },
  NOT_FOUND: {
    shown: 'Sidan finns inte. Ladda om sidan och försök igen',
    unmasked: true,
    status: 404,
    when: 'a path other than the served ones',
    extensions: '—',
  },
  INTERNAL_SERVER_ERROR: {
    shown: 'Ett oväntat fel inträffade i systemet. Försök igen om en stund',
    status: 200,
    http: '200 or 500',
    when: 'anything unexpected: the message is only "Internal error." (the log has the rest); 500 when the gateway could not write its audit record and so released nothing',
    extensions: '—',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The extensions besides `code` that may leave the graph (apollo.ts drops the rest); docs/errors.md
 * names each. `controllers`: for an agency of many, each controller refused and why (`1480:NO_CONSENT,1481:CONSENT_REVOKED`).
 */
export const CLIENT_EXTENSIONS = ['serviceName', 'agency', 'reason', 'argument', 'controllers'] as const;

export interface RefusalReasonEntry {
  /** The code the reason comes with. */
  code: ErrorCode;
  meaning: string;
  /** What a client shows, as guidance to a client's author (English). */
  show: string;
  /** The coordinator client's text for it (Swedish), where it has its own. */
  shown?: string;
  /** The end of the message an agency's refusal gives, after "… releases no data for this person: ". */
  because?: string;
}

/** The agency did not accept the basis coordination signed (release-basis.ts): a client sees these only if something between the parts is wrong. */
const BASIS = {
  code: 'FORBIDDEN',
  shown: '{authority} kunde inte kontrollera förfrågan. Försök igen, och kontakta supporten om det kvarstår',
  show: 'the agency could not verify the request: try again, and report it if it stays',
} as const;

export const REFUSAL_REASONS = {
  ROLE_NOT_ALLOWED: {
    shown: 'Din roll får inte se detta',
    code: 'FORBIDDEN',
    meaning: 'the caller\'s role may not ask this (a person for an analyst, cohorts for a coordinator, the audit trail for anyone but an auditor, introspection for anyone but an analyst)',
    show: 'not available to your role',
  },
  UNKNOWN_COORDINATOR: {
    shown: 'Kontot är inte en känd samordnare. Kontakta förbundets administratör',
    code: 'FORBIDDEN',
    meaning: '`me` for a coordinator user id the association does not know',
    show: 'the account is not a known coordinator: ask the association\'s administrator',
  },
  DEV_SIGN_IN_LOCAL_ONLY: {
    shown: 'Testinloggningen fungerar bara på gatewayens egen dator. Logga in via organisationens inloggning',
    code: 'FORBIDDEN',
    meaning: 'the embedded default\'s dev sign-in (`/dev/sign-in`) asked from another machine than the gateway\'s; HTTP 403, no token minted',
    show: 'sign in with your organisation: the test sign-in works only on the gateway\'s own machine',
  },
  UNKNOWN_ANALYST: {
    shown: 'Kontot är inte en känd analytiker. Kontakta förbundets administratör',
    code: 'FORBIDDEN',
    meaning: 'an analyst token for a user id not on the association\'s list of analysts (`npm run analysts`, `docs/analysts.md`); HTTP 403, refused by the gateway before anything is parsed',
    show: 'the account is not a known analyst: ask the association\'s administrator',
  },
  TOKEN_OTHER_FORBUND: {
    shown: 'Kontot hör till ett annat samordningsförbund. Logga in med ett konto i det här förbundet',
    code: 'FORBIDDEN',
    meaning: 'a user token whose `forbund` claim names another samordningsförbund than the gateway\'s own (`FORBUND_ID`); HTTP 403, refused by the gateway before anything is parsed',
    show: 'the account belongs to another samordningsförbund: sign in with this förbund\'s account',
  },
  NOT_IN_CASELOAD: {
    shown: 'Personen finns inte i din ärendelista',
    code: 'FORBIDDEN',
    meaning: 'the person is not in the caller\'s caseload today (the same whether or not the person exists)',
    show: 'not in your caseload',
  },
  NOT_OWN_CASELOAD: {
    shown: 'Du kan bara se din egen ärendelista',
    code: 'FORBIDDEN',
    meaning: 'a caseload other than the caller\'s own',
    show: 'as `NOT_IN_CASELOAD`',
  },
  NO_CONSENT: {
    code: 'FORBIDDEN',
    meaning: 'the agency (`agency`) releases nothing: no consent covers it',
    show: 'no consent for that agency, with the way to record one',
    shown: 'Samtycke saknas',
    because: 'there is no consent (samtycke) that covers this agency',
  },
  CONSENT_REVOKED: {
    code: 'FORBIDDEN',
    meaning: 'the agency (`agency`) releases nothing: the person withdrew the consent that covered it',
    show: 'consent revoked for that agency, with the way to record a new one',
    shown: 'Samtycket är återkallat',
    because: 'the person has withdrawn the consent for this agency',
  },
  CONSENT_WITHDRAWN: {
    code: 'FORBIDDEN',
    meaning: 'the agency (`agency`) releases nothing: the person withdrew the consent after coordination signed the release basis, and coordination\'s withdrawal feed told the agency so (`docs/release-basis.md`)',
    show: 'as `CONSENT_REVOKED`',
    shown: 'Samtycket är återkallat',
    because: 'the person has withdrawn the consent for this agency',
  },
  CONSENT_EXPIRED: {
    code: 'FORBIDDEN',
    meaning: 'the agency (`agency`) releases nothing: the consent that covered it has expired',
    show: 'consent expired for that agency, with the way to record a new one',
    shown: 'Samtycket har gått ut',
    because: 'the consent for this agency has expired',
  },
  BASIS_MISSING: { ...BASIS, meaning: 'coordination sent the agency no release basis (`docs/release-basis.md`; a client sees the `BASIS_` reasons only if something between the parts is wrong)', because: 'coordination sent no release basis' },
  BASIS_INVALID: { ...BASIS, meaning: 'the release basis is not signed by coordination or was altered', because: 'the release basis is not signed by coordination or was altered' },
  BASIS_EXPIRED: { ...BASIS, meaning: 'the release basis has expired', because: 'the release basis has expired' },
  BASIS_OTHER_PERSON: { ...BASIS, meaning: 'the release basis is for another person', because: 'the release basis is for another person' },
  BASIS_OTHER_AGENCY: { ...BASIS, meaning: 'the release basis is for another agency', because: 'the release basis is for another agency' },
  BASIS_OTHER_USER: { ...BASIS, meaning: 'the release basis is for another user', because: 'the release basis is for another user' },
  BASIS_OTHER_REQUEST: { ...BASIS, meaning: 'the release basis is for another request', because: 'the release basis is for another request' },
  BASIS_OTHER_FORBUND: { ...BASIS, meaning: 'the release basis was signed by another förbund\'s coordination than the one whose gateway asked', because: 'the release basis is from another samordningsförbund' },
  BASIS_WITHDRAWALS_UNKNOWN: { ...BASIS, meaning: 'the agency\'s view of coordination\'s withdrawn consents is older than its bound (`WITHDRAWALS_FRESH_SECONDS`) and coordination did not answer for a newer one: it releases nothing under a consent it cannot tell is still in force (`docs/release-basis.md`)', because: 'the agency cannot tell whether the consent has been withdrawn' },
  BASIS_FORBUND_NOT_ANSWERED: { ...BASIS, meaning: 'the release basis is from a förbund the agency does not answer: not on its list, or cut off (`docs/trusted-forbund.md`)', because: 'the agency does not answer this samordningsförbund' },
  STATISTICS_OTHER_FORBUND: {
    shown: 'Myndighetens statistik finns inte för ert förbund ännu',
    code: 'FORBIDDEN',
    meaning: 'an agency keeps statistics releases for its own förbund (`FORBUND_ID`) only: a release job or an analyst of another förbund is refused, so that one förbund\'s figures are never another\'s (a national agency\'s releases per förbund are not built yet, `docs/network.md`)',
    show: 'this agency\'s figures are not available to your förbund yet',
    because: 'the agency keeps statistics releases for its own samordningsförbund only',
  },
  FORBUND_NOT_TRUSTED: {
    shown: '{authority} svarar inte det här samordningsförbundet',
    code: 'UNAUTHENTICATED',
    meaning: 'a subgraph asked by the gateway of a förbund not on its list of förbund (`TRUSTED_FORBUND_FILE`, `docs/trusted-forbund.md`); HTTP 401, with an audit record in the subgraph\'s log',
    show: '(between parts: the förbund\'s operator asks the agency to be added)',
  },
  FORBUND_CUT_OFF: {
    shown: '{authority} svarar inte längre det här samordningsförbundet',
    code: 'UNAUTHENTICATED',
    meaning: 'a subgraph asked by the gateway of a förbund its list marks as cut off; HTTP 401, with an audit record',
    show: '(between parts: the agency has stopped answering this förbund)',
  },
  FORBUND_LIST_INVALID: {
    shown: '{authority} svarar inte just nu',
    code: 'UNAUTHENTICATED',
    meaning: 'the subgraph\'s list of förbund cannot be read or is malformed, so it answers no förbund until it is mended; HTTP 401',
    show: '(between parts: the agency\'s operator mends the list)',
  },
  METRICS_OFF: {
    shown: 'Mätvärdena är avstängda',
    code: 'FORBIDDEN',
    meaning: '`/metrics` on a process without `METRICS_TOKEN` (HTTP 403)',
    show: '(for operators)',
  },
  INVALID_PERIOD: {
    shown: 'Perioden gäller inte: kontrollera datumen',
    code: 'BAD_USER_INPUT',
    meaning: '`auditTrail`\'s `from` or `to` is not a date, or `from` is after `to` (`argument` says which)',
    show: 'the message, at the date field it names',
  },
  NOTHING_IN_FORCE: {
    shown: 'Det finns inget samtycke i kraft att återkalla',
    code: 'BAD_USER_INPUT',
    meaning: '`revokeConsent` for an agency (or, with `controller`, an agency\'s data controller) the person has no consent in force for',
    show: 'that there is nothing to withdraw',
  },
  CONTROLLER_NOT_IN_FORBUND: {
    shown: 'Samtycket kan bara gälla medlemskommunerna i samordningsförbundet och deras regioner',
    code: 'BAD_USER_INPUT',
    meaning: '`recordConsent`\'s `input.controllers` names a code that is not a member municipality of the coordinator\'s samordningsförbund (kommunkod) nor the region of one (länskod)',
    show: 'the message, at the choice of municipalities or region',
  },
  CONTROLLER_WITHOUT_AGENCY: {
    shown: 'En kommun kan bara anges för Socialtjänsten och en region bara för Hälso- och sjukvården: välj myndigheten också',
    code: 'BAD_USER_INPUT',
    meaning: '`recordConsent`\'s `input.controllers` names a kommunkod without SOCIAL_SERVICES among `input.agencies`, or a länskod without CARE; `revokeConsent`\'s `controller` is not of the agency\'s kind (`argument` says which)',
    show: 'the message, at the choice of municipalities or region',
  },
  DATE_IN_FUTURE: {
    code: 'BAD_USER_INPUT',
    meaning: '`registerParticipation`\'s `input.registeredIn` or `endParticipation`\'s `input.registeredOut` is after today: a registration records what has happened',
    show: 'the message, at the date field it names',
    shown: 'Datumet ligger efter i dag: en registrering gäller det som redan har hänt',
  },
  END_BEFORE_START: {
    code: 'BAD_USER_INPUT',
    meaning: '`endParticipation`\'s `input.registeredOut` is before the participation\'s registration in',
    show: 'the message, at the date of registration out',
    shown: 'Utregistreringen kan inte vara före inregistreringen',
  },
  UNKNOWN_INTERVENTION: {
    code: 'BAD_USER_INPUT',
    meaning: '`registerParticipation`\'s `input.interventionId` names no intervention of the caller\'s samordningsförbund (another förbund\'s answers the same as none)',
    show: 'the message, at the choice of intervention',
    shown: 'Insatsen finns inte hos ditt samordningsförbund',
  },
  INTERVENTION_STRUCTURAL: {
    code: 'BAD_USER_INPUT',
    meaning: '`registerParticipation`\'s `input.interventionId` is a structural intervention (strukturinriktad), which has no participants',
    show: 'the message, at the choice of intervention',
    shown: 'Insatsen är strukturinriktad och har inga deltagare',
  },
  INTERVENTION_NOT_RUNNING: {
    code: 'BAD_USER_INPUT',
    meaning: '`registerParticipation`\'s intervention had not started or had ended on `input.registeredIn`',
    show: 'the message, at the date of registration in',
    shown: 'Insatsen pågick inte det datumet',
  },
  ALREADY_PARTICIPATING: {
    code: 'BAD_USER_INPUT',
    meaning: '`registerParticipation` for a person with a participation in the intervention not yet registered out',
    show: 'the message, at the choice of intervention',
    shown: 'Personen deltar redan i insatsen',
  },
  ALREADY_ENDED: {
    code: 'BAD_USER_INPUT',
    meaning: '`endParticipation` for a participation registered out before, by another form',
    show: 'that the participation is already ended',
    shown: 'Deltagandet är redan avslutat',
  },
  ANONYMOUS_REQUIRED: {
    code: 'BAD_USER_INPUT',
    meaning: '`registerParticipation` names a person with protected identity: SUS registers them only as an anonymous participant (`input.anonymous`)',
    show: 'the message, with the way to register anonymously',
    shown: 'Personen har skyddad identitet och kan bara registreras som anonym deltagare',
  },
  SUBMISSION_KEY_REUSED: {
    code: 'BAD_USER_INPUT',
    meaning: '`registerParticipation`\'s or `endParticipation`\'s `input.submissionKey` was sent before with another form',
    show: '(a client bug: a client makes a new key for each form)',
    shown: 'Formuläret har redan skickats med andra uppgifter: ladda om sidan och fyll i det igen',
  },
  SEARCH_TOO_SHORT: {
    code: 'BAD_USER_INPUT',
    meaning: '`findPerson`\'s `text` has fewer than 2 letters or digits',
    show: 'the message, at the search box',
    shown: 'Skriv minst två bokstäver eller siffror',
  },
  SEARCH_TOO_LONG: {
    code: 'BAD_USER_INPUT',
    meaning: '`findPerson`\'s `text` is longer than 100 characters',
    show: 'the message, at the search box',
    shown: 'Sökningen får vara högst 100 tecken',
  },
  REQUIRES_NOT_HANDED_OVER: {
    code: 'BAD_USER_INPUT',
    meaning: '`signals` or `unseenAgencies` asked of coordination on a person the query plan did not hand over through `_entities` with the agencies\' data they `@requires` (a router that does not plan `@requires`, or a hand-made call to the subgraph): they are not computed from nothing',
    show: 'a fault between the parts: report it',
    shown: 'Signalerna kunde inte beräknas. Kontakta supporten',
  },
  SIGNAL_NOT_CURRENT: {
    code: 'BAD_USER_INPUT',
    meaning: '`handleSignal`\'s `signalId` is not a signal the person has now: another person\'s, or one read on an earlier day (an id holds for the day it was read)',
    show: 'that the signal has changed, and the person\'s signals read again',
    shown: 'Signalen har ändrats sedan sidan hämtades. Ladda om sidan och försök igen'
  },
} as const satisfies Record<string, RefusalReasonEntry>;

export type RefusalReason = keyof typeof REFUSAL_REASONS;
/** The reasons that come with a code: `ReasonOf<'FORBIDDEN'>`. */
export type ReasonOf<C extends ErrorCode> = { [R in RefusalReason]: (typeof REFUSAL_REASONS)[R]['code'] extends C ? R : never }[RefusalReason];

export type ConsentRefusal = Extract<RefusalReason, 'NO_CONSENT' | 'CONSENT_REVOKED' | 'CONSENT_WITHDRAWN' | 'CONSENT_EXPIRED'>;
export type BasisRefusal = Extract<RefusalReason, `BASIS_${string}`>;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function isRefusalReason(value: unknown): value is RefusalReason {
  return typeof value === 'string' && Object.hasOwn(REFUSAL_REASONS, value);
}

/** An entry widened to its interface, to read a field only some entries have (`shown`, `because`). */
export const codeEntry = (code: ErrorCode): ErrorCodeEntry => ERROR_CODES[code];
export const reasonEntry = (reason: RefusalReason): RefusalReasonEntry => REFUSAL_REASONS[reason];
