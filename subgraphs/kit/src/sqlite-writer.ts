import { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';

/** Statements written in one transaction, without blocking the event loop while they commit. */
export interface BackgroundWriter {
  write(statements: readonly CompiledQuery[]): Promise<void>;
  close(): Promise<void>;
}

type Reply = { id: number; error?: string } | { closed: true };

/**
 * A SQLite store's writer thread (sqlite-writer.worker.mjs). Under load the audit log's durable
 * commit, made on the serving thread, held the gateway's event loop for more than a quarter of
 * its busy time (docs/performance.md); here the serving thread goes on while the worker
 * commits, and the next group of records gathers meanwhile. Started on first use and again
 * after it fails.
 */
export class SqliteWriterThread implements BackgroundWriter {
  /** The running thread and the writes it owes an answer; a thread that fails fails only its own. */
  private thread: { worker: Worker; waiting: Map<number, { resolve: () => void; reject: (error: Error) => void }> } | null = null;
  private nextId = 1;

  constructor(private readonly file: string, private readonly onStatement: () => void) {}

  write(statements: readonly CompiledQuery[]): Promise<void> {
    const { worker, waiting } = this.started();
    const id = this.nextId++;
    for (let i = 0; i < statements.length; i++) this.onStatement();
    // The thread keeps the process alive only while a write is under way.
    worker.ref();
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, statements: statements.map((s) => ({ sql: s.sql, parameters: s.parameters })) });
    });
  }

  async close(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    this.thread = null;
    await new Promise<void>((resolve) => {
      // Unreferenced while idle, the thread would not keep a process whose last work is this close
      // alive until it answers: the process could end with the close still pending.
      thread.worker.ref();
      thread.worker.once('exit', () => resolve());
      thread.worker.once('message', () => void thread.worker.terminate());
      thread.worker.postMessage({ close: true });
    });
  }

  private started() {
    if (this.thread) return this.thread;
    const worker = new Worker(new URL('./sqlite-writer.worker.mjs', import.meta.url), { workerData: { file: this.file } });
    const thread = { worker, waiting: new Map<number, { resolve: () => void; reject: (error: Error) => void }>() };
    worker.on('message', (reply: Reply) => {
      if ('closed' in reply) return;
      const waiter = thread.waiting.get(reply.id);
      thread.waiting.delete(reply.id);
      if (thread.waiting.size === 0) worker.unref();
      if (reply.error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(reply.error));
    });
    const fail = (error: Error) => {
      if (this.thread === thread) this.thread = null;
      for (const waiter of thread.waiting.values()) waiter.reject(error);
      thread.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SQLite writer thread stopped (exit ${code})`)));
    this.thread = thread;
    return thread;
  }
}
