import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, print } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * A fresh clone is all a reader has: every reference in it must lead to something in it.
 * Planning notes kept beside the repository once stood in for its documentation; a mention of
 * them, a relative link to a file that is not tracked, or a web address that leaves the machine
 * is a reference a reader cannot follow (or, for a web address, a request to another host).
 */

const root = path.join(import.meta.dirname, '..');

function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch (error) {
    throw new Error(`this test reads the tracked files with \`git ls-files\`; run it in a git clone (${String(error)})`);
  }
}

const tracked = trackedFiles();
const trackedSet = new Set(tracked);
const trackedDirectories = new Set(tracked.flatMap((file) => {
  const parts = file.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}));

const TEXT_EXTENSIONS = ['.md', '.ts', '.tsx', '.graphql', '.yml', '.yaml', '.json', '.sh', '.mjs', '.js', '.html', '.css'];
const TEXT_NAMES = ['Dockerfile', '.ci/run'];
// npm's locks (the root's, the bench peers' in test/bench/peers) carry their packages' funding addresses: npm's, not ours.
const scanned = tracked.filter((file) =>
  path.basename(file) !== 'package-lock.json' && (TEXT_NAMES.includes(file) || TEXT_EXTENSIONS.some((ext) => file.endsWith(ext))));

interface Line { file: string; number: number; text: string }

function linesOf(file: string): Line[] {
  return fs.readFileSync(path.join(root, file), 'utf8').split('\n').map((text, i) => ({ file, number: i + 1, text }));
}

/** Markdown lines outside fenced code blocks, where `[text](target)` is a link. */
function markdownProse(file: string): Line[] {
  let fenced = false;
  return linesOf(file).filter((line) => {
    if (/^\s*(```|~~~)/.test(line.text)) { fenced = !fenced; return false; }
    return !fenced;
  });
}

/** `target` read from `folder` as a repository path, or null when it leaves the repository. */
function insideRepository(folder: string, target: string): string | null {
  const resolved = path.relative(root, path.resolve(root, folder, target));
  return resolved.startsWith('..') || path.isAbsolute(resolved) ? null : resolved.split(path.sep).join('/');
}

const exists = (repositoryPath: string) => repositoryPath === '' || trackedSet.has(repositoryPath) || trackedDirectories.has(repositoryPath);

/** The anchors a Markdown viewer gives a file's headings: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchors(file: string): Set<string> {
  return new Set(markdownProse(file)
    .map((line) => /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line.text)?.[1])
    .filter((heading): heading is string => heading !== undefined)
    .map((heading) => heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')));
}

const at = (line: Line, message: string) => `${line.file}:${line.number}: ${message}`;

/** The documents that hold the architecture and the domain; any other spelling names the old notes. */
const OWN_DOCUMENTS = new Set(['docs/architecture.md', 'docs/domain.md']);

describe('every reference in the repository stays in it', () => {
  it('names no planning notes outside the repository', () => {
    const hits: string[] = [];
    for (const file of scanned) {
      for (const line of linesOf(file)) {
        // Relative paths that climb to a `shared` folder: the subgraphs' imports of
        // subgraphs/kit/ lead to tracked files; one that climbs out of the repository, or to
        // nothing in it, does not.
        for (const match of line.text.matchAll(/(?:\.\.\/)+shared\b[^\s'"`)\]>]*/g)) {
          const named = match[0].replace(/[.,;:]+$/, '');
          const resolved = insideRepository(path.dirname(file), named);
          if (resolved === null) hits.push(at(line, `${named} is outside the repository`));
          else if (!exists(resolved)) hits.push(at(line, `${named}: ${resolved} is not in the repository`));
        }
        for (const match of line.text.matchAll(/[\w./-]*\b(?:architecture|domain)\.md\b/gi)) {
          const named = match[0];
          // By a path from the file, from the root (`docs/domain.md`), or by its name in a list of
          // docs/ (`domain.md`); in capitals it is the notes' name, never ours.
          const candidates = named === named.toLowerCase()
            ? [insideRepository(path.dirname(file), named), insideRepository('', named), insideRepository('docs', named)]
            : [];
          const own = candidates.some((p) => p !== null && OWN_DOCUMENTS.has(p) && exists(p));
          if (!own) hits.push(at(line, `${named} is not ${[...OWN_DOCUMENTS].join(' or ')} by its path`));
        }
      }
    }
    expect(hits).toEqual([]);
  });

  it('links Markdown only to tracked files, and mentions only docs that exist', () => {
    const hits: string[] = [];
    for (const file of scanned.filter((f) => f.endsWith('.md'))) {
      for (const line of markdownProse(file)) {
        for (const match of line.text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
          const target = match[1]!;
          if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
            // Web addresses are the next test's; any other scheme (mailto:, file:) leaves the repository.
            if (!/^https?:/i.test(target)) hits.push(at(line, `link to ${target} leaves the repository`));
            continue;
          }
          const [filePart, anchor] = decodeURIComponent(target).split('#') as [string, string | undefined];
          const resolved = filePart === '' ? file : insideRepository(path.dirname(file), filePart);
          if (resolved === null) hits.push(at(line, `link to ${target} is outside the repository`));
          else if (!exists(resolved)) hits.push(at(line, `link to ${target}: ${resolved} is not a tracked file`));
          else if (anchor && resolved.endsWith('.md') && !headingAnchors(resolved).has(anchor)) {
            hits.push(at(line, `link to ${target}: ${resolved} has no heading #${anchor}`));
          }
        }
      }
    }
    for (const file of scanned) {
      for (const line of linesOf(file)) {
        for (const match of line.text.matchAll(/(?<![\w/.-])docs\/[\w-]+\.md\b/g)) {
          if (!exists(match[0])) hits.push(at(line, `${match[0]} does not exist`));
        }
      }
    }
    expect(hits).toEqual([]);
  });

  it('points to no host but this machine', () => {
    const compose = parseYaml(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, unknown> };
    const serviceNames = new Set(Object.keys(compose.services));
    const isTest = (file: string) => /(^|\/)test\//.test(file);
    /** Why an address that is not loopback may still appear: none of these is a link a reader follows. */
    const allowed = (file: string, url: string, host: string): boolean =>
      // Apollo Federation's spec identifiers in `@link(url: …)`: names, never fetched.
      /^https:\/\/specs\.apollo\.dev\/(federation|link|join|inaccessible|tag)\/v\d+\.\d+$/.test(url) ||
      // Services on docker-compose's network (`https://gateway:4000`): reachable only inside it.
      serviceNames.has(host) ||
      // An address the code puts together at run time (`http://127.0.0.1:${port}`, `https://${name}:…`),
      // or a bare scheme it checks for: no host is written down.
      host === '' || host.startsWith('${') ||
      // Hosts that a test makes up as an attacker's or a foreign origin (RFC 2606's example names).
      (isTest(file) && /(^|\.)example\.(com|se|org|net)$/.test(host));
    const hits: string[] = [];
    for (const file of scanned) {
      for (const line of linesOf(file)) {
        for (const match of line.text.matchAll(/\bhttps?:\/\/[^\s"'`)<>\]]*/gi)) {
          const url = match[0].replace(/[.,;:]+$/, '');
          const host = /^https?:\/\/(\[[^\]]*\]|\$\{[^}]*\}|[^/:?#]*)/i.exec(url)![1]!.toLowerCase();
          if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') continue;
          if (allowed(file, url, host)) continue;
          hits.push(at(line, `${url} points to another host`));
        }
      }
    }
    expect(hits).toEqual([]);
  });
});

describe('README shows the client contract as it is', () => {
  it('every operation block of the README that names an operation file is that file', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```graphql\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    const named = blocks.flatMap((block) => {
      const name = /^\s*(?:query|mutation)\s+(\w+)/.exec(block)?.[1];
      const file = name && path.join(root, 'schema/operations', `${name}.graphql`);
      return file && fs.existsSync(file) ? [{ name, block, file }] : [];
    });
    // The README shows at least the coordinator's PersonOverview; without it this test checks nothing.
    expect(named.map((n) => n.name)).toContain('PersonOverview');
    for (const { name, block, file } of named) {
      expect(print(parse(block)), `README's ${name} differs from schema/operations/${name}.graphql`)
        .toBe(print(parse(fs.readFileSync(file, 'utf8'))));
    }
  });
});
