// Cluster mode: a finished session's report goes to the Redis write-back queue, exactly once.
// Order, so that no crash loses or doubles a report:
//  1. The planned writes and the session's fence (owner node, epoch) go into this node's SQLite
//     (`handover`), synchronously: the session's end never waits for Redis.
//  2. A Lua script marks the report handed off by that fence, if the fence still owns the session.
//     It answers yes again for the same fence (a retry after a crash or an outage), no for anyone else.
//  3. The enqueue, its job id derived from the session id: a second one is a no-op.
//  4. The local row goes. A crash anywhere leaves the row, and a retry repeats 2-3 harmlessly.
// While Redis is down rows wait here and move when it is back (its `ready`) or on the next round.
// Recording bytes never go to Redis: a session with a recording is written by the node holding the
// bytes, from its own outbox, as on a single node (see README "Cluster mode"). Its hand-off is fenced
// the same way but waits in memory (the bytes' key lives only in this process): a node stopped while
// Redis is down keeps the rest of such a report on disk as above, saying the recording was lost.
import type { DatabaseSync } from 'node:sqlite';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { TokenCipher } from '../auth/TokenCipher.ts';
import type { AdapterFactory } from '../crm/adapterFor.ts';
import type { SessionReport } from '../sessions/types.ts';
import type { NewItem } from '../writeback/Outbox.ts';
import { planWriteBack } from '../writeback/plan.ts';
import { OWNS, ownKey, type Fence } from './SessionOwnership.ts';
import { queuedSessionSchema, type QueuedSession, type WriteBackQueue } from './WriteBackQueue.ts';

// Yes for the fence that marked it before (a retry), else the first hand-off by the current owner.
// No ownership record at all (a Redis that lost its data): the first fence to ask takes it.
// A former owner that ended the session (at ARGV[3], ms) before another node took it over (its
// `takenAt`) ended it while Redis was down: its report is the true end, and the taker's copy a
// ghost it drops (SessionOwnership). An end after the takeover is a starved node's stale copy: no.
const HAND_OFF = `${OWNS}if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'node', ARGV[1], 'epoch', ARGV[2], 'done', ARGV[1] .. ':' .. ARGV[2]); return 1
end
local done = redis.call('HGET', KEYS[1], 'done')
local mine = ARGV[1] .. ':' .. ARGV[2]
if done == mine then return 1 end
if done then return 0 end
if not owns(KEYS[1]) then
  local takenAt = tonumber(redis.call('HGET', KEYS[1], 'takenAt') or '')
  if not takenAt or tonumber(ARGV[3]) >= takenAt then return 0 end
end
redis.call('HSET', KEYS[1], 'done', mine); return 1`;

const rowSchema = z.object({
  session_id: z.string(),
  node: z.string(),
  epoch: z.string(),
  lane: z.string(),
  sealed: z.instanceof(Uint8Array),
  created_at: z.number().int(),
});

/** A report whose recording is on this node, waiting for Redis' yes before it enters the outbox. */
interface LocalReport {
  report: SessionReport;
  fence: Fence;
  endedAt: number;
  /** The report is in this node's outbox, left to the owner, or kept on disk by the stop. */
  settled: () => void;
}

export interface QueueHandOffOptions {
  db: DatabaseSync;
  /** Into this node's outbox (a report with a recording, once the fence says yes). */
  writeHere: (report: SessionReport) => void;
  redis: Redis;
  cipher: TokenCipher;
  queue: WriteBackQueue;
  adapterFor: AdapterFactory;
  /** How often rows left by an outage are tried again (besides Redis' `ready`). */
  retryMs?: number;
  logger: Logger;
}

export class QueueHandOff {
  readonly #o: Required<QueueHandOffOptions>;
  readonly #log: Logger;
  /** Sessions whose hand-off is in flight (one at a time each). */
  readonly #moving = new Map<string, Promise<void>>();
  /** Reports with a recording here, waiting for Redis. */
  readonly #local = new Map<string, LocalReport>();
  readonly #onReady = () => this.flush();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: QueueHandOffOptions) {
    this.#o = { retryMs: 2000, ...options };
    this.#log = options.logger.child({ component: 'queue-handoff' });
    options.db.exec(`CREATE TABLE IF NOT EXISTS handover (
      session_id TEXT PRIMARY KEY, node TEXT NOT NULL, epoch TEXT NOT NULL, lane TEXT NOT NULL,
      sealed BLOB NOT NULL, created_at INTEGER NOT NULL)`);
  }

  /**
   * Takes a finished session's report, resolving once it is safe from a crash: one without a
   * recording at once (on disk here, on its way to the queue); one with a recording when the fence
   * said yes and it is in this node's outbox (or no, or the stop kept it).
   */
  accept(report: SessionReport, fence: Fence): Promise<void> {
    if (planWriteBack(report).some((i) => i.file || i.blob)) {
      return new Promise((settled) => {
        this.#local.set(report.sessionId, { report, fence, endedAt: Date.now(), settled });
        void this.#move(report.sessionId);
      });
    }
    this.#keep(report, fence);
    void this.#move(report.sessionId);
    return Promise.resolve();
  }

  /** The report's planned writes, sealed, in `handover` (a row already there is kept). */
  #keep(report: SessionReport, fence: Fence, endedAt = Date.now()): void {
    const items = planWriteBack(report);
    const lane = this.#o.queue.laneOf(report.host.crm, this.#endpointOf(report));
    const session: QueuedSession = queuedSessionSchema.parse({
      sessionId: report.sessionId,
      writes: items.map(({ file: _f, blob: _b, ...rest }) => rest),
    });
    const sealed = this.#o.cipher.encrypt(JSON.stringify(session), this.#aad(report.sessionId));
    this.#o.db
      .prepare(
        'INSERT OR IGNORE INTO handover (session_id, node, epoch, lane, sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(report.sessionId, fence.nodeId, fence.epoch, lane, sealed, endedAt);
  }

  /** Starts the retries of rows an outage or a crash left. */
  start(): void {
    this.#o.redis.on('ready', this.#onReady);
    this.#timer ??= setInterval(this.#onReady, this.#o.retryMs).unref();
    this.flush();
  }

  /** Tries every waiting row now (Redis is back, or a previous run left some). */
  flush(): void {
    if (this.#closed || this.#o.redis.status !== 'ready') return;
    const rows = this.#o.db.prepare('SELECT session_id FROM handover').all() as { session_id: string }[];
    for (const id of [...rows.map((r) => r.session_id), ...this.#local.keys()]) void this.#move(id);
  }

  /** How many reports wait here for Redis. */
  get waiting(): number {
    return (this.#o.db.prepare('SELECT COUNT(*) AS n FROM handover').get() as { n: number }).n + this.#local.size;
  }

  /** Waits at most `boundMs` for hand-offs in flight; what is left stays on disk for the next start. */
  async close(boundMs = 2000): Promise<void> {
    this.#closed = true;
    this.#o.redis.off('ready', this.#onReady);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs).unref()));
    await Promise.race([Promise.allSettled([...this.#moving.values()]), bound]);
    clearTimeout(timer);
    // Still waiting for Redis: the recording cannot outlive this process, the rest of the report can.
    for (const [sessionId, { report, fence, endedAt, settled }] of this.#local) {
      this.#local.delete(sessionId);
      const note = {
        at: report.endedAt,
        actor: 'Sightline',
        kind: 'recording',
        text: 'the recording was lost: the relay stopped while the cluster could not be reached',
      };
      this.#keep({ ...report, recording: null, log: [...report.log, note] }, fence, endedAt);
      void report.recording?.file.delete();
      this.#log.error({ sessionId }, 'relay stopped with Redis unreachable: the report is kept, its recording lost');
      settled();
    }
  }

  /**
   * What the lane is keyed by, known without the agent's tokens (a node that took the session over
   * may not hold them yet): the Salesforce org, the ServiceNow instance, else the agent's own lane.
   */
  #endpointOf(report: SessionReport): string {
    const { crm, orgId, userId } = report.host;
    if (orgId) return `org:${orgId}`;
    try {
      return this.#o.adapterFor({ crm, userId }).endpoint;
    } catch {
      return `agent:${crm}:${userId}`;
    }
  }

  #aad(sessionId: string): string {
    return `handover:${sessionId}`;
  }

  #move(sessionId: string): Promise<void> {
    const running = this.#moving.get(sessionId);
    if (running) return running;
    const p = this.#moveOnce(sessionId)
      .catch((err: unknown) =>
        this.#log.warn(
          { err: (err as Error).message, sessionId },
          'report waits here for Redis; retried when it is back',
        ),
      )
      .finally(() => this.#moving.delete(sessionId));
    this.#moving.set(sessionId, p);
    return p;
  }

  async #moveOnce(sessionId: string): Promise<void> {
    if (this.#closed || this.#o.redis.status !== 'ready') return; // BullMQ would wait for Redis: the row waits instead
    const local = this.#local.get(sessionId);
    if (local) return this.#writeHere(local);
    const raw = this.#o.db.prepare('SELECT * FROM handover WHERE session_id = ?').get(sessionId);
    if (!raw) return;
    const row = rowSchema.parse(raw);
    const handed = await this.#o.redis.eval(HAND_OFF, 1, ownKey(sessionId), row.node, row.epoch, row.created_at);
    if (handed === 1) {
      const session = queuedSessionSchema.parse(
        JSON.parse(this.#o.cipher.decryptText(row.sealed, this.#aad(sessionId))),
      );
      const added = await this.#o.queue.enqueue(row.lane, session);
      this.#log.info({ sessionId, added }, added ? 'report queued for write-back' : 'report was already queued');
    } else {
      this.#log.warn({ sessionId }, 'not the current owner of the session: its report is left to the owner');
    }
    this.#o.db.prepare('DELETE FROM handover WHERE session_id = ?').run(sessionId);
  }

  async #writeHere({ report, fence, endedAt, settled }: LocalReport): Promise<void> {
    const { sessionId } = report;
    const handed = await this.#o.redis.eval(HAND_OFF, 1, ownKey(sessionId), fence.nodeId, fence.epoch, endedAt);
    if (!this.#local.delete(sessionId)) return; // the stop kept it meanwhile
    try {
      if (handed === 1) return this.#o.writeHere(report);
      this.#log.warn({ sessionId }, 'not the current owner of the session: its report is left to the owner');
      await report.recording?.file.delete();
    } finally {
      settled();
    }
  }
}

/** The queue's processor: the session's writes go through this node's write-back (lanes, circuits, retries). */
export const processQueued =
  (writeBack: { deliverQueued(items: NewItem[]): Promise<void> }, logger: Logger) =>
  async (session: QueuedSession): Promise<{ done: true }> => {
    logger.info({ sessionId: session.sessionId, writes: session.writes.length }, 'took a queued write-back');
    // A queued write names no session (the job does): each outbox row needs it.
    await writeBack.deliverQueued(session.writes.map((w) => ({ ...w, sessionId: session.sessionId }) as NewItem));
    return { done: true };
  };
