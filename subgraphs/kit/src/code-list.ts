import fs from 'node:fs';

/** An entry of an agency code list (sökandekategori, försörjningshinder, …). */
export interface Code {
  code: string;
  label: string;
  group: string;
}

/**
 * Loads a code list kept as a JSON data file, because docs/domain.md marks these lists as best
 * knowledge to be corrected without code. Unknown codes come back with the given label and group
 * rather than failing: an agency's register may hold a code the list has not learned yet.
 */
export function loadCodeList(file: URL, unknown: Omit<Code, 'code'>): (code: string) => Code {
  const list = JSON.parse(fs.readFileSync(file, 'utf8')) as { codes: Code[] };
  const byCode = new Map(list.codes.map((c) => [c.code, c]));
  return (code) => byCode.get(code) ?? { code, ...unknown };
}
