import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/agency-developers.md promises that every command it shows is run by a test or by CI, so
 * that the guide cannot drift from what works. Each shell line of the guide (and of
 * docs/conformance.md, which it sends readers to) must be listed below with the file that runs
 * it; for an `npm run` script, that file must hold the script's own entry (as package.json names
 * it), so a claim stops holding when the test that ran the command goes away.
 */
const root = path.join(import.meta.dirname, '..');
const GUIDES = ['docs/agency-developers.md', 'docs/conformance.md'];
const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Where each command of the guides is run, and a string that file holds when it runs it. */
const RUN_BY: Record<string, { file: string; holds?: string; why?: string }> = {
  'npm run check': { file: 'test/schema-check.test.ts' },
  'npm run compose': { file: 'test/schema-check.test.ts' },
  'npm run codegen': { file: 'package.json', holds: 'npm run -s codegen && tsc --noEmit' },
  'npm run usage': { file: 'test/e2e/coordinator/field-usage.test.ts' },
  'npm run conformance': { file: 'test/e2e/agency-kit/conformance.test.ts' },
  'npm run new-subgraph': { file: 'test/new-subgraph.test.ts' },
  'npm -w subgraphs/care test': { file: 'test/workspaces.test.ts', holds: "['-w', 'subgraphs/care', 'test']" },
  'npm -w subgraphs/care start': { file: 'test/workspaces.test.ts', holds: "['-w', 'subgraphs/care', 'start']" },
  // The written package's own test script, run in its folder as npm -w would.
  'npm -w subgraphs/rehabilitation test': { file: 'test/new-subgraph.test.ts', holds: "bin('vitest'), ['run', '--root', dir]" },
  // The written package's start script (tsx src/main.ts), run in its folder.
  'npm -w subgraphs/rehabilitation start': { file: 'test/e2e/agency-kit/scaffold-conformance.test.ts', holds: "['--import', 'tsx', 'src/main.ts']" },
  'npm start': { file: 'test/e2e/operations/start.test.ts', holds: scriptEntry('start') },
  'npm test': { file: '.ci/run', holds: 'npm test' },
  // Linking a new workspace is npm's own install; CI installs from the lockfile the same way.
  'npm install': { file: '.ci/run', holds: 'npm ci' },
  // The agency's own implementation, however it is started: the guide's placeholder.
  './your-care-service': { file: 'docs/conformance.md', why: 'a placeholder for the reader\'s own program' },
};

function scriptEntry(script: string): string {
  const entry = scripts[script]?.split(/\s+/).find((word) => /\.(ts|mjs|js)$/.test(word));
  if (!entry) throw new Error(`npm run ${script} has no entry file in package.json`);
  return entry;
}

/** The shell lines of a markdown file's ```sh blocks, continuation lines joined, comments and leading VAR=value assignments dropped. */
function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^ *```sh\n([\s\S]*?)^ *```$/gm)].map((m) => m[1]!);
  return blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/^(?:[A-Z_]+=\S+\s+)+/, ''));
}

/** The key a command is listed under: the npm script or workspace command without its arguments. */
function commandKey(line: string): string {
  const words = line.split(/\s+/);
  if (words[0] === 'npm' && words[1] === 'run') return `npm run ${words[2]}`;
  if (words[0] === 'npm' && words[1] === '-w') return words.slice(0, 4).join(' ');
  if (words[0] === 'npm') return words.slice(0, 2).join(' ');
  return words[0]!;
}

describe('the agency developers\' guide', () => {
  const commands = GUIDES.flatMap((guide) => shellCommands(fs.readFileSync(path.join(root, guide), 'utf8')).map((line) => ({ guide, line, key: commandKey(line) })));

  it('shows commands (the guide is read as the test reads it)', () => {
    expect(commands.map((c) => c.key)).toEqual(expect.arrayContaining(['npm run check', 'npm run codegen', 'npm run usage', 'npm run conformance', 'npm run new-subgraph', 'npm -w subgraphs/care test']));
  });

  it('has every command it shows run by a test or by CI', () => {
    const unclaimed = commands.filter((c) => !RUN_BY[c.key]).map((c) => `${c.guide}: ${c.line}`);
    expect(unclaimed).toEqual([]);
  });

  it('names, for each command, a file that does run it', () => {
    const broken = [...new Set(commands.map((c) => c.key))].flatMap((key) => {
      const claim = RUN_BY[key];
      if (!claim || claim.why) return [];
      const holds = claim.holds ?? (key.startsWith('npm run ') ? scriptEntry(key.slice('npm run '.length)) : key);
      const file = path.join(root, claim.file);
      return fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(holds) ? [] : [`${key}: ${claim.file} does not hold ${holds}`];
    });
    expect(broken).toEqual([]);
  });

  it('uses only npm scripts that exist', () => {
    const missing = commands.filter((c) => c.key.startsWith('npm run ') && !scripts[c.key.slice('npm run '.length)]).map((c) => c.line);
    expect(missing).toEqual([]);
  });
});
