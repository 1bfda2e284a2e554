/**
 * The parts of a graph started as processes of their own, as in production, by `npm start` and
 * `npm run start:network`: one stopping leaves the others running (and says how to start it
 * again), Ctrl-C stops them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export class ProcessGroup {
  private readonly children: ChildProcess[] = [];
  private stopping = false;
  /** Processes that are not parts of the graph (the statistics release job): stopped with it, not waited for. */
  private readonly helpers = new Set<ChildProcess>();

  constructor() {
    process.once('SIGINT', () => void this.stopAll(0));
    process.once('SIGTERM', () => void this.stopAll(0));
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Starts a part: `entry` under tsx with `env`; `againWith` is what to print, should it stop, to start it again. */
  start(label: string, entry: string, env: NodeJS.ProcessEnv, againWith: () => string): void {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: process.cwd(), env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      // The others keep running, as separate services would: the graph answers without this part.
      console.error(`${label} stopped (${signal ?? `exit code ${code}`}); the rest keep running. Start it again with: ${againWith()}`);
      if (this.children.every((c) => c.exitCode !== null || c.signalCode !== null)) void this.stopAll(1);
    });
    this.children.push(child);
  }

  /** A process beside the parts, its output prefixed with `label`; stopped with the group. */
  helper(label: string, entry: string, env: NodeJS.ProcessEnv, onExit: (code: number | null) => void): ChildProcess {
    const job = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.helpers.add(job);
    const prefix = (stream: NodeJS.ReadableStream, write: (line: string) => void) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        for (const line of lines) write(`${label}: ${line}`);
      });
    };
    prefix(job.stdout!, (line) => console.log(line));
    prefix(job.stderr!, (line) => console.error(line));
    job.on('exit', (code) => {
      this.helpers.delete(job);
      if (!this.stopping) onExit(code);
    });
    return job;
  }

  async stopAll(exitCode: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const job of this.helpers) job.kill('SIGTERM');
    const exited = this.children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => c.once('exit', resolve)));
    for (const child of this.children) child.kill('SIGTERM');
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    process.exit(exitCode);
  }

  /** Until `url` answers 2xx (a gateway's /ready), or the time is up, or the group stops. */
  async waitFor(url: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.stopping) {
      if (await fetch(url).then((r) => r.ok, () => false)) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  }
}
