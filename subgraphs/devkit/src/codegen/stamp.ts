/**
 * `@finsam/devkit/codegen/stamp`: generated files are made again when what they are made from
 * changes, not on every run (`npm start` ran both generators each time). A stamp file beside the
 * outputs keeps a digest of the inputs and one of each output as written. Content, not modification
 * times: a checkout, a copy or a clock does not make a file new, and an output edited by hand or
 * deleted is noticed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What went into a build: named contents (a file's path and text, a setting, the generator's own source). */
export type Inputs = { name: string; content: string | Buffer }[];

interface StampFile {
  inputs: string;
  /** Each output's digest, by its path relative to the stamp's folder. */
  outputs: Record<string, string>;
}

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** One digest of all inputs, independent of the order they are listed in. */
export function digestOf(inputs: Inputs): string {
  const hash = createHash('sha256');
  for (const input of [...inputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${input.name}\0${sha256(input.content)}\n`);
  }
  return hash.digest('hex');
}

/** The files under `directory` (recursively, sorted), as inputs named by their path relative to `base`. */
export function filesUnder(directory: string, base: string, skip: (relative: string) => boolean = () => false): Inputs {
  if (!fs.existsSync(directory)) return [];
  return fs.readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !skip(path.relative(base, file)))
    .sort()
    .map((file) => ({ name: path.relative(base, file).split(path.sep).join('/'), content: fs.readFileSync(file) }));
}

/** True when the stamp holds this digest of the inputs and every output it names is there, as written. */
export function isFresh(stampFile: string, inputs: Inputs): boolean {
  let stamp: StampFile;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as StampFile;
  } catch {
    return false;
  }
  if (stamp.inputs !== digestOf(inputs) || typeof stamp.outputs !== 'object' || Object.keys(stamp.outputs).length === 0) return false;
  const folder = path.dirname(stampFile);
  return Object.entries(stamp.outputs).every(([output, digest]) => {
    const file = path.join(folder, output);
    return fs.existsSync(file) && sha256(fs.readFileSync(file)) === digest;
  });
}

/** Records that `outputs` (paths) were made from `inputs`. */
export function writeStamp(stampFile: string, inputs: Inputs, outputs: string[]): void {
  const folder = path.dirname(stampFile);
  const stamp: StampFile = {
    inputs: digestOf(inputs),
    outputs: Object.fromEntries(outputs.map((file) => [path.relative(folder, file).split(path.sep).join('/'), sha256(fs.readFileSync(file))])),
  };
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
}
