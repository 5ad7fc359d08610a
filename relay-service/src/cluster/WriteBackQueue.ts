// Cluster mode: ended sessions' write-backs in Redis (BullMQ), so any node can drain them. One BullMQ
// queue per CRM endpoint (a Salesforce org, a ServiceNow instance): each has its own worker on every
// node, so one org whose writes are failing or delayed never takes a slot from another org's.
// One job per session, its id derived from the session id: a second enqueue of the same session (a
// node that took a dead node's session over) is a no-op while the job or its completion record exists.
// The job's data is the session's planned writes, sealed with the cluster's shared key (AES-GCM, bound
// to the job id): Redis sees only the lane's hashed name and ciphertext.
// Recording bytes never go into Redis (see README "Cluster mode"): they stay with the node that holds
// the file. Fed by QueueHandOff; its processor runs the steps through WriteBack (see index.ts).
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { TokenCipher } from '../auth/TokenCipher.ts';

const LANES_KEY = 'sightline:wb:lanes';
/** BullMQ's key prefix and a lane's queue name (an operator's tools, and the tests, open them by these). */
export const QUEUE_PREFIX = 'sightline-bull';
export const queueNameOf = (lane: string): string => `wb-${lane}`;

/** One planned write of a session, as it crosses Redis (no recording bytes). */
export const queuedWriteSchema = z.object({
  kind: z.string().min(1).max(40),
  discriminator: z.string().max(320).optional(),
  crm: z.enum(['salesforce', 'servicenow']),
  userId: z.string().min(1).max(200),
  recordId: z.string().max(64),
  payload: z.unknown(),
});
export const queuedSessionSchema = z.object({
  sessionId: z.string().min(1).max(64),
  writes: z.array(queuedWriteSchema).min(1).max(500),
});
export type QueuedSession = z.infer<typeof queuedSessionSchema>;

/** What the processor says: written (or given up on, recorded elsewhere), or try again at `retryAt`. */
export type Outcome = { done: true } | { done: false; retryAt: number };

export type Processor = (session: QueuedSession, lane: string) => Promise<Outcome>;

export interface WriteBackQueueOptions {
  /** BullMQ needs its own blocking connections (not the relay's fail-fast client). */
  redisUrl: string;
  cipher: TokenCipher;
  process: Processor;
  /** Sessions one node writes at once per lane. */
  concurrency?: number;
  /** How long a completed job's id keeps a second enqueue a no-op. */
  keepCompletedMs?: number;
  /** How often a node looks for lanes another node created. */
  lanesEveryMs?: number;
  /** A job whose processor threw (it stays in the lane's failed set for an operator). */
  onFailed?: (sessionId: string, err: Error) => void;
}

interface JobData {
  sealed: string;
}

export const jobIdFor = (sessionId: string): string => `s-${sessionId}`;

export class WriteBackQueue {
  readonly #o: Required<WriteBackQueueOptions>;
  readonly #queues = new Map<string, Queue<JobData>>();
  readonly #workers = new Map<string, Worker<JobData>>();
  readonly #connection: { url: string; maxRetriesPerRequest: null };
  /** The set of lane names, read by every node (BullMQ's own connections stay its own). */
  readonly #lanes: Redis;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: WriteBackQueueOptions) {
    this.#o = {
      concurrency: 4,
      keepCompletedMs: 7 * 24 * 3600_000,
      lanesEveryMs: 2000,
      onFailed: () => {},
      ...options,
    };
    this.#connection = { url: options.redisUrl, maxRetriesPerRequest: null };
    this.#lanes = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.#lanes.on('error', () => {});
  }

  /** The lane of an endpoint: its CRM and a keyed hash of its URL (no org name in Redis). */
  laneOf(crm: string, endpoint: string): string {
    return `${crm}-${this.#o.cipher.keyedHash(endpoint.toLowerCase(), 'writeback lane').slice(0, 24)}`;
  }

  /** Durable in Redis when it resolves; false when the session was already queued (a no-op). */
  async enqueue(lane: string, session: QueuedSession): Promise<boolean> {
    const valid = queuedSessionSchema.parse(session);
    const jobId = jobIdFor(valid.sessionId);
    const sealed = this.#o.cipher.encrypt(JSON.stringify(valid), this.#aad(lane, jobId)).toString('base64');
    const queue = this.#queue(lane);
    await this.#lanes.sadd(LANES_KEY, lane);
    await queue.add(
      'session',
      { sealed },
      {
        jobId,
        attempts: 1,
        removeOnComplete: { age: Math.ceil(this.#o.keepCompletedMs / 1000) },
        removeOnFail: false,
      },
    );
    // A known id leaves the stored job untouched (BullMQ's add is atomic): ours only if it holds what we sealed.
    const stored = await queue.getJob(jobId);
    const added = stored?.data.sealed === sealed;
    this.#worker(lane);
    return added;
  }

  /** Starts this node's workers on every known lane, and keeps looking for new ones. */
  async start(): Promise<void> {
    await this.#refreshLanes();
    this.#timer ??= setInterval(() => {
      this.#refreshLanes().catch(() => {});
    }, this.#o.lanesEveryMs).unref();
  }

  /**
   * Stops taking jobs; a job in progress finishes first (BullMQ waits for it). Bounded: with Redis
   * down BullMQ would wait for it forever, so after `boundMs` the connections are dropped (a job
   * left unfinished is taken again by another node once its lock expires).
   */
  async close(boundMs = 5000): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const graceful = (async () => {
      await Promise.all([...this.#workers.values()].map((w) => w.close()));
      await Promise.all([...this.#queues.values()].map((q) => q.close()));
      await this.#lanes.quit();
    })().then(
      () => true,
      () => false,
    );
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), boundMs).unref()));
    const clean = await Promise.race([graceful, bound]);
    clearTimeout(timer);
    if (clean) return;
    await Promise.allSettled([...this.#workers.values()].map((w) => w.disconnect()));
    await Promise.allSettled([...this.#queues.values()].map((q) => q.disconnect()));
    this.#lanes.disconnect();
  }

  async #refreshLanes(): Promise<void> {
    if (this.#closed) return;
    const lanes = await this.#lanes.smembers(LANES_KEY);
    for (const lane of lanes) if (/^[a-z0-9-]{1,64}$/.test(lane)) this.#worker(lane);
  }

  #aad(lane: string, jobId: string): string {
    return `wbqueue:${lane}:${jobId}`;
  }

  #queue(lane: string): Queue<JobData> {
    let q = this.#queues.get(lane);
    if (!q) {
      q = new Queue<JobData>(queueNameOf(lane), { connection: this.#connection, prefix: QUEUE_PREFIX });
      q.on('error', () => {}); // as the workers: BullMQ reconnects, the relay's own client logs the outage
      this.#queues.set(lane, q);
    }
    return q;
  }

  #worker(lane: string): void {
    if (this.#closed || this.#workers.has(lane)) return;
    const worker = new Worker<JobData>(queueNameOf(lane), (job, token) => this.#handle(lane, job, token), {
      connection: this.#connection,
      prefix: QUEUE_PREFIX,
      concurrency: this.#o.concurrency,
    });
    worker.on('error', () => {}); // reconnects on its own; the relay's Redis client logs the outage
    worker.on('failed', (job, err) => this.#o.onFailed(job?.id ?? '?', err));
    this.#workers.set(lane, worker);
  }

  async #handle(lane: string, job: Job<JobData>, token: string | undefined): Promise<void> {
    const text = this.#o.cipher.decryptText(Buffer.from(job.data.sealed, 'base64'), this.#aad(lane, job.id!));
    const session = queuedSessionSchema.parse(JSON.parse(text));
    const outcome = await this.#o.process(session, lane);
    if (outcome.done) return;
    // Not yet: back to the lane's delayed set (no worker slot held while it waits).
    await job.moveToDelayed(outcome.retryAt, token);
    throw new DelayedError();
  }
}
