import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENT_EXTENSIONS, ERROR_CODES, REFUSAL_REASONS, codeEntry, reasonEntry, type ErrorCode, type RefusalReason } from '@finsam/kit/error-catalogue';
import { CLIENT_ERROR_CODES } from '@finsam/kit/errors';
import { agencyRow, type AgencyRow } from '@finsam/kit/agencies';
import { ERRORS_DOC, renderErrorsDoc } from '../docs/generate-errors.ts';

/** The client's own module, loaded by vite: the root type check would hold the browser code to Node's import rules (it has `tsc -p client`). */
const CLIENT_SECTORS: string = '../client/src/sectors.ts';
type ErrorItem = { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> };
const { sectorRefusal } = await import(CLIENT_SECTORS) as {
  sectorRefusal: (sector: AgencyRow, errors: readonly ErrorItem[]) => string | null;
};

/**
 * docs/errors.md, the types the source uses and the coordinator client's texts come from one
 * catalogue (subgraphs/kit/src/error-catalogue.ts). Written by hand, the doc had fallen behind:
 * NOTHING_IN_FORCE, UNSUPPORTED_MEDIA_TYPE and three codes Apollo sends were sent but not in it.
 */
const root = path.join(import.meta.dirname, '..');
const doc = fs.readFileSync(ERRORS_DOC, 'utf8');
const catalogued = new Set<string>([...Object.keys(ERROR_CODES), ...Object.keys(REFUSAL_REASONS)]);

/** Source a client's errors come from: the gateway, every subgraph, the client; not tests, generated types or the signal rules (whose `code` is a signal's). */
const sources = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'gateway/src', 'subgraphs', 'client/src'], { cwd: root, encoding: 'utf8' })
  .split('\n').filter((f) => /\.(ts|tsx)$/.test(f) && !f.includes('/generated/') && !f.includes('/gql/') && !f.includes('/test/')
    && !f.endsWith('/signals.ts') && fs.existsSync(path.join(root, f)));

/**
 * Codes and reasons written as literals where an error is made or read: `code: 'X'`,
 * `reason === 'X'` and the like, and the first argument of failure/refuse/refusal. A reason on
 * an audit record (`decision:` on the same line) is the log's, not a client's; `code` compared
 * with a Node error's (`ENOENT`, `ERR_MODULE_NOT_FOUND`) is the system's.
 */
const nodeErrorCode = (name: string) => Object.hasOwn(os.constants.errno, name) || name.startsWith('ERR_');
function literalsIn(files: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files) {
    fs.readFileSync(path.join(root, file), 'utf8').split('\n').forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      for (const m of line.matchAll(/\bcode(?:: | [!=]== )'([A-Z][A-Z_]+)'|\b(?:failure|refuse|refusal)(?:<[^>]*>)?\('([A-Z][A-Z_]+)'/g)) if (!nodeErrorCode(m[1] ?? m[2]!)) found.set(m[1] ?? m[2]!, where);
      if (/\bdecision:/.test(line)) return;
      for (const m of line.matchAll(/\breason(?:: | [!=]== )'([A-Z][A-Z_]+)'/g)) found.set(m[1]!, where);
    });
  }
  return found;
}

describe('the error catalogue and docs/errors.md', () => {
  it('docs/errors.md is what npm run docs:errors writes from the catalogue', () => {
    expect(doc).toBe(renderErrorsDoc(doc));
  });

  it('a code added to the catalogue changes what is written, so the check above fails until the doc is regenerated', () => {
    const added = { ...ERROR_CODES, I_AM_NEW: { status: 418, when: 'a trial', extensions: '—' } };
    expect(renderErrorsDoc(doc, { codes: added, reasons: REFUSAL_REASONS })).not.toBe(doc);
    expect(renderErrorsDoc(doc, { codes: added, reasons: REFUSAL_REASONS })).toContain('| `I_AM_NEW` | 418 |');
  });

  it('every code and reason the source writes is in the catalogue (and so in the doc)', () => {
    const unknown = [...literalsIn(sources)].filter(([name]) => !catalogued.has(name)).map(([name, where]) => `${name} (${where})`);
    expect(unknown).toEqual([]);
    expect([...CLIENT_ERROR_CODES].filter((code) => !catalogued.has(code))).toEqual([]);
  });

  it('documents every code and reason in its tables', () => {
    const rows = new Set([...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!));
    expect([...catalogued].filter((name) => !rows.has(name))).toEqual([]);
  });

  it('names every extension that leaves the graph, and no other', () => {
    const opening = doc.slice(0, doc.indexOf('\n## '));
    const named = opening.slice(opening.indexOf('only these extensions leave'));
    for (const extension of CLIENT_EXTENSIONS) expect(named, extension).toContain(`\`${extension}\``);
    expect([...named.split('.')[0]!.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort()).toEqual([...CLIENT_EXTENSIONS].sort());
  });

  it('the source finds what it scans for (a scan that matched nothing would pass on anything)', () => {
    const found = literalsIn(sources);
    for (const name of ['FORBIDDEN', 'BAD_USER_INPUT', 'METHOD_NOT_ALLOWED', 'NOT_IN_CASELOAD', 'METRICS_OFF']) expect(found.has(name), name).toBe(true);
  });
});

describe('the coordinator client\'s error texts', () => {
  const care = agencyRow('CARE');
  const clientFiles = sources.filter((f) => f.startsWith('client/'));

  it('are the catalogue\'s: each reason and code with a text shows it, any other error the general one', () => {
    const at = (extensions: Record<string, unknown>) => sectorRefusal(care, [{ message: 'x', path: ['person', 'care'], extensions }]);
    for (const reason of Object.keys(REFUSAL_REASONS) as RefusalReason[]) {
      const entry = reasonEntry(reason);
      const fallback = codeEntry(entry.code).shown ?? 'Uppgifterna kunde inte hämtas';
      expect(at({ code: entry.code, reason }), reason).toBe((entry.shown ?? fallback).replaceAll('{authority}', care.swedish.authority));
    }
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(at({ code }), code).toBe((codeEntry(code).shown ?? 'Uppgifterna kunde inte hämtas').replaceAll('{authority}', care.swedish.authority));
    }
    expect(at({ code: 'SUBGRAPH_TIMEOUT' })).toBe('Regionens vård svarar inte just nu');
    expect(at({ code: 'FORBIDDEN', reason: 'CONSENT_REVOKED' })).toBe('Samtycket är återkallat');
  });

  it('name no code or reason of their own: the client reads them from the catalogue', () => {
    const literal = clientFiles.flatMap((file) => [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/'([A-Z][A-Z_]+)'/g)]
      .filter((m) => catalogued.has(m[1]!)).map((m) => `${file}: ${m[1]}`));
    expect(literal).toEqual([]);
  });
});
