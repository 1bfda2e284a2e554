/**
 * Error messages without what the schema would tell a caller who did not ask it: graphql-js
 * suggests names ("Did you mean the enum value "CARE"?") and names the types it checked against
 * ("…in "Agency" enum", "…on type "FollowUpReport""), and quotes a variable's value back (a
 * personnummer perhaps). Apollo Server hides suggestions in validation only, so a wrong value
 * sent as a variable told any role, a coordinator sending nothing but registered operations
 * included, the schema's names. Every process formats its errors through the kit's maskError
 * (apollo.ts), which calls this: the gateway and every subgraph say the same thing, and a
 * message still names the variable or argument and where in it the value is wrong.
 */
export function withoutSchemaHints(message: string, error?: unknown): string {
  return variableMessage(message, error) ?? documentMessage(withoutSuggestions(message));
}

/** graphql-js's suggestions (and GraphQL Armor's "[Suggestion hidden]?" left where one was). */
function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .*?\?(?=$|\s)/gs, '').replace(/ ?\[Suggestion hidden\]\??/g, '');
}

const NOT_PROVIDED = /^Variable "\$(\w+)" of required type ".*" was not provided\.$/s;
const NULL_GIVEN = /^Variable "\$(\w+)" of non-null type ".*" must not be null\.$/s;
const INVALID = /^Variable "\$(\w+)" got invalid value /;

/**
 * A variable's value that does not fit its type, said by the variable's name and the place in its
 * value (keys the caller sent), with why in words that name no type: graphql-js's own message is
 * read from the error it wraps (coerceInputValue's), never parsed out of the quoted value.
 */
function variableMessage(message: string, error: unknown): string | null {
  const missing = NOT_PROVIDED.exec(message);
  if (missing) return `Variable "$${missing[1]}" was not provided; the operation requires it.`;
  const nulled = NULL_GIVEN.exec(message);
  if (nulled) return `Variable "$${nulled[1]}" must not be null.`;
  const invalid = INVALID.exec(message);
  if (!invalid) return null;
  const name = invalid[1]!;
  // Not `instanceof GraphQLError`: @apollo/gateway loads graphql's CommonJS build, another class than this module's.
  const inner = (error as { originalError?: { message?: unknown } } | undefined)?.originalError?.message;
  const cause = typeof inner === 'string' && message.endsWith(`; ${inner}`) ? inner : '';
  const prefix = cause ? message.slice(0, message.length - cause.length - 2) : message;
  const at = new RegExp(` at "(${name}[^"]*)"$`).exec(prefix);
  return `Variable "$${name}" got an invalid value${at ? ` at "${at[1]}"` : ''}: ${reasonOf(cause)}.`;
}

/** Why a value does not fit, from coerceInputValue's or a scalar's message, without its names or the value. */
function reasonOf(cause: string): string {
  const unknownField = /^Field "(.*)" is not defined by type "\w+"\./s.exec(cause);
  if (unknownField) return `it has a field "${unknownField[1]}" that is not defined there`;
  if (/^Field ".*" of required type ".*" was not provided\./s.test(cause)) return 'a field that is required was not provided';
  if (/^Expected non-nullable type ".*" not to be null\./s.test(cause)) return 'it must not be null';
  if (/^Expected type "\w+" to be an object\./s.test(cause)) return 'it must be an object';
  if (/^(Value ".*" does not exist in "\w+" enum|Enum "\w+" cannot represent)/s.test(cause)) return 'it is not one of the values allowed there';
  if (/^Int cannot represent non 32-bit/.test(cause)) return 'it is outside the 32-bit integer range';
  const scalar = /^(Int|Float|String|Boolean|ID) cannot represent/.exec(cause)?.[1];
  if (scalar) return `it must be ${SCALAR_WORDS[scalar]}`;
  return 'it is not a value allowed there';
}

const SCALAR_WORDS: Record<string, string> = {
  Int: 'an integer', Float: 'a number', String: 'a string', Boolean: 'true or false', ID: 'a string or an integer',
};

/**
 * Validation of a written document (analysts and auditors write their own): the names it sent stay,
 * the types it was checked against go. Only graphql-js's messages that name a type the document
 * need not have written; any other passes unchanged.
 */
function documentMessage(message: string): string {
  return message
    .replace(/^Cannot query field "(.*)" on type "\w+"\.$/s, 'Cannot query field "$1" here.')
    .replace(/^Unknown argument "(.*)" on field "\w+\.(\w+)"\.$/s, 'Unknown argument "$1" on field "$2".')
    .replace(/^Value "(.*)" does not exist in "\w+" enum\.$/s, 'Value "$1" is not one of the values allowed here.')
    .replace(/^Enum "\w+" cannot represent non-enum value: (.*)\.$/s, 'Value $1 is not one of the values allowed here.')
    .replace(/^Field "(.*)" is not defined by type "\w+"\.$/s, 'Field "$1" is not defined here.')
    .replace(/^Field "\w+\.\w+" of required type ".*" was not provided\.$/s, 'An input object lacks a field that is required.')
    .replace(/^Field "(\w+)" argument "\w+" of type ".*" is required, but it was not provided\.$/s, 'Field "$1" lacks an argument that is required.');
}
