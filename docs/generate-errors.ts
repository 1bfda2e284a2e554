/**
 * `npm run docs:errors`: writes the tables of docs/errors.md from the kit's error catalogue
 * (subgraphs/kit/src/error-catalogue.ts), between the file's marker comments; the prose around
 * them is written by hand. `--check` writes nothing and exits 1 when the file is not what this
 * would write (test/errors-doc.test.ts holds it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, REFUSAL_REASONS, type ErrorCodeEntry, type RefusalReasonEntry } from '@finsam/kit/error-catalogue';

export const ERRORS_DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'errors.md');

const cell = (text: string) => text.replaceAll('|', '\\|');
const row = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
const shown = (text: string | undefined) => text === undefined ? '' : `; the coordinator client: «${text}»`;

/** What the tables are written from: the catalogue, or a trial change to it (test/errors-doc.test.ts). */
export interface Catalogue {
  codes: Readonly<Record<string, ErrorCodeEntry>>;
  reasons: Readonly<Record<string, RefusalReasonEntry>>;
}

function codesTable({ codes }: Catalogue): string[] {
  return [
    row(['`code`', 'HTTP', 'When', 'Extensions']),
    '|---|---|---|---|',
    ...Object.entries(codes).map(([code, entry]) =>
      row([`\`${code}\``, entry.http ?? String(entry.status), entry.when + shown(entry.shown), entry.extensions])),
  ];
}

function reasonsTable({ reasons }: Catalogue): string[] {
  return [
    row(['`reason`', '`code`', 'Meaning', 'What a client shows']),
    '|---|---|---|---|',
    ...Object.entries(reasons).map(([reason, entry]) =>
      row([`\`${reason}\``, `\`${entry.code}\``, entry.meaning, entry.show + shown(entry.shown)])),
  ];
}

const TABLES: Record<string, (catalogue: Catalogue) => string[]> = { codes: codesTable, reasons: reasonsTable };

/** `current` with each marked table replaced by what the catalogue says; a missing marker is an error, not a silent skip. */
export function renderErrorsDoc(current: string, catalogue: Catalogue = { codes: ERROR_CODES, reasons: REFUSAL_REASONS }): string {
  let text = current;
  for (const [name, table] of Object.entries(TABLES)) {
    const begin = `<!-- generated: ${name} (npm run docs:errors, from subgraphs/kit/src/error-catalogue.ts) -->`;
    const end = `<!-- end generated: ${name} -->`;
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/errors.md has lost the markers of its ${name} table: ${begin} … ${end}`);
    text = `${text.slice(0, from + begin.length)}\n${table(catalogue).join('\n')}\n${text.slice(to)}`;
  }
  return text;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const current = fs.readFileSync(ERRORS_DOC, 'utf8');
  const wanted = renderErrorsDoc(current);
  if (process.argv.includes('--check')) {
    if (wanted !== current) {
      console.error('docs/errors.md is not what the error catalogue says: run npm run docs:errors');
      process.exit(1);
    }
  } else if (wanted !== current) {
    fs.writeFileSync(ERRORS_DOC, wanted);
    console.log('wrote docs/errors.md');
  }
}
