// The shape of benchmark/results/latest.json. The run validates its own output against it, and
// the smoke test checks a short run's output has every figure.
import { z } from 'zod';

const latency = z.object({
  samples: z.number(),
  p50: z.number().nullable(),
  p99: z.number().nullable(),
  p999: z.number().nullable(),
  max: z.number().nullable(),
});

export const stepSchema = z.object({
  target: z.string(),
  viewersPerSession: z.number(),
  sessions: z.number(),
  seconds: z.number(),
  offeredFramesPerSec: z.number(),
  offeredKbitPerSec: z.number(),
  forwardedFramesPerSec: z.number(),
  forwardedMbitPerSec: z.number(),
  framesForwarded: z.number(),
  deliveredRatio: z.number(),
  latencyMs: latency,
  serverCpuPercent: z.number(),
  serverThreadsPercent: z
    .object({ main: z.number(), mainSystem: z.number(), v8: z.number(), other: z.number() })
    .optional(),
  serverCpuPercentPerMbit: z.number(),
  loadCpuPercent: z.number(),
  loadEventLoopDelayP99Ms: z.number(),
  framesSkippedByPresenters: z.number(),
  keyframeRequests: z.number(),
  control: z.record(z.string(), z.number()),
  keptUp: z.boolean(),
  ok: z.boolean(),
  loadBound: z.boolean(),
});

const capacity = z.object({
  target: z.string(),
  viewersPerSession: z.number(),
  maxSessions: z.number().nullable(),
  saturationSessions: z.number().nullable(),
  projectedSessionsPerCore: z.number().nullable(),
  cpuShare: z.number(),
  sessionsPerCore: z.number().nullable(),
  capped: z.boolean(),
  limitedByLoadGenerator: z.boolean(),
  steps: z.array(stepSchema),
});

const bytes = z.object({ rssBytes: z.number(), heapUsedBytes: z.number() });

export const targetFiguresSchema = z.object({
  memory: z.object({
    baseline: bytes,
    sessions: z.number(),
    idlePerSession: bytes,
    activePerSession: bytes,
  }),
  /** The same offered load on both targets (the memory phase's active step). */
  reference: stepSchema,
  capacity1: capacity,
  capacity3: capacity,
  /** Sessions that could not be made or connected (the search continued with the others). */
  failures: z.object({ count: z.number(), examples: z.array(z.string()) }),
});

/** How old the slow viewer's frames were when they arrived (capture to receipt). */
const frameAge = z.object({
  samples: z.number(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
  /** Frames by age: up to each bound (ms), the last bound null = older than the one before. */
  histogram: z.array(z.object({ upToMs: z.number().nullable(), frames: z.number() })),
  /** The same over time: one entry per slice of the window, so a growing age shows. */
  slices: z.array(
    z.object({ fromSeconds: z.number(), frames: z.number(), p99: z.number().nullable(), max: z.number().nullable() }),
  ),
});

const slowPhase = z.object({
  peerLatencyMs: latency,
  peerFramesPerSec: z.number(),
  presenterFramesPerSec: z.number(),
  presenterFramesSkipped: z.number(),
  slowViewerFramesPerSec: z.number(),
  slowViewerLatencyMs: latency,
  slowViewerAgeMs: frameAge,
  /** Seconds measured (the link had been throttled SLOW_SETTLE_SECONDS before). */
  seconds: z.number(),
  /** Every viewer but the slow one (its session's peers and the background sessions). */
  otherViewersLatencyMs: latency,
  keyframeRequests: z.number(),
});

const codecRun = z.object({
  codec: z.string(),
  avgKbps: z.number(),
  peakKbps: z.number(),
  /** Average size of the keyframes forced on distinct screens after the run. */
  keyframeKB: z.number(),
  /** CPU time of all the Chromium processes over the run (encoder, loopback decoder, canvas). */
  cpuSeconds: z.number(),
  /** Time the page waited on encode + flush. */
  encodeSeconds: z.number(),
  /** Lowest SSIM at the text-heavy moments the run reached (null: none within its length). */
  minSsim: z.number().nullable(),
});

/**
 * The floor and the relay under the same offered load, their windows interleaved over rounds with
 * both up throughout (`runSameLoadOnly`): the CPU comparison the full run reports.
 */
export const sameLoadSchema = z.object({
  /** Percent of a core with the sessions connected and idle. */
  idle: z.object({ floor: z.number(), sightline: z.number() }),
  rounds: z.array(
    z.object({
      floor: stepSchema,
      sightline: stepSchema,
      /** Sightline's CPU per forwarded Mbit/s over the floor's, in this round. */
      cpuPerMbitRatio: z.number().nullable(),
    }),
  ),
  medianCpuPerMbitRatio: z.number().nullable(),
});
export type SameLoad = z.infer<typeof sameLoadSchema>;

export const resultsSchema = z.object({
  version: z.literal(1),
  command: z.string(),
  profile: z.enum(['full', 'quick', 'smoke']),
  startedAt: z.string(),
  durationSeconds: z.number(),
  machine: z.object({
    cpuModel: z.string(),
    cores: z.number(),
    memoryGiB: z.number(),
    freeMemoryGiB: z.number(),
    os: z.string(),
    node: z.string(),
    chromium: z.string().nullable(),
    loadAverageAtStart: z.number(),
    loadAverage1m: z.number(),
    hostname: z.string(),
    pinned: z.boolean(),
    boosted: z.boolean(),
    /** How late an idle 5 ms timer fired on the server core: the machine's own noise. */
    timerLatenessMs: z.object({
      ticks: z.number(),
      expected: z.number(),
      p50: z.number(),
      p99: z.number(),
      max: z.number(),
    }),
  }),
  traffic: z.object({
    captured: z.object({
      frames: z.number(),
      keyframes: z.number(),
      avgKbps: z.number(),
      peakKbps: z.number(),
      avgFps: z.number(),
      idleShare: z.number(),
    }),
    replay: z.object({ kbps: z.number(), fps: z.number(), sizeScale: z.number(), keyframeBytes: z.number() }),
  }),
  floor: targetFiguresSchema,
  sightline: targetFiguresSchema.nullable(),
  sightlineError: z.string().nullable(),
  ratios: z
    .object({
      forwardedFramesAtSameLoad: z.number(),
      forwardedBytesAtSameLoad: z.number(),
      cpuAtSameLoad: z.number(),
      /** CPU per forwarded Mbit/s, the median of the interleaved same-load rounds (null: not run). */
      cpuPerMbitAtSameLoad: z.number().nullable(),
      capacity1: z.number().nullable(),
      capacity3: z.number().nullable(),
      saturationSessions1: z.number().nullable(),
      saturationSessions3: z.number().nullable(),
      /** Sessions per core as measured under the CPU quota (null: the server did not stop first). */
      sessionsPerCore1: z.number().nullable(),
      sessionsPerCore3: z.number().nullable(),
      projectedSessionsPerCore1: z.number().nullable(),
      projectedSessionsPerCore3: z.number().nullable(),
      saturationFramesPerSec1: z.number().nullable(),
      saturationFramesPerSec3: z.number().nullable(),
    })
    .nullable(),
  sameLoad: sameLoadSchema.nullable(),
  slowViewer: z
    .object({
      backgroundSessions: z.number(),
      sessionKbps: z.number(),
      throttleBytesPerSec: z.number(),
      without: slowPhase,
      with: slowPhase,
    })
    .nullable(),
  bandwidth: z.object({
    pipeline: z.enum(['browser-relay-browser', 'loopback']),
    label: z.string(),
    codec: z.string(),
    durationSeconds: z.number(),
    avgKbps: z.number(),
    peakKbps: z.number(),
    avgFps: z.number(),
    idleShare: z.number(),
    /** What the agent console received (full pipeline only). */
    receivedKbps: z.number().nullable(),
    /** Capture to paint on the console (full pipeline only). */
    glassToGlassMs: latency.nullable(),
    /** The same path by stage (encode, arrive, decode, paint; full pipeline only). */
    stagesMs: z.record(z.string(), latency).optional(),
    quality: z.array(z.object({ atSeconds: z.number(), label: z.string(), psnrDb: z.number(), ssim: z.number() })),
    referenceKbps: z.tuple([z.number(), z.number()]),
  }),
  /** The join page's live codec against the H.264 it encodes while a session is recorded. */
  recordingCodec: z
    .object({
      durationSeconds: z.number(),
      rounds: z.number(),
      live: codecRun,
      /** null: this Chromium has no H.264 encoder (recordings would be WebM). */
      recording: codecRun.nullable(),
      /** recording / live, medians over the rounds (runs of the same round compared). */
      ratios: z.object({ bandwidth: z.number(), cpu: z.number(), encode: z.number() }).nullable(),
    })
    .nullable(),
  notes: z.array(z.string()),
});
export type BenchResults = z.infer<typeof resultsSchema>;
export type TargetFigures = z.infer<typeof targetFiguresSchema>;
export type SlowPhase = z.infer<typeof slowPhase>;
export type FrameAge = z.infer<typeof frameAge>;
export const slowViewerSchema = resultsSchema.shape.slowViewer.unwrap();
export type SlowViewerResults = z.infer<typeof slowViewerSchema>;
