// The parent's handle on the load-generator processes (pinned away from the server's core).
import { fork, type ChildProcess } from 'node:child_process';
import { boost, pin, LOAD_CORES } from '../targets/pin.ts';
import type { ReplayPlan } from '../traffic.ts';
import type { SessionSpec, WindowReport, WorkerReply, WorkerRequest } from './messages.ts';

class Worker {
  private readonly child: ChildProcess;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: ((m: WorkerReply) => void) | null = null;

  constructor() {
    this.child = fork(new URL('./worker.ts', import.meta.url), [], {
      execArgv: ['--no-warnings'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    pin(this.child.pid!, LOAD_CORES);
    boost(this.child.pid!);
    this.child.on('message', (m: WorkerReply) => {
      const p = this.pending;
      this.pending = null;
      p?.(m);
    });
  }

  /** One request at a time per worker; replies come back in order. */
  request(m: WorkerRequest): Promise<WorkerReply> {
    const run = () =>
      new Promise<WorkerReply>((ok, fail) => {
        this.pending = (r) => (r.type === 'error' ? fail(new Error(`load worker: ${r.message}`)) : ok(r));
        this.child.send(m);
      });
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  stop(): void {
    this.child.disconnect();
  }
}

export class LoadGenerator {
  private readonly workers: Worker[];
  /** session id -> worker index */
  private readonly owner = new Map<string, number>();
  private nextWorker = 0;

  constructor(workers: number) {
    this.workers = Array.from({ length: workers }, () => new Worker());
  }

  async init(plan: ReplayPlan, codec: string, width: number, height: number): Promise<void> {
    await Promise.all(this.workers.map((w) => w.request({ type: 'init', plan, codec, width, height })));
  }

  /** Opens the sessions' sockets (round-robin over the workers); returns the failures. */
  async add(sessions: SessionSpec[]): Promise<string[]> {
    const per = this.workers.map(() => [] as SessionSpec[]);
    for (const s of sessions) {
      const i = s.slowLastViewer ? 0 : this.nextWorker++ % this.workers.length;
      per[i]!.push(s);
      this.owner.set(s.id, i);
    }
    const replies = await Promise.all(this.workers.map((w, i) => w.request({ type: 'add', sessions: per[i]! })));
    const failed = replies.flatMap((r) => (r.type === 'ok' ? (r.failed ?? []) : []));
    return failed;
  }

  /** Exactly these sessions' presenters send; every other session stays connected and still. */
  async activate(ids: string[]): Promise<void> {
    const per = this.workers.map(() => [] as string[]);
    for (const id of ids) per[this.owner.get(id)!]!.push(id);
    await Promise.all(this.workers.map((w, i) => w.request({ type: 'activate', ids: per[i]! })));
  }

  async remove(ids: string[]): Promise<void> {
    const per = this.workers.map(() => [] as string[]);
    for (const id of ids) {
      const i = this.owner.get(id);
      if (i === undefined) continue;
      per[i]!.push(id);
      this.owner.delete(id);
    }
    await Promise.all(this.workers.map((w, i) => w.request({ type: 'remove', ids: per[i]! })));
  }

  async throttle(bytesPerSecond: number | null): Promise<void> {
    await Promise.all(this.workers.map((w) => w.request({ type: 'throttle', bytesPerSecond })));
  }

  /**
   * Measures the frames captured during `seconds` (their receipts may arrive up to `graceMs` later)
   * and returns every worker's figures merged.
   */
  async window(seconds: number, graceMs = 1500): Promise<WindowReport> {
    await Promise.all(this.workers.map((w) => w.request({ type: 'window-start' })));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const replies = await Promise.all(this.workers.map((w) => w.request({ type: 'window-end', graceMs })));
    return merge(replies.map((r) => (r as WorkerReply & { type: 'window' }).report));
  }

  stop(): void {
    for (const w of this.workers) w.stop();
  }
}

function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function merge(reports: WindowReport[]): WindowReport {
  const sum = (k: keyof WindowReport) => reports.reduce((n, r) => n + (r[k] as number), 0);
  const control: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.control)) control[k] = (control[k] ?? 0) + v;
  return {
    seconds: Math.max(...reports.map((r) => r.seconds)),
    framesSent: sum('framesSent'),
    bytesSent: sum('bytesSent'),
    framesSkipped: sum('framesSkipped'),
    framesReceived: sum('framesReceived'),
    bytesReceived: sum('bytesReceived'),
    latencies: concat(reports.map((r) => r.latencies)),
    slowFramesReceived: sum('slowFramesReceived'),
    slowLatencies: concat(reports.map((r) => r.slowLatencies)),
    slowReceivedAtMs: concat(reports.map((r) => r.slowReceivedAtMs)),
    slowSessionFramesSent: sum('slowSessionFramesSent'),
    peerFramesReceived: sum('peerFramesReceived'),
    peerLatencies: concat(reports.map((r) => r.peerLatencies)),
    keyframeRequests: sum('keyframeRequests'),
    cpuMicros: sum('cpuMicros'),
    eventLoopDelayP99Ms: Math.max(...reports.map((r) => r.eventLoopDelayP99Ms)),
    activeSessions: sum('activeSessions'),
    openSockets: sum('openSockets'),
    control,
  };
}
