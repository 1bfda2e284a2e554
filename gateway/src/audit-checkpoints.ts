import type { Kysely } from 'kysely';
import { request, type Dispatcher } from 'undici';
import { chainHead, type AuditDb } from '@finsam/kit/audit';
import {
  CHECKPOINT_PATH, isChainHead, keepCheckpoint, latestCheckpointOf, signCheckpoint, type Checkpoint,
} from '@finsam/kit/audit-checkpoint';
import { intFromEnv } from '@finsam/kit/config';
import type { SigningKeyRing } from '@finsam/kit/signing-key';
import type { Logger } from '@finsam/kit/logger';
import { inSpan, injectTraceContext } from '@finsam/kit/tracing';

/** `AUDIT_CHECKPOINT_INTERVAL_MS`, 60 s by default; 0 leaves only the checkpoints at start and at a clean stop. */
export const auditCheckpointIntervalMs = (env: NodeJS.ProcessEnv) => intFromEnv('AUDIT_CHECKPOINT_INTERVAL_MS', 60_000, env);

export interface CheckpointRound {
  at: string;
  /** Per subgraph: whether its head was witnessed (and it took the gateway's) this time. */
  stores: { store: string; ok: boolean; seq?: number }[];
}

/**
 * The gateway's part of anchoring the audit chains (subgraphs/kit/src/audit-checkpoint.ts):
 * at start, every interval and at a clean stop, it exchanges chain heads with each subgraph.
 * A subgraph that does not answer is logged and asked again next time; serving goes on.
 */
export class AuditCheckpoints {
  private last: Promise<CheckpointRound> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: {
    /** The gateway's own store: its chain, and where it keeps the subgraphs' checkpoints. */
    db: Kysely<AuditDb>;
    /** The gateway's key ring: each exchange signs with the key in use (it may rotate while the gateway runs). */
    key: SigningKeyRing;
    urls: Record<string, string>;
    /** The förbund this gateway serves (FORBUND_ID): a subgraph checks the checkpoint with that förbund's keys. */
    forbund?: string;
    connections: Dispatcher;
    timeoutMs: number;
    logger: Logger;
  }) {}

  /** One exchange with every subgraph; a call while one runs takes its own after it, so its heads are at least as new as the call. */
  take(): Promise<CheckpointRound> {
    // One trace for a round: the gateway's span, each subgraph's checkpoint route under it.
    const round = (this.last ?? Promise.resolve()).catch(() => undefined).then(() => inSpan('audit.checkpoint', {}, () => this.exchange()));
    this.last = round;
    return round;
  }

  every(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.take().catch((error) => this.options.logger.error({ err: (error as Error).message }, 'audit checkpoint round failed')), intervalMs);
    this.timer.unref();
  }

  /** The last checkpoint, on a clean stop: the window of unwitnessed records closes with the process. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.take().catch((error) => this.options.logger.error({ err: (error as Error).message }, 'audit checkpoint at stop failed'));
  }

  private async exchange(): Promise<CheckpointRound> {
    const { db, logger } = this.options;
    const key = await this.options.key.current();
    const at = new Date().toISOString();
    const own: Checkpoint = { store: 'gateway', ...(await chainHead(db)), at };
    // Each subgraph's own chain first; its answer lists the chains of the controllers behind it (social services' municipalities), exchanged with in turn.
    const exchangeWith = async (store: string, url: string): Promise<{ store: string; ok: boolean; seq?: number; others: string[] }> => {
      try {
        const head = await this.headOf(store, url, await signCheckpoint(key, own, store, true, this.options.forbund));
        const seen: Checkpoint = { store, seq: head.seq, hash: head.hash, at };
        if (await this.isNew(seen)) await keepCheckpoint(db, seen, await signCheckpoint(key, seen, 'gateway'));
        return { store, ok: true, seq: head.seq, others: head.stores.filter((other) => other !== store) };
      } catch (error) {
        logger.warn({ store, err: (error as Error).message }, 'audit checkpoint failed; tried again at the next one');
        return { store, ok: false, others: [] };
      }
    };
    const rounds = await Promise.all(Object.entries(this.options.urls).map(async ([store, url]) => {
      const first = await exchangeWith(store, url);
      return [first, ...await Promise.all(first.others.map((other) => exchangeWith(other, url)))];
    }));
    const stores = rounds.flat().map(({ others: _others, ...round }) => round);
    return { at, stores };
  }

  private async headOf(store: string, graphqlUrl: string, handed: string): Promise<{ seq: number; hash: string; stores: string[] }> {
    const headers: Record<string, string> = { authorization: `Bearer ${handed}` };
    injectTraceContext(headers);
    const response = await request(new URL(CHECKPOINT_PATH, graphqlUrl), {
      method: 'POST', headers, dispatcher: this.options.connections,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`HTTP ${response.statusCode}`);
    }
    const answer = (await response.body.json()) as { store?: unknown; stores?: unknown };
    if (answer.store !== store || !isChainHead(answer)) throw new Error('the answer is not a chain head of that store');
    const stores = Array.isArray(answer.stores) ? answer.stores.filter((s): s is string => typeof s === 'string' && s.startsWith(`${store}-`)) : [];
    return { seq: answer.seq, hash: answer.hash, stores };
  }

  /**
   * Whether the head is worth a new checkpoint: not when it is the one witnessed last (an idle
   * store adds no rows). A head behind, or changed at, the last one witnessed is tampering (or a
   * store replaced): said at once, not only at the next verify, and witnessed as well.
   */
  private async isNew(seen: Checkpoint): Promise<boolean> {
    const before = await latestCheckpointOf(this.options.db, seen.store);
    if (!before) return true;
    if (seen.seq === before.seq && seen.hash === before.hash) return false;
    if (seen.seq <= before.seq) {
      this.options.logger.error({ store: seen.store, seq: seen.seq, witnessedSeq: before.seq, witnessedAt: before.at }, 'audit chain head is behind or differs from the one witnessed before: records were removed or rewritten');
    }
    return true;
  }
}
