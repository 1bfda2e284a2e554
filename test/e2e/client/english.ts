/**
 * English in text a coordinator reads: words of English sentences that Swedish does not use,
 * API names (camelCase arguments such as `validTo`) and codes (`NOTHING_IN_FORCE`). Empty when
 * the text is Swedish. Names of things (Finsam, GraphQL) are neither.
 */
const ENGLISH_WORDS = [
  'the', 'is', 'are', 'was', 'were', 'been', 'has', 'have', 'not', 'no', 'and', 'or', 'of', 'to', 'with', 'without',
  'before', 'after', 'could', 'cannot', 'must', 'should', 'this', 'that', 'there', 'which', 'your', 'you', 'please', 'try',
  'again', 'error', 'failed', 'failure', 'invalid', 'unknown', 'internal', 'request', 'network', 'fetch', 'consent', 'agency',
  'day', 'days', 'more', 'than', 'name', 'least', 'one', 'give', 'exactly', 'found', 'unavailable', 'timeout',
];
const WORD = new RegExp(`(?<![\\p{L}\\p{N}])(${ENGLISH_WORDS.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
const API_NAME = /(?<![\p{L}\p{N}])[a-z]+[A-Z][A-Za-z]*(?![\p{L}\p{N}])/gu;
const CODE = /(?<![\p{L}\p{N}])[A-Z]{2,}(?:_[A-Z]+)+(?![\p{L}\p{N}])/gu;

export function englishIn(text: string): string[] {
  return [...text.matchAll(WORD), ...text.matchAll(API_NAME), ...text.matchAll(CODE)].map((m) => m[0]);
}
