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
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  constructor(private readonly file: string, private readonly onStatement: () => void) {}

  write(statements: readonly CompiledQuery[]): Promise<void> {
    const worker = this.started();
    const id = this.nextId++;
    for (let i = 0; i < statements.length; i++) this.onStatement();
    // The thread keeps the process alive only while a write is under way.
    worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, statements: statements.map((s) => ({ sql: s.sql, parameters: s.parameters })) });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.once('message', () => void worker.terminate());
      worker.postMessage({ close: true });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./sqlite-writer.worker.mjs', import.meta.url), { workerData: { file: this.file } });
    worker.on('message', (reply: Reply) => {
      if ('closed' in reply) return;
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(reply.error));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SQLite writer thread stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }
}
