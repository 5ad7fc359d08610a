// The write-back worker: takes finished sessions into the outbox (synchronously, so they are on
// disk before the registry's `ended` handler returns) and drains the outbox as each host agent,
// retrying transient failures with exponential backoff from a node-cron tick.
import cron, { type ScheduledTask } from 'node-cron';
import type { AdapterFactory } from '../crm/adapterFor.ts';
import { CrmError } from '../crm/CrmError.ts';
import type { Logger } from '../logger.ts';
import type { Outbox, OutboxItem } from './Outbox.ts';
import { planWriteBack } from './plan.ts';
import type { SessionReport } from '../sessions/types.ts';
import { runStep } from './runStep.ts';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** A write still failing after this long is given up on and reported. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, maxMs: 15 * 60_000, giveUpAfterMs: 24 * 3600_000 };
const RETENTION_MS = 7 * 24 * 3600_000;

export interface WriteBackOptions {
  outbox: Outbox;
  adapterFor: AdapterFactory;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** node-cron expression of the retry tick (seconds field allowed). */
  schedule?: string;
  now?: () => number;
}

export class WriteBack {
  readonly #outbox: Outbox;
  readonly #adapterFor: AdapterFactory;
  readonly #logger: Logger;
  readonly #retry: RetryPolicy;
  readonly #schedule: string;
  readonly #now: () => number;
  #task: ScheduledTask | null = null;
  #running: Promise<void> | null = null;
  #again = false;

  constructor(options: WriteBackOptions) {
    this.#outbox = options.outbox;
    this.#adapterFor = options.adapterFor;
    this.#logger = options.logger.child({ component: 'writeback' });
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#schedule = options.schedule ?? '*/5 * * * * *';
    this.#now = options.now ?? Date.now;
  }

  /** The registry's `ended` handler: durable when it returns; the CRM writes start right after. */
  accept(report: SessionReport): void {
    const items = planWriteBack(report);
    try {
      this.#outbox.enqueue(items);
    } catch (err) {
      // The one place a session's write-back could vanish: make it loud (the registry only logs listener errors).
      this.#logger.fatal({ err, sessionId: report.sessionId }, 'could not store the session for write-back');
      throw err;
    }
    this.#logger.info({ sessionId: report.sessionId, writes: items.length }, 'session queued for write-back');
    void this.drain();
  }

  start(): void {
    this.#task ??= cron.schedule(this.#schedule, () => void this.drain(), { noOverlap: true });
    void this.drain();
  }

  async stop(): Promise<void> {
    await this.#task?.destroy();
    this.#task = null;
    await this.#running;
  }

  /** Runs every due item once; concurrent calls share one pass (and ask for one more after it). */
  drain(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    // Cleared in a later microtask, so never before it was set (a pass with nothing due is synchronous).
    const run = this.#pass().finally(() => {
      this.#running = null;
    });
    this.#running = run;
    return run;
  }

  async #pass(): Promise<void> {
    try {
      do {
        this.#again = false;
        for (const item of this.#outbox.due()) await this.#attempt(item);
      } while (this.#again);
      this.#outbox.purge(RETENTION_MS);
    } catch (err) {
      this.#logger.error({ err }, 'write-back pass failed');
    }
  }

  async #attempt(item: OutboxItem): Promise<void> {
    // Lead steps are named after the attendee's email: log the kind of step and its row, not the address.
    const step = item.step.startsWith('lead:') ? 'lead' : item.step;
    const log = { sessionId: item.sessionId, step, item: item.id, attempt: item.attempts + 1 };
    try {
      const resultId = await runStep(item, this.#outbox, this.#adapterFor({ crm: item.crm, userId: item.userId }));
      this.#outbox.markDone(item, resultId);
      this.#logger.info({ ...log, resultId }, 'written to the CRM');
    } catch (err) {
      const crmError = err instanceof CrmError ? err : null;
      const kind = crmError?.kind ?? 'internal';
      const message = (err as Error).message;
      const tooOld = this.#now() - item.createdAt >= this.#retry.giveUpAfterMs;
      if ((crmError && crmError.permanent) || tooOld) {
        this.#outbox.markFailed(item, tooOld && !crmError?.permanent ? `gave up: ${message}` : message, kind);
        this.#logger.error({ ...log, kind, error: message }, 'write-back failed for good; reported to the agent');
        return;
      }
      const delay = Math.min(this.#retry.maxMs, this.#retry.baseMs * 2 ** item.attempts);
      this.#outbox.markRetry(item, message, kind, this.#now() + delay);
      this.#logger.warn({ ...log, kind, error: message, retryInMs: delay }, 'write-back will be retried');
    }
  }
}
