// One measurement step (N active sessions for a few seconds) and the capacity search built on it.
import type { LoadGenerator } from './load/LoadGenerator.ts';
import type { WindowReport } from './load/messages.ts';
import type { SessionPool } from './SessionPool.ts';
import { round, summarizeLatency, type LatencySummary } from './stats.ts';
import type { TargetProcess } from './targets/TargetProcess.ts';
import type { CpuQuota } from './targets/CpuQuota.ts';
import { CapacitySearch, type CapacityOptions, type CapacityResult } from './CapacitySearch.ts';

export const LATENCY_BUDGET_MS = 50;
/** Below this share of the expected frames reaching viewers, the server is not keeping up. */
export const MIN_DELIVERED = 0.98;

export interface StepResult {
  target: string;
  viewersPerSession: number;
  sessions: number;
  seconds: number;
  offeredFramesPerSec: number;
  offeredKbitPerSec: number;
  forwardedFramesPerSec: number;
  forwardedMbitPerSec: number;
  /** Frames viewers received in the window (each gives one latency sample). */
  framesForwarded: number;
  deliveredRatio: number;
  latencyMs: LatencySummary;
  serverCpuPercent: number;
  /** The same split by thread (Linux): main thread (JS, and of it mainSystem in the kernel), V8's helpers (GC, compilers), others. */
  serverThreadsPercent?: { main: number; mainSystem: number; v8: number; other: number };
  /** Percent of one core per forwarded Mbit/s. */
  serverCpuPercentPerMbit: number;
  loadCpuPercent: number;
  loadEventLoopDelayP99Ms: number;
  framesSkippedByPresenters: number;
  keyframeRequests: number;
  control: Record<string, number>;
  /**
   * The server kept up: >= 98% of frames sent reached every viewer, the presenters skipped none, and
   * the median frame arrived within the latency budget (no backlog building up).
   */
  keptUp: boolean;
  /** Kept up with p99 added latency under the budget. */
  ok: boolean;
  /** The load generator used > 85% of its core: a failure here may be the harness's. */
  loadBound: boolean;
}

export interface StepContext {
  target: TargetProcess;
  load: LoadGenerator;
  pool: SessionPool;
  warmSeconds: number;
  windowSeconds: number;
  log: (line: string) => void;
  /** Held on the server for each step's load (not while sessions connect): see CpuQuota. */
  quota?: CpuQuota | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureStep(ctx: StepContext, sessions: number): Promise<StepResult> {
  if (ctx.pool.size < sessions) {
    // Quiet while connecting more: new sockets are not accepted under a running load.
    await ctx.load.activate([]);
    await ctx.pool.ensure(sessions);
    // Connecting is not forwarding: what provisioning left (the relay's HTTP, SQLite and schema
    // garbage, its journal writes) is collected and done with before the step's load, as in the
    // same-load rounds. A first window after 200 new sessions read 0.40 %/Mbit, the next 0.32.
    await ctx.target.stats(true);
    await drain(ctx, 'finished connecting');
  }
  const active = ctx.pool.first(sessions);
  ctx.quota?.hold(ctx.target.pid);
  let before, w, after;
  try {
    await ctx.load.activate(active);
    await sleep(ctx.warmSeconds * 1000);
    before = await ctx.target.stats();
    w = await ctx.load.window(ctx.windowSeconds);
    after = await ctx.target.stats();
  } finally {
    ctx.quota?.unhold();
  }
  const r = stepFigures(ctx.target.name, ctx.pool.viewers, active.length, w);
  const cpu = ((after.cpuMicros - before.cpuMicros) / 1000 / (after.atMs - before.atMs)) * 100;
  r.serverCpuPercent = round(cpu);
  const [t0, t1] = [before.threadMicros, after.threadMicros];
  if (t0 && t1) {
    const share = (a: number, b: number) => round(((b - a) / 1000 / (after.atMs - before.atMs)) * 100);
    r.serverThreadsPercent = {
      main: share(t0.main, t1.main),
      mainSystem: share(t0.mainSystem, t1.mainSystem),
      v8: share(t0.v8, t1.v8),
      other: share(t0.other, t1.other),
    };
  }
  r.serverCpuPercentPerMbit = r.forwardedMbitPerSec > 0 ? round(cpu / r.forwardedMbitPerSec, 2) : 0;
  ctx.log(
    `  ${ctx.target.name} ${active.length} sessions x ${ctx.pool.viewers} viewer(s)` +
      (ctx.quota ? ` on ${ctx.quota.share * 100}% of a core: ` : ': ') +
      `${r.forwardedFramesPerSec} frames/s, ${r.forwardedMbitPerSec} Mbit/s forwarded, ` +
      `p50 ${r.latencyMs.p50} / p99 ${r.latencyMs.p99} ms, delivered ${round(r.deliveredRatio * 100)}%, ` +
      `server cpu ${r.serverCpuPercent}%, load cpu ${r.loadCpuPercent}% -> ${r.ok ? 'within budget' : r.keptUp ? 'kept up, over the latency budget' : 'did not keep up'}` +
      (r.loadBound ? ' (load generator near its limit)' : ''),
  );
  return r;
}

export function stepFigures(target: string, viewers: number, sessions: number, w: WindowReport): StepResult {
  const latencyMs = summarizeLatency(w.latencies);
  const expected = w.framesSent * viewers;
  const deliveredRatio = expected === 0 ? 0 : Math.min(1, w.framesReceived / expected);
  const loadCpuPercent = round((w.cpuMicros / 1000 / (w.seconds * 1000)) * 100);
  // Delivering every frame is not keeping up when the median frame waits behind a backlog: a forwarder
  // that buffers without bound "delivers" 99.7% with a p50 of 761 ms while its queue grows.
  const keptUp =
    w.framesSent > 0 &&
    deliveredRatio >= MIN_DELIVERED &&
    w.framesSkipped === 0 &&
    latencyMs.p50 !== null &&
    latencyMs.p50 <= LATENCY_BUDGET_MS;
  const ok = keptUp && latencyMs.p99 !== null && latencyMs.p99 < LATENCY_BUDGET_MS;
  return {
    target,
    viewersPerSession: viewers,
    sessions,
    seconds: round(w.seconds, 2),
    offeredFramesPerSec: round(w.framesSent / w.seconds),
    offeredKbitPerSec: round((w.bytesSent * 8) / 1000 / w.seconds),
    forwardedFramesPerSec: round(w.framesReceived / w.seconds),
    forwardedMbitPerSec: round((w.bytesReceived * 8) / 1e6 / w.seconds, 3),
    framesForwarded: w.framesReceived,
    deliveredRatio: round(deliveredRatio, 4),
    latencyMs,
    serverCpuPercent: 0,
    serverCpuPercentPerMbit: 0,
    loadCpuPercent,
    loadEventLoopDelayP99Ms: round(w.eventLoopDelayP99Ms, 1),
    framesSkippedByPresenters: w.framesSkipped,
    keyframeRequests: w.keyframeRequests,
    control: w.control,
    keptUp,
    ok,
    loadBound: loadCpuPercent > 85,
  };
}

/**
 * A step that did not keep up is measured once more before it counts: the machine may be shared, and one stall
 * of another process should not decide a capacity figure. The second result is the one kept.
 */
async function confirmedStep(ctx: StepContext, sessions: number): Promise<StepResult> {
  const first = await measureStep(ctx, sessions);
  if (first.keptUp) return first;
  await drain(ctx);
  ctx.log('  (re-measuring a failed step once)');
  const second = await measureStep(ctx, sessions);
  if (!second.keptUp) await drain(ctx);
  return second;
}

/** CPU below which a server with its load stopped has nothing left to forward. */
const DRAINED_CPU = 0.02;
const DRAIN_LIMIT_SECONDS = 120;

/**
 * After a step the server did not keep up with (or after connecting sessions): stops the load and
 * waits until the server has forwarded or dropped its backlog (a forwarder that buffers without bound
 * holds seconds of it), so the next step measures its own load and not the last one's leftovers.
 */
async function drain(ctx: StepContext, done = 'drained its backlog'): Promise<void> {
  await ctx.load.activate([]);
  const started = performance.now();
  let before = await ctx.target.stats();
  while (performance.now() - started < DRAIN_LIMIT_SECONDS * 1000) {
    await sleep(500);
    const now = await ctx.target.stats();
    const cpu = (now.cpuMicros - before.cpuMicros) / 1000 / (now.atMs - before.atMs);
    before = now;
    if (cpu < DRAINED_CPU) {
      ctx.log(`  ${ctx.target.name} ${done} in ${round((performance.now() - started) / 1000, 1)} s`);
      return;
    }
  }
  ctx.log(`  ${ctx.target.name} still busy after ${DRAIN_LIMIT_SECONDS} s with its load stopped (measuring on)`);
}

export interface Settled {
  seconds: number;
  /** The relay's sessions not yet ended and CRM writes still to deliver, when the wait began. */
  liveBefore: number;
  backlogBefore: number;
  /** False when the wait gave up at its limit with the server still busy. */
  quiet: boolean;
}

/**
 * Waits until the server is quiet: its CPU under 5% and, for the relay, every session ended and its
 * write-back outbox drained. Closed sockets do not end a relay session: the sweeper ends them after the
 * reconnect grace (60 s), all at once, and each then goes through the outbox to the CRM. A lull in CPU
 * before that is not the end of it: the next phase would measure that burst. Logs what it waited for,
 * and says so when it gives up.
 */
export async function settle(target: TargetProcess, log: (line: string) => void, maxSeconds = 240): Promise<Settled> {
  const started = performance.now();
  const until = started + maxSeconds * 1000;
  let before = await target.stats();
  const liveBefore = before.liveSessions ?? 0;
  const backlogBefore = before.writeBack?.backlog ?? 0;
  let quiet = false;
  while (performance.now() < until) {
    await sleep(500);
    const now = await target.stats();
    const cpu = (now.cpuMicros - before.cpuMicros) / 1000 / (now.atMs - before.atMs);
    before = now;
    if (cpu < 0.05 && (now.writeBack?.backlog ?? 0) === 0 && (now.liveSessions ?? 0) === 0) {
      quiet = true;
      break;
    }
  }
  const seconds = round((performance.now() - started) / 1000, 1);
  const counts = before.writeBack;
  const relay = counts
    ? `; live sessions ${liveBefore} -> ${before.liveSessions ?? 0}, write-back backlog ${backlogBefore} -> ${counts.backlog} (${counts.awaitingSignIn} awaiting sign-in, ${counts.failed} failed)`
    : '';
  log(
    quiet
      ? `  ${target.name} quiet after ${seconds} s${relay}`
      : `  ${target.name} NOT quiet after ${seconds} s (gave up: the next phase runs alongside its leftover work)${relay}`,
  );
  return { seconds, liveBefore, backlogBefore, quiet };
}

/**
 * The capacity searches of several targets, interleaved: each step of one is followed by a step of
 * the next (the order alternating), so every target is measured in the same minutes of the machine.
 */
export async function capacitySearches(ctxs: StepContext[], options: CapacityOptions): Promise<CapacityResult[]> {
  for (const ctx of ctxs) ctx.log(`capacity: ${ctx.target.name}, ${ctx.pool.viewers} viewer(s) per session`);
  const searches = ctxs.map(() => new CapacitySearch(options));
  for (let turn = 0; searches.some((s) => s.next !== null); turn++) {
    const order = turn % 2 === 0 ? ctxs.map((_, i) => i) : ctxs.map((_, i) => ctxs.length - 1 - i);
    for (const i of order) {
      const n = searches[i]!.next;
      if (n !== null) searches[i]!.record(await confirmedStep(ctxs[i]!, n));
    }
  }
  await ctxs[0]?.load.activate([]);
  return ctxs.map((ctx, i) => searches[i]!.result(ctx.target.name, ctx.pool.viewers, ctx.quota?.share ?? 1));
}
