/**
 * Where a command-line tool writes (`npm run conformance`, `npm run audit -- verify`,
 * `npm run usage`): one call per line, without its newline. A bin passes the console; a test runs
 * the same command in its own process and reads what it wrote, instead of starting a process
 * per run.
 */
export interface CommandOutput { out(line: string): void; err(line: string): void }

export const consoleOutput: CommandOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** Collects what a command writes: stdout's and stderr's lines apart, and all of them in the order written. */
export function capturedOutput(): CommandOutput & { stdout(): string; stderr(): string; all(): string } {
  const lines: { stream: 'out' | 'err'; text: string }[] = [];
  const joined = (stream?: 'out' | 'err') => lines.filter((l) => !stream || l.stream === stream).map((l) => `${l.text}\n`).join('');
  return {
    out: (text) => { lines.push({ stream: 'out', text }); },
    err: (text) => { lines.push({ stream: 'err', text }); },
    stdout: () => joined('out'),
    stderr: () => joined('err'),
    all: () => joined(),
  };
}
