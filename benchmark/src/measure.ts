// One measurement step (N active sessions for a few seconds) and the capacity search built on it.
import type { LoadGenerator } from './load/LoadGenerator.ts';
import type { WindowReport } from './load/messages.ts';
import type { SessionPool } from './SessionPool.ts';
import { round, summarizeLatency, type LatencySummary } from './stats.ts';
import type { TargetProcess } from './targets/TargetProcess.ts';

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
  /** Percent of one core per forwarded Mbit/s. */
  serverCpuPercentPerMbit: number;
  loadCpuPercent: number;
  loadEventLoopDelayP99Ms: number;
  framesSkippedByPresenters: number;
  keyframeRequests: number;
  control: Record<string, number>;
  ok: boolean;
  /** The load generator itself was near its limit: a failure here may be the harness's. */
  loadBound: boolean;
}

export interface StepContext {
  target: TargetProcess;
  load: LoadGenerator;
  pool: SessionPool;
  warmSeconds: number;
  windowSeconds: number;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureStep(ctx: StepContext, sessions: number): Promise<StepResult> {
  await ctx.pool.ensure(sessions);
  const active = ctx.pool.first(sessions);
  await ctx.load.activate(active);
  await sleep(ctx.warmSeconds * 1000);
  const before = await ctx.target.stats();
  const w = await ctx.load.window(ctx.windowSeconds);
  const after = await ctx.target.stats();
  const r = stepFigures(ctx.target.name, ctx.pool.viewers, active.length, w);
  const cpu = ((after.cpuMicros - before.cpuMicros) / 1000 / (after.atMs - before.atMs)) * 100;
  r.serverCpuPercent = round(cpu);
  r.serverCpuPercentPerMbit = r.forwardedMbitPerSec > 0 ? round(cpu / r.forwardedMbitPerSec, 2) : 0;
  ctx.log(
    `  ${ctx.target.name} ${active.length} sessions x ${ctx.pool.viewers} viewer(s): ` +
      `${r.forwardedFramesPerSec} frames/s, ${r.forwardedMbitPerSec} Mbit/s forwarded, ` +
      `p50 ${r.latencyMs.p50} / p99 ${r.latencyMs.p99} ms, delivered ${round(r.deliveredRatio * 100)}%, ` +
      `server cpu ${r.serverCpuPercent}%, load cpu ${r.loadCpuPercent}% -> ${r.ok ? 'ok' : 'over'}` +
      (r.loadBound ? ' (load generator near its limit)' : ''),
  );
  return r;
}

export function stepFigures(target: string, viewers: number, sessions: number, w: WindowReport): StepResult {
  const latencyMs = summarizeLatency(w.latencies);
  const expected = w.framesSent * viewers;
  const deliveredRatio = expected === 0 ? 0 : Math.min(1, w.framesReceived / expected);
  const loadCpuPercent = round((w.cpuMicros / 1000 / (w.seconds * 1000)) * 100);
  const ok =
    latencyMs.p99 !== null &&
    latencyMs.p99 < LATENCY_BUDGET_MS &&
    deliveredRatio >= MIN_DELIVERED &&
    w.framesSkipped === 0;
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
    ok,
    loadBound: loadCpuPercent > 90 || w.eventLoopDelayP99Ms > 20,
  };
}

/**
 * A failing step is measured once more before it counts: the machine may be shared, and one stall
 * of another process should not decide a capacity figure. The second result is the one kept.
 */
async function confirmedStep(ctx: StepContext, sessions: number): Promise<StepResult> {
  const first = await measureStep(ctx, sessions);
  if (first.ok) return first;
  ctx.log('  (re-measuring a failed step once)');
  return measureStep(ctx, sessions);
}

/** Waits until the server is quiet (after sessions ended it may be writing reports back). */
export async function settle(target: TargetProcess, maxSeconds = 30): Promise<void> {
  const until = performance.now() + maxSeconds * 1000;
  let before = await target.stats();
  while (performance.now() < until) {
    await sleep(500);
    const now = await target.stats();
    const cpu = (now.cpuMicros - before.cpuMicros) / 1000 / (now.atMs - before.atMs);
    before = now;
    if (cpu < 0.05) return;
  }
}

export interface CapacityResult {
  target: string;
  viewersPerSession: number;
  /** Largest session count that met the latency budget and delivered every frame; null if none did. */
  maxSessions: number | null;
  /** True when the search stopped at its session cap before the server failed. */
  capped: boolean;
  /** Whether the first failing step had the load generator near its own limit. */
  limitedByLoadGenerator: boolean;
  steps: StepResult[];
}

/** Doubles the session count until a step fails, then bisects between the last pass and that fail. */
export async function capacitySearch(
  ctx: StepContext,
  { start, cap, bisections }: { start: number; cap: number; bisections: number },
): Promise<CapacityResult> {
  ctx.log(`capacity: ${ctx.target.name}, ${ctx.pool.viewers} viewer(s) per session`);
  const steps: StepResult[] = [];
  let pass = 0;
  let fail: StepResult | null = null;
  for (let n = start; ; n = Math.min(cap, n * 2)) {
    const r = await confirmedStep(ctx, n);
    steps.push(r);
    if (!r.ok) {
      fail = r;
      break;
    }
    pass = r.sessions; // the pool may hold fewer than asked if connections failed
    if (n >= cap || r.sessions < n) break;
  }
  // Nothing passed at the start: halve until something does.
  while (fail && pass === 0 && fail.sessions > 8) {
    const r = await confirmedStep(ctx, Math.floor(fail.sessions / 2));
    steps.push(r);
    if (r.ok) pass = r.sessions;
    else fail = r;
  }
  for (let i = 0; fail && i < bisections && fail.sessions - pass > Math.max(20, pass * 0.1); i++) {
    const mid = Math.round((pass + fail.sessions) / 2);
    const r = await confirmedStep(ctx, mid);
    steps.push(r);
    if (r.ok) pass = r.sessions;
    else fail = r;
  }
  await ctx.load.activate([]);
  return {
    target: ctx.target.name,
    viewersPerSession: ctx.pool.viewers,
    maxSessions: pass > 0 ? pass : null,
    capped: fail === null,
    limitedByLoadGenerator: fail?.loadBound ?? false,
    steps,
  };
}
