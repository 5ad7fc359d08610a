// The write-back worker: takes finished sessions into the outbox (synchronously, so they are on
// disk before the registry's `ended` handler returns) and delivers them as each host agent.
// One lane per CRM endpoint (a Salesforce org, a ServiceNow instance), each with its own bounded
// queue, step timeout and circuit breaker, so one CRM's outage or slowness never delays another's.
// A session's steps run in order (the attendee rows link the Leads its lead steps created).
import { Readable } from 'node:stream';
import {
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  handleWhen,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import PQueue from 'p-queue';
import type { SightlineConfig } from '@sightline/config';
import type { Crm } from '../auth/identity.ts';
import type { CrmAdapter } from '../crm/CrmAdapter.ts';
import type { AdapterFactory } from '../crm/adapterFor.ts';
import { CrmError } from '../crm/CrmError.ts';
import type { Logger } from '../logger.ts';
import type { WriteBackCounts } from '../metrics.ts';
import type { AgentDeliveries, AgentDelivery, WriteBackSummary } from '../protocol/index.ts';
import type { SessionReport } from '../sessions/types.ts';
import type { ItemFilter, NewItem, Outbox, OutboxItem, OutboxStatus } from './Outbox.ts';
import { planWriteBack } from './plan.ts';
import type { RecordingFile } from '../recording/RecordingFile.ts';
import { WAITING } from './steps/attendees.ts';
import { failureOf, type Failure } from './reasons.ts';
import { steps, type Payloads, type StepHandler, type StepKind } from './steps/index.ts';

export type WriteBackSettings = SightlineConfig['writeBack'];

export interface SignedInSource {
  onSignedIn(listener: (agent: { crm: Crm; userId: string }) => void): () => void;
}

export interface WriteBackOptions {
  outbox: Outbox;
  adapterFor: AdapterFactory;
  logger: Logger;
  settings: WriteBackSettings;
  /** The agents' sign-ins, which resume their waiting writes. */
  agents?: SignedInSource;
  /** Before acting for an agent: their latest tokens (cluster mode: from Redis). A failure leaves this node's copy. */
  beforeDelivery?: (agent: { crm: Crm; userId: string }) => Promise<void>;
  now?: () => number;
}

interface Lane {
  queue: PQueue;
  policy: IPolicy;
  /** While the circuit is open its sessions stay in the outbox untouched (no call, no write). */
  pausedUntil: number;
}

const toAgentDelivery = (i: OutboxItem): AgentDelivery => ({
  sessionId: i.sessionId,
  crm: i.crm,
  recordId: i.recordId,
  what: i.kind,
  reason: i.lastError ?? 'no reason recorded',
  since: new Date(i.updatedAt).toISOString(),
});

export class WriteBack {
  readonly #outbox: Outbox;
  readonly #adapterFor: AdapterFactory;
  readonly #beforeDelivery: WriteBackOptions['beforeDelivery'];
  readonly #logger: Logger;
  readonly #settings: WriteBackSettings;
  readonly #now: () => number;
  readonly #lanes = new Map<string, Lane>();
  /** A session's delivery task while it runs: never two at once for one session. */
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #unsubscribe: () => void;
  #timer: NodeJS.Timeout | null = null;
  /** A pass over the outbox is due at the next turn of the event loop (see #dispatchSoon). */
  #soon: NodeJS.Immediate | null = null;

  /** Spilled recordings waiting for their upload (their key is in memory only). */
  readonly #files = new Map<string, RecordingFile>();

  constructor(options: WriteBackOptions) {
    this.#outbox = options.outbox;
    this.#adapterFor = options.adapterFor;
    this.#beforeDelivery = options.beforeDelivery;
    this.#logger = options.logger.child({ component: 'writeback' });
    this.#settings = options.settings;
    this.#now = options.now ?? Date.now;
    this.#unsubscribe = options.agents?.onSignedIn((agent) => this.resume(agent.crm, agent.userId)) ?? (() => {});
  }

  /** The registry's `ended` handler: durable when it returns; the CRM writes start right after. */
  accept(report: SessionReport): void {
    const items = planWriteBack(report);
    const file = report.recording?.file;
    try {
      this.#outbox.enqueue(items.map(({ file: _f, ...rest }) => rest));
    } catch (err) {
      void file?.delete();
      // The one place a session's write-back could vanish: make it loud (the registry only logs listener errors).
      this.#logger.fatal({ err, sessionId: report.sessionId }, 'could not store the session for write-back');
      throw err;
    }
    // A spilled recording stays in its encrypted file until delivered; a small one is in the outbox now.
    if (items.some((i) => i.file)) this.#files.set(report.sessionId, file!);
    else void file?.delete();
    this.#logger.info({ sessionId: report.sessionId, writes: items.length }, 'session queued for write-back');
    this.#dispatchSoon();
  }

  /**
   * Cluster mode: a session taken from the Redis queue. Its writes go into this node's outbox (a second
   * take of the same job adds nothing: rows are unique per session and step) and its due steps run now,
   * through the endpoint's lane and circuit like any other; retries stay in this outbox.
   */
  async deliverQueued(items: NewItem[]): Promise<void> {
    const sessionId = items[0]?.sessionId;
    if (!sessionId) return;
    this.#outbox.enqueue(items);
    this.#dispatch();
    await this.#inflight.get(sessionId);
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#dispatch(), this.#settings.tickMs).unref();
    this.#dispatch();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    // Sessions ended by the stop itself start their writes now, and are waited for below.
    if (this.#soon) {
      clearImmediate(this.#soon);
      this.#soon = null;
      this.#dispatch();
    }
    this.#unsubscribe();
    await Promise.allSettled([...this.#inflight.values()]);
  }

  /** One pass: starts every due write and waits for what is in flight now (not for later retries). */
  async drain(): Promise<void> {
    this.#dispatch();
    await Promise.allSettled([...this.#inflight.values()]);
    this.#outbox.purge(this.#settings.retentionDays * 24 * 3600_000);
  }

  /** The agent signed in again: their writes waiting on revoked access go out now. */
  resume(crm: Crm, userId: string): number {
    let resumed = 0;
    try {
      resumed = this.#outbox.resume(crm, userId);
    } catch (err) {
      this.#logger.error({ err, crm, userId }, 'could not resume write-backs after sign-in');
    }
    if (resumed) {
      this.#logger.info({ crm, userId, resumed }, 'write-backs resumed after sign-in');
      this.#dispatch();
    }
    return resumed;
  }

  /** For an administrator: what is still to deliver, what waits for a sign-in, what failed and why. */
  summary(): WriteBackSummary {
    return {
      backlog: this.#outbox.count('pending'),
      awaitingSignIn: this.#outbox.count('waiting'),
      failed: this.#outbox
        .failed()
        .map((i) => ({ ...toAgentDelivery(i), id: i.id, userId: i.userId, attempts: i.attempts })),
    };
  }

  /** The summary's numbers alone (the metrics gauges read them at scrape time). */
  counts(): Omit<WriteBackCounts, 'awaitingCluster'> {
    return {
      backlog: this.#outbox.count('pending'),
      awaitingSignIn: this.#outbox.count('waiting'),
      failed: this.#outbox.count('failed'),
    };
  }

  /** Re-queues failed writes (all, or one session's) with a fresh retry window; returns how many. */
  retry(filter: { sessionId?: string } = {}): number {
    const requeued = this.#outbox.requeue(filter);
    if (requeued) {
      this.#logger.info({ ...filter, requeued }, 'failed write-backs re-queued');
      this.#dispatch();
    }
    return requeued;
  }

  /** Drops failed writes (and their content) someone decided will not be delivered; returns how many. */
  discard(filter: { sessionId?: string } = {}): number {
    const discarded = this.#outbox.discard(filter);
    for (const sessionId of [...this.#files.keys()]) {
      const kept = this.#outbox
        .forSession(sessionId)
        .some((i) => (i.kind === 'recording' || i.kind === 'attachment') && i.status !== 'done');
      if (!kept) this.#dropFile(sessionId);
    }
    if (discarded) this.#logger.warn({ ...filter, discarded }, 'failed write-backs discarded');
    return discarded;
  }

  /** Where each of a session's writes stands, in plan order (empty once the report is purged). */
  statusOf(sessionId: string): OutboxStatus[] {
    return this.#outbox.forSession(sessionId).map((i) => i.status);
  }

  /** The signed-in agent's undelivered session records (`GET /api/me/deliveries`). */
  deliveriesFor(crm: Crm, userId: string): AgentDeliveries {
    const mine: ItemFilter = { crm, userId };
    return {
      awaitingSignIn: this.#outbox.count('waiting', mine),
      failed: this.#outbox.failed(mine, 50).map(toAgentDelivery),
    };
  }

  /**
   * One pass for every session that ended in this turn of the event loop: each pass reads up to 500
   * due rows, and a pass per ended session made a burst of endings (a relay stopping, the benchmark's
   * capacity phase ending thousands) quadratic, stalling the relay for seconds.
   */
  #dispatchSoon(): void {
    this.#soon ??= setImmediate(() => {
      this.#soon = null;
      this.#dispatch();
    });
  }

  /** Hands every due session not already in flight to its endpoint's lane. */
  #dispatch(): void {
    const sessions = new Map<string, OutboxItem[]>();
    try {
      for (const item of this.#outbox.due()) {
        if (this.#inflight.has(item.sessionId)) continue;
        const list = sessions.get(item.sessionId) ?? [];
        list.push(item);
        sessions.set(item.sessionId, list);
      }
    } catch (err) {
      this.#logger.error({ err }, 'could not read the outbox');
      return;
    }
    for (const [sessionId, items] of sessions) {
      const before = this.#beforeDelivery;
      const run = before
        ? before(items[0]!).then(
            () => this.#start(items) ?? undefined,
            (err: unknown) => {
              this.#logger.warn(
                { err: (err as Error).message, sessionId },
                'could not refresh the agent; using this copy',
              );
              return this.#start(items) ?? undefined;
            },
          )
        : this.#start(items);
      if (!run) continue;
      const task = run
        .catch((err: unknown) => this.#logger.error({ err, sessionId }, 'write-back task failed'))
        .finally(() => this.#inflight.delete(sessionId));
      this.#inflight.set(sessionId, task);
    }
  }

  /** The session's writes on its endpoint's lane, or null when they cannot run now. */
  #start(items: OutboxItem[]): Promise<void> | null {
    let adapter: CrmAdapter;
    try {
      adapter = this.#adapterFor(items[0]!);
    } catch (err) {
      // No usable token (the agent never signed in to this relay, or signed out): wait for them.
      this.#settle(items, failureOf(err, items[0]!.kind));
      return null;
    }
    const lane = this.#lane(adapter);
    if (this.#now() < lane.pausedUntil) return null;
    return lane.queue.add(() => this.#deliver(items, adapter, lane));
  }

  #lane(adapter: CrmAdapter): Lane {
    const key = `${adapter.crm} ${adapter.endpoint}`;
    let lane = this.#lanes.get(key);
    if (!lane) {
      const { concurrency, stepTimeoutMs, breaker } = this.#settings;
      const circuit = circuitBreaker(
        // Only failures a retry may fix say anything about the endpoint's health (not a step waiting for another).
        handleWhen((err) => failureOf(err, 'activity').temporary && !(err instanceof CrmError && err.code === WAITING)),
        { halfOpenAfter: breaker.halfOpenAfterMs, breaker: new ConsecutiveBreaker(breaker.failures) },
      );
      const created: Lane = {
        queue: new PQueue({ concurrency }),
        policy: wrap(circuit, timeout(stepTimeoutMs, TimeoutStrategy.Aggressive)),
        pausedUntil: 0,
      };
      circuit.onStateChange((state) => {
        if (state === CircuitState.Open) created.pausedUntil = this.#now() + breaker.halfOpenAfterMs;
        this.#logger.warn({ endpoint: key, circuit: CircuitState[state] }, 'CRM endpoint circuit');
      });
      lane = created;
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  /** One session's due steps, in order. */
  async #deliver(items: OutboxItem[], adapter: CrmAdapter, lane: Lane): Promise<void> {
    for (const [i, item] of items.entries()) {
      const failure = await this.#attempt(item, adapter, lane);
      // Revoked access or an open circuit holds for the session's other steps too: no call for them now.
      if (failure?.kind === 'revoked' || failure?.kind === 'circuit_open') {
        this.#settle(items.slice(i + 1), failure);
        return;
      }
    }
  }

  async #attempt(item: OutboxItem, adapter: CrmAdapter, lane: Lane): Promise<Failure | null> {
    const log = { sessionId: item.sessionId, step: item.kind, item: item.id, attempt: item.attempts + 1 };
    try {
      const resultId = await lane.policy.execute(() => this.#run(item.kind, item, adapter));
      this.#outbox.markDone(item, resultId);
      if (item.kind === 'recording' || item.kind === 'attachment') this.#dropFile(item.sessionId);
      this.#logger.info({ ...log, resultId }, 'written to the CRM');
      return null;
    } catch (err) {
      const failure = failureOf(err, item.kind);
      this.#settle([item], failure);
      return failure;
    }
  }

  #dropFile(sessionId: string): void {
    const file = this.#files.get(sessionId);
    this.#files.delete(sessionId);
    void file?.delete();
  }

  /** Runs one step through its handler, its payload validated as read back from disk. */
  #run<K extends StepKind>(kind: K, item: OutboxItem, crm: CrmAdapter): Promise<string> {
    const handler = steps[kind] as unknown as StepHandler<Payloads[K]>;
    const parsed = handler.payload.safeParse(this.#outbox.payload(item));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CrmError(
        'invalid',
        'UNREADABLE_PAYLOAD',
        `the stored write is unreadable (${issue?.path.join('.')}: ${issue?.message})`,
      );
    }
    return handler.run({
      sessionId: item.sessionId,
      payload: parsed.data,
      crm,
      content: () => {
        const blob = this.#outbox.blob(item);
        if (blob) return { size: blob.byteLength, open: () => Readable.from([blob]) };
        const file = this.#files.get(item.sessionId);
        return file ? { size: file.size, open: () => file.stream() } : null;
      },
      remember: (payload) => this.#outbox.updatePayload(item, payload),
      pending: (other) => this.#outbox.undelivered(item.sessionId, other),
    });
  }

  /** Records what became of an attempt: waiting for a sign-in, retried later, or failed for good. */
  #settle(items: OutboxItem[], failure: Failure): void {
    for (const item of items) {
      const log = {
        sessionId: item.sessionId,
        step: item.kind,
        item: item.id,
        kind: failure.kind,
        reason: failure.reason,
      };
      if (failure.kind === 'revoked') {
        this.#outbox.markWaiting(item, failure.reason);
        this.#logger.warn(log, 'write-back waits for the agent to sign in again');
        continue;
      }
      if (failure.kind === 'circuit_open') {
        const nextAt = this.#now() + this.#settings.breaker.halfOpenAfterMs;
        this.#outbox.markRetry(item, failure.reason, failure.kind, nextAt, false);
        continue;
      }
      const { baseMs, maxMs, giveUpAfterMs } = this.#settings.retry;
      const tooLong = this.#now() - item.windowStart >= giveUpAfterMs;
      if (!failure.temporary || tooLong) {
        const hours = Math.round(giveUpAfterMs / 360_000) / 10;
        const reason = failure.temporary
          ? `${failure.reason} (still failing after ${hours} h; gave up)`
          : failure.reason;
        this.#outbox.markFailed(item, reason, failure.kind);
        this.#logger.error({ ...log, reason }, 'write-back failed for good; reported to the agent and admin');
        continue;
      }
      const delay = Math.min(maxMs, baseMs * 2 ** item.attempts);
      this.#outbox.markRetry(item, failure.reason, failure.kind, this.#now() + delay);
      this.#logger.warn({ ...log, retryInMs: delay }, 'write-back will be retried');
    }
  }
}
