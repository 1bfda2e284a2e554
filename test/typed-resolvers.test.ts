import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, generateResolverTypes, workspacesWithCodegen } from '@finsam/devkit/codegen';
import { subgraphSdlFile } from '@finsam/kit/composition';
import { SUBGRAPH_NAMES } from '@finsam/kit/config';

const root = path.join(import.meta.dirname, '..');
const careDir = path.join(root, 'subgraphs/care');
/** The SDL the care package exports, resolved through the package. */
const careSchema = fs.readFileSync(subgraphSdlFile('care'), 'utf8');
const careGenerated = path.join(careDir, GENERATED_FILE);
/** The kit's bin, as a package's scripts and the repository's `npm run codegen` run it (npm puts node_modules/.bin, tsx's too, on PATH). */
const bin = path.join(root, 'node_modules/.bin');
const codegenBin = (args: string[], cwd = root) => spawnSync(path.join(bin, 'finsam-codegen'), args,
  { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` }, timeout: 60_000 });

/**
 * What `npm test` does after a schema edit, without touching the working tree: the generator
 * run on the edited subgraphs/care/schema/care.graphql, then the type check of the care subgraph with the
 * generated file it would write. Returns tsc's messages about the care subgraph, as tsc prints them.
 */
function typeCheckCare(): (generated: string) => string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  // Every other file is parsed once for all the checks.
  const parsed = new Map<string, ts.SourceFile | undefined>();
  let generated = '';
  host.readFile = (file) => (path.resolve(file) === careGenerated ? generated : readFile(file));
  host.getSourceFile = (file, language, onError) => {
    if (path.resolve(file) === careGenerated) return ts.createSourceFile(file, generated, language);
    if (!parsed.has(file)) parsed.set(file, getSourceFile(file, language, onError));
    return parsed.get(file);
  };
  const format: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  return (text) => {
    generated = text;
    const program = ts.createProgram([path.join(root, 'subgraphs/care/src/subgraph.ts')], config.options, host);
    return program.getSourceFiles()
      .filter((file) => path.resolve(file.fileName).startsWith(path.join(root, 'subgraphs/care/')))
      .flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)])
      .map((d) => ts.formatDiagnostic(d, format).trim());
  };
}

describe('typed resolvers (finsam-codegen, @finsam/devkit/codegen)', () => {
  const check = typeCheckCare();

  it('type-checks the care subgraph against its schema as it is', async () => {
    expect(check(await generateResolverTypes(careDir, careSchema))).toEqual([]);
  });

  it('fails the type check naming the resolver when a field it resolves is renamed in subgraphs/care/schema/care.graphql', async () => {
    const renamed = careSchema.replace(/^ {2}issuedOn: String!$/m, '  signedOn: String!');
    expect(renamed).not.toBe(careSchema);
    const errors = check(await generateResolverTypes(careDir, renamed));
    expect(errors.some((e) => e.startsWith('subgraphs/care/src/resolvers/medical-certificate.ts(') && e.includes("'issuedOn'"))).toBe(true);
  });

  it('fails the type check naming the resolver when the sector field the release resolver serves is renamed', async () => {
    const renamed = careSchema.replace(/^ {2}care: Care @requires/m, '  regionCare: Care @requires');
    expect(renamed).not.toBe(careSchema);
    const errors = check(await generateResolverTypes(careDir, renamed));
    expect(errors.some((e) => e.startsWith('subgraphs/care/src/resolvers/person.ts(') && e.includes('"care"'))).toBe(true);
  });

  it('fails the type check naming the field when a field resolved by name from its row is renamed', async () => {
    // No resolver of its own: Apollo reads the row's `prognosis`, which a renamed field would never find.
    const renamed = careSchema.replace(/^ {2}prognosis: String!$/m, '  prognosisText: String!');
    expect(renamed).not.toBe(careSchema);
    const errors = check(await generateResolverTypes(careDir, renamed));
    expect(errors.some((e) => e.startsWith('subgraphs/care/src/resolvers/index.ts(') && e.includes("'prognosisText' is missing"))).toBe(true);
  });

  it('fails the type check when a resolver returns what the schema does not say', async () => {
    const retyped = careSchema.replace(/^ {2}issuedOn: String!$/m, '  issuedOn: Int!');
    const errors = check(await generateResolverTypes(careDir, retyped));
    // tsc's message names the types; its position is the resolver's line.
    const resolver = 'subgraphs/care/src/resolvers/medical-certificate.ts';
    const line = fs.readFileSync(path.join(root, resolver), 'utf8').split('\n').findIndex((l) => l.trim().startsWith('issuedOn:')) + 1;
    expect(line).toBeGreaterThan(0);
    expect(errors.some((e) => e.startsWith(`${resolver}(${line},`) && e.includes('is not assignable'))).toBe(true);
  });

  it('leaves no resolver map cast to Apollo\'s untyped GraphQLResolverMap', () => {
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const at = path.join(dir, e.name);
      return e.isDirectory() ? (e.name === 'node_modules' ? [] : walk(at)) : at.endsWith('.ts') ? [at] : [];
    });
    const mentioning = walk(path.join(root, 'subgraphs')).filter((f) => fs.readFileSync(f, 'utf8').includes('GraphQLResolverMap'));
    expect(mentioning.map((f) => path.relative(root, f))).toEqual([]);
  });

  it('npm run codegen -- --check passes on the committed files, and so does one package\'s own codegen', () => {
    const all = codegenBin(['--workspaces', '--check']);
    expect(all.status, all.stderr).toBe(0);
    const care = codegenBin(['--check'], careDir);
    expect(care.status, care.stderr).toBe(0);
  });

  it('has the committed generated files as the generator writes them, one for every subgraph', async () => {
    const packages = workspacesWithCodegen(root);
    expect(packages).toEqual(SUBGRAPH_NAMES.map((name) => `subgraphs/${name}`).sort());
    for (const dir of packages) {
      const file = path.join(dir, GENERATED_FILE);
      expect(fs.readFileSync(path.join(root, file), 'utf8'), `${file}: run npm run codegen`).toBe(await generateResolverTypes(path.join(root, dir)));
    }
  });

  it('has each subgraph package regenerate its own types before its type check, from the settings in its package.json', () => {
    for (const dir of workspacesWithCodegen(root)) {
      const { scripts } = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      expect(scripts.codegen, dir).toBe('finsam-codegen');
      for (const script of ['typecheck', 'test']) expect(scripts[script], `${dir} ${script}`).toMatch(/^finsam-codegen && tsc /);
    }
  });

  it('names the schema file and the reason when the schema cannot be read, exit 1 without a stack trace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-codegen-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ codegen: { schema: 'broken.graphql', context: 'src/context.ts#Context', mappers: {} } }));
      fs.writeFileSync(path.join(dir, 'broken.graphql'), 'type Broken {\n  field: Missing!\n}\n');
      const run = codegenBin([], dir);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^finsam-codegen: broken\.graphql: .*Missing/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(fs.existsSync(path.join(dir, GENERATED_FILE))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
