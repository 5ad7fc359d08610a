// The whole benchmark run: floor and Sightline under the same replayed load (CPU in interleaved
// rounds, capacity at 1 and 3 viewers in interleaved searches, memory), the slow-viewer scenario,
// bandwidth and legibility in Chromium, and what recording costs the presenter (H.264 against the
// live codec).
import { mkdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';
import { DEMO } from '@sightline/crm-sandbox';
import { runLoopbackSession } from './capture-traffic.ts';
import type { LoadGenerator } from './load/LoadGenerator.ts';
import {
  capacitySearches,
  LATENCY_BUDGET_MS,
  measureStep,
  settle,
  type StepContext,
  type StepResult,
} from './measure.ts';
import { measurePipeline } from './pipeline.ts';
import { measureRecordingCodec } from './recording-codec.ts';
import { loadAverageNow, machineInfo } from './report/machine.ts';
import { resultsSchema, type BenchResults, type SameLoad, type SlowPhase, type TargetFigures } from './results.ts';
import { SessionPool, type Provision } from './SessionPool.ts';
import { round, summarizeAge, summarizeLatency } from './stats.ts';
import { CpuQuota } from './targets/CpuQuota.ts';
import { measureJitter } from './targets/jitter.ts';
import { withBoth, withFloor, withLoad, withSightline, type Measured } from './targets/lifetimes.ts';
import { boost } from './targets/pin.ts';
import { TargetProcess } from './targets/TargetProcess.ts';
import { loadTraffic, replayPlan, summarize } from './traffic.ts';

export interface Profile {
  name: 'full' | 'quick' | 'smoke';
  warmSeconds: number;
  windowSeconds: number;
  /** Sessions held idle, then active, for the memory figures (and the same-load comparison). */
  memorySessions: number;
  capacityStart: number;
  capacityCap1: number;
  capacityCap3: number;
  bisections: number;
  slowBackgroundSessions: number;
  slowWindowSeconds: number;
  /** Longest wait for the relay to end its sessions and drain its write-back between phases. */
  settleSeconds: number;
  /** Virtual seconds of the scripted support session for the bandwidth figures (60 = all of it). */
  browserSeconds: number;
  loadWorkers: number;
}

// Session caps: high enough that the relay or the floor stops keeping up first on these machines (the
// server is pinned to one core, so the session count it kept up with is measured per core); the
// only hard bound is the 20000 descriptors a process may hold here (sessions x (1 + viewers) sockets).
export const PROFILES: Record<Profile['name'], Profile> = {
  full: {
    name: 'full',
    warmSeconds: 1,
    windowSeconds: 3,
    memorySessions: 400,
    capacityStart: 200,
    capacityCap1: 8000,
    capacityCap3: 4000,
    bisections: 4,
    slowBackgroundSessions: 200,
    slowWindowSeconds: 120,
    settleSeconds: 600,
    browserSeconds: 60,
    loadWorkers: 2,
  },
  quick: {
    name: 'quick',
    warmSeconds: 0.5,
    windowSeconds: 1.5,
    memorySessions: 100,
    capacityStart: 100,
    capacityCap1: 3200,
    capacityCap3: 1600,
    bisections: 3,
    slowBackgroundSessions: 50,
    slowWindowSeconds: 20,
    settleSeconds: 180,
    browserSeconds: 30,
    loadWorkers: 2,
  },
  smoke: {
    name: 'smoke',
    warmSeconds: 0.3,
    windowSeconds: 1,
    memorySessions: 4,
    capacityStart: 4,
    capacityCap1: 8,
    capacityCap3: 4,
    bisections: 0,
    slowBackgroundSessions: 2,
    slowWindowSeconds: 1.5,
    settleSeconds: 30,
    browserSeconds: 20,
    loadWorkers: 1,
  },
};

export const REFERENCE_KBPS = 80;
/**
 * The slow-viewer session runs far hotter than the reference so that the socket buffers between the
 * relay and the throttled link (kernel buffers, the relay's high-water mark) fill within seconds and
 * the relay's own policy (skip to the next keyframe, ask the presenter for one) is what is measured.
 */
const SLOW_SESSION_KBPS = 4000;
const SLOW_SESSION_FPS = 10;
/**
 * Seconds between throttling the link and measuring: what was in flight when the link dropped to a tenth
 * takes ten times as long (a transient any sender has), and the relay's measured rate follows.
 */
const SLOW_SETTLE_SECONDS = 8;
/** The slow viewer's link carries a tenth of its session's stream. */
const SLOW_SHARE = 0.1;
/**
 * The slow-viewer session's presenter also sends a simulcast rendition: a tenth of each frame's size on
 * every second frame (a quarter of the pixels at half the rate), 5% of the stream, so the relay can give
 * a viewer whose link cannot carry the stream a smaller picture instead of an older one.
 */
const SLOW_SIMULCAST = { share: 0.1, every: 2 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The load generator, replaying the captured support session at the reference rate. */
function withReplay<T>(profile: Profile, use: (load: LoadGenerator) => Promise<T>): Promise<T> {
  const traffic = loadTraffic();
  return withLoad(profile.loadWorkers, traffic, replayPlan(traffic, REFERENCE_KBPS), use);
}

interface Run {
  profile: Profile;
  load: LoadGenerator;
  log: (line: string) => void;
  /** The slow-viewer session's presenter sends its rendition (false: the figure before simulcast). */
  simulcast?: boolean;
}

/** The same-load window, profiled under `--profile` (results/profiles/<target>.cpuprofile). */
async function sameLoadStep(target: TargetProcess, step: () => Promise<StepResult>): Promise<StepResult> {
  const dir = TargetProcess.profileDir;
  if (!dir) return step();
  mkdirSync(dir, { recursive: true });
  await target.profile('start');
  try {
    return await step();
  } finally {
    await target.profile('stop', join(dir, `${target.name}.cpuprofile`));
  }
}

const stepContext = (run: Run, target: TargetProcess, pool: SessionPool): StepContext => ({
  target,
  load: run.load,
  pool,
  warmSeconds: run.profile.warmSeconds,
  windowSeconds: run.profile.windowSeconds,
  log: run.log,
});

/** A target's figures but its capacity, which both targets' interleaved searches measure together. */
type MemoryFigures = Omit<TargetFigures, 'capacity1' | 'capacity3' | 'failures'>;
type CapacityFigures = Pick<TargetFigures, 'capacity1' | 'capacity3' | 'failures'>;

async function targetFigures(run: Run, target: TargetProcess, provision: Provision): Promise<MemoryFigures> {
  const { profile, load, log } = run;
  const ctx = (pool: SessionPool) => stepContext(run, target, pool);
  log(`memory and same-load figures: ${target.name}, ${profile.memorySessions} sessions`);
  const base = await target.stats(true);
  const pool1 = new SessionPool(load, provision, 1);
  await pool1.ensure(profile.memorySessions);
  if (pool1.size === 0) throw new Error(`${target.name}: no session could connect: ${pool1.failures[0] ?? ''}`);
  await sleep(500);
  const idle = await target.stats(true);
  const reference = await sameLoadStep(target, () => measureStep(ctx(pool1), pool1.size));
  const active = await target.stats(true);
  const memorySessions = pool1.size;
  const per = (s: { rssBytes: number; heapUsedBytes: number }) => ({
    rssBytes: Math.round((s.rssBytes - base.rssBytes) / memorySessions),
    heapUsedBytes: Math.round((s.heapUsedBytes - base.heapUsedBytes) / memorySessions),
  });
  await pool1.close();
  await settle(target, log, profile.settleSeconds);
  return {
    memory: {
      baseline: { rssBytes: base.rssBytes, heapUsedBytes: base.heapUsedBytes },
      sessions: memorySessions,
      idlePerSession: per(idle),
      activePerSession: per(active),
    },
    reference,
  };
}

/**
 * The share of its core each server runs on in the capacity search: small enough that the load
 * generator on the other core keeps up with a saturated server (see CpuQuota).
 */
export const CAPACITY_CPU_SHARE = 0.25;

/**
 * Both targets' capacity searches with 1 viewer per session, then with 3, interleaved step for step,
 * each server on CAPACITY_CPU_SHARE of its core where cgroups allow.
 */
async function capacityFigures(run: Run, targets: Measured[]): Promise<CapacityFigures[]> {
  const { profile, log } = run;
  const quotas = targets.map(({ target }) => CpuQuota.create(target.name, CAPACITY_CPU_SHARE));
  if (quotas.some((q) => q === null))
    log('  no CPU quota here (cgroups): the servers run on their whole core, capacity bounded by the load generator');
  try {
    const byViewers = async (viewers: 1 | 3) => {
      const pools = targets.map(({ provision }) => new SessionPool(run.load, provision, viewers));
      const ctxs = targets.map(({ target }, i) => ({ ...stepContext(run, target, pools[i]!), quota: quotas[i] }));
      const cap = viewers === 1 ? profile.capacityCap1 : profile.capacityCap3;
      const results = await capacitySearches(ctxs, {
        start: profile.capacityStart,
        cap,
        bisections: profile.bisections,
      });
      for (const pool of pools) await pool.close();
      for (const { target } of targets) await settle(target, log, profile.settleSeconds);
      return { results, failures: pools.map((p) => p.failures) };
    };
    const one = await byViewers(1);
    const three = await byViewers(3);
    return targets.map((_, i) => {
      const failures = [...one.failures[i]!, ...three.failures[i]!];
      if (failures.length > 0) log(`  ${failures.length} sessions failed to connect, e.g. ${failures[0]}`);
      return {
        capacity1: one.results[i]!,
        capacity3: three.results[i]!,
        failures: {
          count: failures.length,
          examples: [...new Set(failures.map((f) => f.replace(/^[^:]+: /, '')))].slice(0, 3),
        },
      };
    });
  } finally {
    for (const q of quotas) q?.remove();
  }
}

async function slowViewerScenario(
  run: Run,
  target: TargetProcess,
  provision: Provision,
): Promise<NonNullable<BenchResults['slowViewer']>> {
  const { profile, load, log } = run;
  log(
    `slow viewer: ${target.name}, 1 session at a steady ${SLOW_SESSION_KBPS} kbit/s, ${SLOW_SESSION_FPS} frames/s, ${run.simulcast === false ? 'no' : 'and a'} rendition of ${SLOW_SIMULCAST.share * 100}% size on every ${SLOW_SIMULCAST.every}nd frame, with 3 viewers (one on a link of ${SLOW_SHARE * 100}% of the stream) among ${profile.slowBackgroundSessions} reference sessions`,
  );
  const background = new SessionPool(load, provision, 1);
  await background.ensure(profile.slowBackgroundSessions);
  const [spec] = await provision(1, 3);
  spec!.slowLastViewer = true;
  spec!.steady = { fps: SLOW_SESSION_FPS, bytes: Math.round((SLOW_SESSION_KBPS * 1000) / 8 / SLOW_SESSION_FPS) };
  const simulcast = run.simulcast !== false;
  if (simulcast) spec!.simulcast = SLOW_SIMULCAST;
  const failed = await load.add([spec!]);
  if (failed.length) throw new Error(`slow-viewer session: ${failed[0]}`);
  const throttle = Math.round(((SLOW_SESSION_KBPS * 1000) / 8) * SLOW_SHARE);
  await load.activate([...background.first(background.size), spec!.id]);
  const phase = async (bytesPerSecond: number | null): Promise<SlowPhase> => {
    await load.throttle(bytesPerSecond);
    // Throttled, the buffers on the way take several seconds to fill before the relay has to act.
    await sleep((profile.warmSeconds + (bytesPerSecond === null ? 1 : SLOW_SETTLE_SECONDS)) * 1000);
    const at = await target.stats();
    if (at.writeBack)
      log(`  at the window's start: ${at.liveSessions} live sessions, write-back backlog ${at.writeBack.backlog}`);
    const w = await load.window(profile.slowWindowSeconds);
    const p: SlowPhase = {
      peerLatencyMs: summarizeLatency(w.peerLatencies),
      peerFramesPerSec: round(w.peerFramesReceived / w.seconds / 2),
      presenterFramesPerSec: round(w.slowSessionFramesSent / w.seconds),
      presenterFramesSkipped: w.framesSkipped,
      slowViewerFramesPerSec: round(w.slowFramesReceived / w.seconds),
      slowViewerLatencyMs: summarizeLatency(w.slowLatencies),
      slowViewerAgeMs: summarizeAge(
        w.slowLatencies,
        w.slowReceivedAtMs,
        Math.max(1, Math.round(profile.slowWindowSeconds / 12)),
      ),
      seconds: round(w.seconds),
      otherViewersLatencyMs: summarizeLatency(w.latencies),
      keyframeRequests: w.keyframeRequests,
    };
    log(
      `  ${bytesPerSecond === null ? 'without' : 'with'} slow viewer: presenter ${p.presenterFramesPerSec} frames/s, ` +
        `other viewers of that session p50 ${p.peerLatencyMs.p50} / p99 ${p.peerLatencyMs.p99} ms at ${p.peerFramesPerSec} frames/s each, ` +
        `slow viewer ${p.slowViewerFramesPerSec} frames/s, age p50 ${p.slowViewerAgeMs.p50} / p99 ${p.slowViewerAgeMs.p99} / max ${p.slowViewerAgeMs.max} ms`,
    );
    return p;
  };
  const without = await phase(null);
  const withSlow = await phase(throttle);
  await load.throttle(null);
  await load.activate([]);
  await load.remove([spec!.id]);
  const backgroundSessions = background.size;
  await background.close();
  await settle(target, log, profile.settleSeconds);
  return {
    backgroundSessions,
    sessionKbps: SLOW_SESSION_KBPS,
    throttleBytesPerSec: throttle,
    without,
    with: withSlow,
  };
}

interface Bandwidth {
  figures: BenchResults['bandwidth'];
  chromium: string;
}

/**
 * Bandwidth and legibility: through the real pages and relay when the relay runs, else (labelled)
 * the same encoder and decoder looped back inside one Chromium page.
 */
async function measureBandwidth(
  profile: Profile,
  relayUrl: string | null,
  log: (line: string) => void,
): Promise<Bandwidth> {
  const seconds = profile.browserSeconds;
  let figures: BenchResults['bandwidth'];
  let chromium: string;
  if (relayUrl) {
    log(`bandwidth: join page -> relay -> agent console in Chromium, the scripted support session (${seconds} s)`);
    const r = await measurePipeline({
      relayUrl,
      agent: DEMO.salesforce.users.agent,
      recordId: DEMO.salesforce.cases.printer,
      durationSeconds: seconds,
      log,
    });
    chromium = r.chromium;
    figures = {
      pipeline: 'browser-relay-browser',
      label:
        "the join page's WebCodecs encoder in Chromium -> the relay -> the agent console's decoder, in real time; " +
        "bitrate from the join page's counters, legibility of the console canvas against the shared screen",
      // What the console decoded, not the traffic model's capture (the join page may pick another codec).
      codec: r.codec,
      durationSeconds: seconds,
      avgKbps: r.avgKbps,
      peakKbps: r.peakKbps,
      avgFps: r.avgFps,
      idleShare: r.idleShare,
      receivedKbps: r.receivedKbps,
      glassToGlassMs: r.glassToGlassMs,
      stagesMs: r.stagesMs,
      quality: r.quality,
      referenceKbps: [50, 80],
    };
  } else {
    log(`bandwidth: encoder -> decoder loopback in one Chromium page (no relay), ${seconds} s of the script`);
    const r = await runLoopbackSession(seconds);
    const summary = summarize(r.result.chunks, seconds);
    chromium = r.chromium;
    figures = {
      pipeline: 'loopback',
      label:
        "LOOPBACK, not the full pipeline: the join page's stillness gate and encoder settings feed a decoder in the " +
        'same Chromium page (the relay was not available); virtual time',
      codec: r.result.codec,
      durationSeconds: seconds,
      avgKbps: summary.avgKbps,
      peakKbps: summary.peakKbps,
      avgFps: summary.avgFps,
      idleShare: summary.idleShare,
      receivedKbps: null,
      glassToGlassMs: null,
      quality: r.quality,
      referenceKbps: [50, 80],
    };
  }
  log(
    `  ${figures.avgKbps} kbit/s average, ${figures.peakKbps} kbit/s peak second; ` +
      figures.quality.map((q) => `${q.label}: SSIM ${q.ssim}, PSNR ${q.psnrDb} dB`).join('; '),
  );
  return { figures, chromium };
}

const saturation = (c: TargetFigures['capacity1']): StepResult | undefined =>
  c.steps.filter((s) => s.keptUp && s.sessions === c.saturationSessions).at(-1);
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null || b === 0 ? null : round(a / b, 3);

export async function runBench(profile: Profile, log: (line: string) => void = console.log): Promise<BenchResults> {
  const startedAt = new Date();
  const loadAverageAtStart = loadAverageNow();
  const notes: string[] = [];
  // This process runs the CRM sandbox the relay reads records from while sessions are provisioned.
  const ownPriority = getPriority();
  boost(process.pid);
  let placement = { pinned: false, boosted: false };
  const traffic = loadTraffic();
  const plan = replayPlan(traffic, REFERENCE_KBPS);
  log(
    `traffic model: ${traffic.summary.frames} chunks over ${traffic.durationSeconds} s captured from Chromium's encoder ` +
      `(${traffic.summary.avgKbps} kbit/s), replayed at ${round(plan.kbps)} kbit/s, ${round(plan.fps)} frames/s per session`,
  );
  log('machine noise: timer lateness of an idle process on the server core (3 s)');
  const jitter = await measureJitter(3);
  log(
    `  ${jitter.ticks} of ${jitter.expected} ticks, late by p50 ${jitter.p50} / p99 ${jitter.p99} / max ${jitter.max} ms`,
  );
  if (jitter.p99 > LATENCY_BUDGET_MS / 5)
    notes.push(
      `An idle process on the server core already fired its timers late by p99 ${jitter.p99} ms (max ${jitter.max} ms; ` +
        `${jitter.ticks} of ${jitter.expected} ticks): that much "added latency" is the machine's, for the floor and Sightline alike.`,
    );
  // CPU at the same load first, both targets up and their windows interleaved (its own processes).
  const sameLoad = await runSameLoadOnly(profile, log).catch((e: Error) => {
    log(`same-load rounds: not measured: ${e.message}`);
    notes.push(`The interleaved same-load rounds failed: ${e.message}`);
    return null;
  });
  if (sameLoad) log(`  CPU per forwarded Mbit/s, median of the rounds: ${sameLoad.medianCpuPerMbitRatio}x the floor's`);
  // Capacity next, both targets up and their searches interleaved (its own processes too).
  const capacity = await runCapacityOnly(profile, log);
  // Memory and the reference step, one target at a time; then the slow viewer on the relay.
  const measured = await withLoad(profile.loadWorkers, traffic, plan, async (load) => {
    const run: Run = { profile, load, log };
    const floor = await withFloor(async (floor) => {
      placement = { pinned: floor.target.pinned, boosted: floor.target.boosted };
      if (!floor.target.pinned)
        notes.push(
          'taskset or a second core was not available: server and load generator were not pinned to separate cores.',
        );
      return { ...(await targetFigures(run, floor.target, floor.provision)), ...capacity.floor };
    });
    log('starting the CRM sandbox and the relay; signing the hosts in through the sandbox OAuth pages');
    const sightline = await withSightline(async (relay) => ({
      figures: { ...(await targetFigures(run, relay.target, relay.provision)), ...capacity.sightline },
      slowViewer: await slowViewerScenario(run, relay.target, relay.provision),
      error: null,
    })).catch((e: Error) => {
      log(`sightline: not measured: ${e.message}`);
      return { figures: null, slowViewer: null, error: e.message };
    });
    return { floor, sightline };
  });
  const floorFigures: TargetFigures = measured.floor;
  const { figures: sightlineFigures, slowViewer, error: sightlineError } = measured.sightline;

  setPriority(ownPriority); // Chromium inherits this process's priority: no boost for it
  // Through the real pages and a relay of its own, unless the relay could not be measured.
  const bandwidth = await (sightlineError === null
    ? runBandwidthOnly(profile, log)
    : measureBandwidth(profile, null, log));

  log(`recording codec: the live codec against H.264 (while recording), loopback, ${profile.browserSeconds} s x 2`);
  const recordingCodec = await measureRecordingCodec(profile.browserSeconds, 2, log).catch((e: Error) => {
    log(`  not measured: ${e.message}`);
    return null;
  });

  const ratios =
    sightlineFigures === null
      ? null
      : {
          forwardedFramesAtSameLoad:
            ratio(sightlineFigures.reference.forwardedFramesPerSec, floorFigures.reference.forwardedFramesPerSec) ?? 0,
          forwardedBytesAtSameLoad:
            ratio(sightlineFigures.reference.forwardedMbitPerSec, floorFigures.reference.forwardedMbitPerSec) ?? 0,
          cpuAtSameLoad:
            ratio(sightlineFigures.reference.serverCpuPercent, floorFigures.reference.serverCpuPercent) ?? 0,
          cpuPerMbitAtSameLoad: sameLoad?.medianCpuPerMbitRatio ?? null,
          capacity1: ratio(sightlineFigures.capacity1.maxSessions, floorFigures.capacity1.maxSessions),
          capacity3: ratio(sightlineFigures.capacity3.maxSessions, floorFigures.capacity3.maxSessions),
          saturationSessions1: ratio(
            sightlineFigures.capacity1.saturationSessions,
            floorFigures.capacity1.saturationSessions,
          ),
          saturationSessions3: ratio(
            sightlineFigures.capacity3.saturationSessions,
            floorFigures.capacity3.saturationSessions,
          ),
          sessionsPerCore1: ratio(sightlineFigures.capacity1.sessionsPerCore, floorFigures.capacity1.sessionsPerCore),
          sessionsPerCore3: ratio(sightlineFigures.capacity3.sessionsPerCore, floorFigures.capacity3.sessionsPerCore),
          projectedSessionsPerCore1: ratio(
            sightlineFigures.capacity1.projectedSessionsPerCore,
            floorFigures.capacity1.projectedSessionsPerCore,
          ),
          projectedSessionsPerCore3: ratio(
            sightlineFigures.capacity3.projectedSessionsPerCore,
            floorFigures.capacity3.projectedSessionsPerCore,
          ),
          saturationFramesPerSec1: ratio(
            saturation(sightlineFigures.capacity1)?.forwardedFramesPerSec,
            saturation(floorFigures.capacity1)?.forwardedFramesPerSec,
          ),
          saturationFramesPerSec3: ratio(
            saturation(sightlineFigures.capacity3)?.forwardedFramesPerSec,
            saturation(floorFigures.capacity3)?.forwardedFramesPerSec,
          ),
        };
  for (const [name, f] of [
    ['floor', floorFigures],
    ['sightline', sightlineFigures],
  ] as const) {
    if (!f) continue;
    if (f.failures.count > 0)
      notes.push(
        `${name}: ${f.failures.count} sessions could not be made or connected (e.g. ${f.failures.examples[0]}); the steps ran with those that could.`,
      );
    for (const c of [f.capacity1, f.capacity3]) {
      if (c.capped)
        notes.push(
          `${name}, ${c.viewersPerSession} viewer(s): still kept up at the session cap (${c.saturationSessions}); the real limit is higher.`,
        );
      if (c.limitedByLoadGenerator)
        notes.push(
          `${name}, ${c.viewersPerSession} viewer(s): the load generator was near its own limit at the first failing step, so the figure may understate the server.`,
        );
    }
  }
  const machine = {
    ...machineInfo({ ...placement, chromium: bandwidth.chromium, loadAverageAtStart }),
    timerLatenessMs: jitter,
  };
  if (Math.max(machine.loadAverageAtStart, machine.loadAverage1m) > machine.cores * 0.75)
    notes.push(
      `The machine was shared while this ran (1-minute load average ${machine.loadAverageAtStart} at the start, ` +
        `${machine.loadAverage1m} at the end, on ${machine.cores} cores): latency tails and capacities carry that noise` +
        (machine.boosted ? ', although the measured processes ran at raised priority (nice -10).' : '.'),
    );
  const results: BenchResults = {
    version: 1,
    command: profile.name === 'full' ? 'npm run bench' : `npm run bench -- --${profile.name}`,
    profile: profile.name,
    startedAt: startedAt.toISOString(),
    durationSeconds: round((Date.now() - startedAt.getTime()) / 1000),
    machine,
    traffic: {
      captured: traffic.summary,
      replay: {
        kbps: round(plan.kbps),
        fps: round(plan.fps, 2),
        sizeScale: round(plan.sizeScale, 3),
        keyframeBytes: plan.keyframeBytes,
      },
    },
    floor: floorFigures,
    sightline: sightlineFigures,
    sightlineError,
    ratios,
    sameLoad,
    slowViewer,
    bandwidth: bandwidth.figures,
    recordingCodec,
    notes,
  };
  return resultsSchema.parse(results);
}

/** `--slow-only`: just the slow-viewer scenario on the relay (minutes shorter, for working on it). */
export function runSlowViewerOnly(
  profile: Profile,
  log: (line: string) => void = console.log,
  simulcast = true,
): Promise<NonNullable<BenchResults['slowViewer']>> {
  return withReplay(profile, (load) =>
    withSightline((relay) => slowViewerScenario({ profile, load, log, simulcast }, relay.target, relay.provision)),
  );
}

/** Both targets' capacity searches (the full run's second step, and alone `--capacity-only`). */
export interface CapacityOnly {
  floor: CapacityFigures;
  sightline: CapacityFigures;
}

/** The capacity searches of the floor and the relay, both up, interleaved step for step. */
export function runCapacityOnly(profile: Profile, log: (line: string) => void = console.log): Promise<CapacityOnly> {
  return withReplay(profile, (load) =>
    withBoth(async (floor, relay) => {
      const [f, s] = await capacityFigures({ profile, load, log }, [floor, relay]);
      return { floor: f!, sightline: s! };
    }),
  );
}

/** `--bandwidth-only`: just the real-pages bandwidth, legibility and glass-to-glass figures. */
export function runBandwidthOnly(profile: Profile, log: (line: string) => void = console.log): Promise<Bandwidth> {
  return withSightline((relay) => measureBandwidth(profile, relay.target.url, log));
}

/** Rounds of the interleaved same-load comparison (full run and `--same-load-only`). */
const SAME_LOAD_ROUNDS = 7;

/**
 * The full run's first step, and alone `--same-load-only`: the floor and the relay under the same offered load, their windows interleaved
 * (floor, relay, floor, relay, ...) with both processes and all their sessions up throughout, so drift
 * in the shared machine's load falls on both alike; the figure is the median round's ratio of CPU per
 * forwarded Mbit/s, after a warm-up round that is not counted; the order within a round alternates.
 * One window of each, minutes apart as in the full run, read 1.05-1.23x here.
 * Under `--profile` the first counted round of each is profiled.
 */
export async function runSameLoadOnly(
  profile: Profile,
  log: (line: string) => void = console.log,
  viewers = 1,
): Promise<SameLoad> {
  return withReplay(profile, (load) =>
    withBoth((floor, relay) => sameLoadRounds({ profile, load, log }, floor, relay, viewers)),
  );
}

async function sameLoadRounds(run: Run, floorSide: Measured, relaySide: Measured, viewers: number): Promise<SameLoad> {
  const { profile, load, log } = run;
  const [floor, relay] = [floorSide.target, relaySide.target];
  const floorPool = new SessionPool(load, floorSide.provision, viewers);
  const relayPool = new SessionPool(load, relaySide.provision, viewers);
  const n = profile.memorySessions;
  log(
    `same-load rounds: floor and sightline, ${n} sessions each with ${viewers} viewer(s), ${SAME_LOAD_ROUNDS} interleaved rounds`,
  );
  for (const pool of [floorPool, relayPool]) await pool.ensure(n);
  const sessions = Math.min(floorPool.size, relayPool.size);
  if (sessions === 0) throw new Error(`no session could connect: ${[...floorPool.failures, ...relayPool.failures][0]}`);
  // What each process spends with its sessions connected and nothing sent (timers, bookkeeping).
  await load.activate([]);
  // Provisioning 400 sessions (HTTP, SQLite, schemas) leaves the relay garbage that a later
  // collection would charge to whichever window it fell in (a 70 ms mark-compact fell in round 1):
  // both targets collect it now, before anything is measured.
  await Promise.all([floor.stats(true), relay.stats(true)]);
  const idleCpuPercent = async (target: TargetProcess) => {
    const dir = TargetProcess.profileDir;
    if (dir) await target.profile('start');
    const before = await target.stats();
    await sleep(3000);
    const after = await target.stats();
    if (dir) await target.profile('stop', join(dir, `${target.name}-idle.cpuprofile`));
    return round(((after.cpuMicros - before.cpuMicros) / 1000 / (after.atMs - before.atMs)) * 100, 2);
  };
  const idle = { floor: await idleCpuPercent(floor), sightline: await idleCpuPercent(relay) };
  log(`  idle with ${sessions} sessions connected: floor ${idle.floor}%, sightline ${idle.sightline}% of a core`);
  const step = (target: TargetProcess, pool: SessionPool, first: boolean) => {
    const measure = () => measureStep(stepContext(run, target, pool), sessions);
    return first ? sameLoadStep(target, measure) : measure();
  };
  // One window of each first, not counted: both reach steady state (JIT, socket buffers, heap);
  // the floor's first window read 21% of a core against 15-17% for its next four.
  log('  warm-up round (not counted)');
  await step(floor, floorPool, false);
  await step(relay, relayPool, false);
  const rounds: SameLoad['rounds'] = [];
  for (let r = 0; r < SAME_LOAD_ROUNDS; r++) {
    // The order alternates, so a drift in the machine's load favours neither.
    const floorFirst = r % 2 === 0;
    const first = floorFirst ? await step(floor, floorPool, r === 0) : await step(relay, relayPool, r === 0);
    const second = floorFirst ? await step(relay, relayPool, r === 0) : await step(floor, floorPool, r === 0);
    const [f, s] = floorFirst ? [first, second] : [second, first];
    rounds.push({
      floor: f,
      sightline: s,
      cpuPerMbitRatio: ratio(s.serverCpuPercentPerMbit, f.serverCpuPercentPerMbit),
    });
  }
  await floorPool.close();
  await relayPool.close();
  const ratios = rounds.map((r) => r.cpuPerMbitRatio).filter((x): x is number => x !== null);
  ratios.sort((a, b) => a - b);
  return { idle, rounds, medianCpuPerMbitRatio: ratios.length ? ratios[Math.floor(ratios.length / 2)]! : null };
}
