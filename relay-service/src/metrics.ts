// One Prometheus registry per relay process, shared by the media plane and the control plane.
// Created per relay (not a module singleton) so several relays can live in one test process.
// The control plane adds its own metrics to `metrics.registry` (e.g. the write-back backlog).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface WriteBackCounts {
  backlog: number;
  awaitingSignIn: number;
  failed: number;
  /** Cluster mode: finished sessions' reports on this node waiting for Redis to take them. */
  awaitingCluster: number;
}

export interface SessionCounts {
  sessions: Record<string, number>;
  participants: number;
}

/**
 * A counter bumped for every frame: a plain number on the media path, moved into its Prometheus
 * counter when the counter is read (a scrape, `get`). prom-client's `inc` allocates two objects a
 * call, a tenth of the relay's garbage at a few thousand frames a second.
 */
export class FrameCounter {
  #pending = 0;
  readonly #counter: Counter;

  constructor(registry: Registry, config: { name: string; help: string }) {
    const take = () => {
      const n = this.#pending;
      this.#pending = 0;
      return n;
    };
    this.#counter = new Counter({
      ...config,
      registers: [registry],
      collect() {
        const n = take();
        if (n > 0) this.inc(n);
      },
    });
  }

  add(n = 1): void {
    this.#pending += n;
  }

  get(): ReturnType<Counter['get']> {
    return this.#counter.get();
  }
}

export class RelayMetrics {
  readonly registry = new Registry();
  readonly framesForwarded = new FrameCounter(this.registry, {
    name: 'sightline_frames_forwarded_total',
    help: 'Media frames sent to viewers (one per viewer per frame)',
  });
  readonly bytesForwarded = new FrameCounter(this.registry, {
    name: 'sightline_bytes_forwarded_total',
    help: 'Media bytes sent to viewers',
  });
  readonly framesReceived = new FrameCounter(this.registry, {
    name: 'sightline_frames_received_total',
    help: 'Media frames received from presenters',
  });
  readonly framesDropped = new Counter({
    name: 'sightline_frames_dropped_total',
    help: 'Frames not sent to a viewer, by reason (slow_viewer: the viewer fell behind and skips to the next keyframe)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly keyframeRequests = new Counter({
    name: 'sightline_keyframe_requests_total',
    help: 'Keyframe requests sent to presenters, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly messagesRejected = new Counter({
    name: 'sightline_messages_rejected_total',
    help: 'Client messages or frames rejected, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly presenterPauses = new Counter({
    name: 'sightline_presenter_read_pauses_total',
    help: 'Times the relay paused reading a presenter because every viewer was behind',
    registers: [this.registry],
  });
  private counts: () => SessionCounts = () => ({ sessions: {}, participants: 0 });
  private writeBackCounts: () => WriteBackCounts = () => ({
    backlog: 0,
    awaitingSignIn: 0,
    failed: 0,
    awaitingCluster: 0,
  });
  readonly sessions: Gauge<'status'>;
  readonly participants: Gauge;

  constructor({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}) {
    // Gauges are read from the session registry at scrape time, so they can never drift.
    const read = () => this.counts();
    this.sessions = new Gauge({
      name: 'sightline_sessions',
      help: 'Live sessions by status',
      labelNames: ['status'] as const,
      registers: [this.registry],
      collect() {
        const { sessions } = read();
        this.reset();
        for (const status of ['waiting', 'in_progress', 'customer_absent']) this.set({ status }, sessions[status] ?? 0);
      },
    });
    this.participants = new Gauge({
      name: 'sightline_participants_connected',
      help: 'Participants with an open WebSocket',
      registers: [this.registry],
      collect() {
        this.set(read().participants);
      },
    });
    const writeBack = () => this.writeBackCounts();
    const gauge = (name: string, help: string, key: keyof WriteBackCounts) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(writeBack()[key]);
        },
      });
    gauge('sightline_writeback_backlog', 'CRM writes still to be delivered (including retries)', 'backlog');
    gauge(
      'sightline_writeback_awaiting_sign_in',
      'CRM writes waiting for their agent to sign in again',
      'awaitingSignIn',
    );
    gauge('sightline_writeback_failed', 'CRM writes given up on, kept until retried or discarded', 'failed');
    gauge(
      'sightline_writeback_awaiting_cluster',
      'Finished sessions whose reports wait on this node for Redis (cluster mode)',
      'awaitingCluster',
    );
    // The event-loop delay histogram samples on a timer: prom-client's 10 ms default wakes an idle
    // relay 100 times a second (0.8% of a core, 20x the idle floor forwarder); 100 ms still gives 150
    // samples in a 15 s scrape interval.
    if (defaultMetrics)
      collectDefaultMetrics({ register: this.registry, prefix: 'sightline_', eventLoopMonitoringPrecision: 100 });
  }

  /** Called by startRelay so the write-back gauges read the outbox at scrape time. */
  observeWriteBack(counts: () => WriteBackCounts): void {
    this.writeBackCounts = counts;
  }

  /** Called by the session registry so the gauges read its live counts. */
  observeSessions(counts: () => SessionCounts): void {
    this.counts = counts;
  }
}

export function createMetrics(options?: { defaultMetrics?: boolean }): RelayMetrics {
  return new RelayMetrics(options);
}
