// The traffic model: what a real presenter's encoder sent during the scripted support session
// (benchmark/data/support-session.json, written by capture-traffic.ts), and the replay of it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const chunkSchema = z.tuple([z.number().min(0), z.number().int().positive(), z.union([z.literal(0), z.literal(1)])]);

export const trafficFileSchema = z.object({
  generatedAt: z.string(),
  chromium: z.string(),
  encoderConfig: z.record(z.string(), z.unknown()),
  durationSeconds: z.number().positive(),
  chunks: z.array(chunkSchema).min(1),
  keyframeBytes: z.array(z.number().int().positive()),
  quality: z.array(z.object({ atSeconds: z.number(), label: z.string(), psnrDb: z.number(), ssim: z.number() })),
  phases: z.array(z.object({ from: z.number(), to: z.number(), label: z.string() })),
  summary: z.object({
    frames: z.number(),
    keyframes: z.number(),
    avgKbps: z.number(),
    peakKbps: z.number(),
    avgFps: z.number(),
    idleShare: z.number(),
  }),
});
export type TrafficFile = z.infer<typeof trafficFileSchema>;
export type Chunk = z.infer<typeof chunkSchema>;

export const TRAFFIC_FILE = new URL('../data/support-session.json', import.meta.url);

export function loadTraffic(file: URL | string = TRAFFIC_FILE): TrafficFile {
  const parsed = trafficFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${String(file)}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** Average and peak (over 1 s windows) bitrate, frame rate, and the share of 1 s windows with no frame. */
export function summarize(chunks: Chunk[], durationSeconds: number): TrafficFile['summary'] {
  const seconds = Math.ceil(durationSeconds);
  const perSecond = new Array<number>(seconds).fill(0);
  for (const [t, bytes] of chunks) perSecond[Math.min(seconds - 1, Math.floor(t / 1000))]! += bytes;
  const total = chunks.reduce((n, c) => n + c[1], 0);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    frames: chunks.length,
    keyframes: chunks.filter((c) => c[2] === 1).length,
    avgKbps: round((total * 8) / 1000 / durationSeconds),
    peakKbps: round((Math.max(...perSecond) * 8) / 1000),
    avgFps: round(chunks.length / durationSeconds),
    idleShare: round(perSecond.filter((b) => b === 0).length / seconds),
  };
}

/** One frame of the replay schedule: when (ms into the loop), how many payload bytes, keyframe or not. */
export interface ReplayFrame {
  atMs: number;
  bytes: number;
  key: boolean;
}

export interface ReplayPlan {
  loopMs: number;
  frames: ReplayFrame[];
  /** Payload size a requested keyframe gets. */
  keyframeBytes: number;
  /** Factor applied to the captured sizes so the plan averages the requested bitrate. */
  sizeScale: number;
  fps: number;
  kbps: number;
}

/**
 * The captured session as a loop, payload sizes scaled so the loop averages `kbps` (timing as captured:
 * bursts on change, nothing while still). With `kbps` undefined the captured sizes are kept.
 */
export function replayPlan(traffic: TrafficFile, kbps?: number): ReplayPlan {
  const loopMs = traffic.durationSeconds * 1000;
  const total = traffic.chunks.reduce((n, c) => n + c[1], 0);
  const sizeScale = kbps === undefined ? 1 : (kbps * 1000 * traffic.durationSeconds) / 8 / total;
  const frames = traffic.chunks.map(([atMs, bytes, key]) => ({
    atMs,
    bytes: Math.max(1, Math.round(bytes * sizeScale)),
    key: key === 1,
  }));
  const keys =
    traffic.keyframeBytes.length > 0 ? traffic.keyframeBytes : frames.filter((f) => f.key).map((f) => f.bytes);
  const median = [...keys].sort((a, b) => a - b)[Math.floor(keys.length / 2)] ?? 0;
  const planBytes = frames.reduce((n, f) => n + f.bytes, 0);
  return {
    loopMs,
    frames,
    keyframeBytes: Math.max(1, Math.round(median * sizeScale)),
    sizeScale,
    fps: frames.length / traffic.durationSeconds,
    kbps: (planBytes * 8) / traffic.durationSeconds / 1000,
  };
}

/** A screen that never stops changing: `bytes` every 1/fps s, a keyframe of 4x that when asked. */
export function steadyPlan(fps: number, bytes: number): ReplayPlan {
  const frames = Array.from({ length: fps }, (_, i) => ({ atMs: (i * 1000) / fps, bytes, key: false }));
  return { loopMs: 1000, frames, keyframeBytes: bytes * 4, sizeScale: 1, fps, kbps: (fps * bytes * 8) / 1000 };
}
