// A presenter: replays the captured encoder output on its socket, each frame with the 16-byte
// Sightline header stamped with the time it is handed to the socket. With `simulcast` it also sends a
// smaller rendition on stream 1 (as a browser encoding a second, low-resolution copy would).
import type { WebSocket } from 'ws';
import { FRAME_HEADER_BYTES, writeFrameHeader } from '@sightline/relay-service/protocol';
import type { ReplayPlan } from '../traffic.ts';
import { epochMs } from './clock.ts';
import type { Counters } from './Counters.ts';

/** Random bytes the payloads are cut from (the relay treats them as opaque). */
const NOISE = Buffer.alloc(4 * 1024 * 1024, 0);
for (let i = 0; i < NOISE.length; i += 4) NOISE.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);

/** A browser presenter stops queueing frames once this much is waiting on its socket. */
const BACKLOG_LIMIT_BYTES = 1024 * 1024;

export class Presenter {
  /** Streams whose next frame is a keyframe (asked for by the relay, or a (re)start). */
  private readonly forceKeyframe = new Set<number>();
  private readonly ws: WebSocket;
  private readonly plan: ReplayPlan;
  private readonly counters: Counters;
  private readonly hasSlowViewer: boolean;
  private readonly sizeScale: number;
  private readonly phase: number;
  private readonly simulcast: { share: number; every: number } | null;
  private lowSequence = 0;
  private timer: NodeJS.Timeout | null = null;
  private sequence = 0;
  private index = 0;
  private loopStart = 0;

  constructor(
    ws: WebSocket,
    plan: ReplayPlan,
    counters: Counters,
    o: {
      hasSlowViewer: boolean;
      sizeScale: number;
      phase: number;
      simulcast: { share: number; every: number } | null;
    },
  ) {
    this.ws = ws;
    this.plan = plan;
    this.counters = counters;
    this.hasSlowViewer = o.hasSlowViewer;
    this.sizeScale = o.sizeScale;
    this.phase = o.phase;
    this.simulcast = o.simulcast;
  }

  requestKeyframe(stream: number): void {
    this.forceKeyframe.add(stream);
  }

  get active(): boolean {
    return this.timer !== null;
  }

  /** Starts the replay at this session's phase of the loop, so sessions do not burst in step. */
  start(): void {
    if (this.timer) return;
    const offset = this.phase * this.plan.loopMs;
    this.index = this.plan.frames.findIndex((f) => f.atMs >= offset);
    if (this.index < 0) this.index = 0;
    this.loopStart = performance.now() - offset;
    // A presenter (re)starting sends keyframes first.
    this.forceKeyframe.add(0);
    if (this.simulcast) this.forceKeyframe.add(1);
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private emit(
    stream: number,
    sequence: number,
    keyframe: boolean,
    bytes: number,
    now: number,
    counted: boolean,
  ): void {
    const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bytes);
    const start = Math.floor(Math.random() * (NOISE.length - bytes));
    NOISE.copy(out, FRAME_HEADER_BYTES, start, start + bytes);
    writeFrameHeader(out, { stream, sequence, keyframe, captureTimeMs: now });
    this.ws.send(out, { binary: true });
    if (counted) {
      this.counters.framesSent++;
      this.counters.bytesSent += out.length;
    }
  }

  private schedule(): void {
    const frame = this.plan.frames[this.index]!;
    const due = this.loopStart + frame.atMs;
    this.timer = setTimeout(() => this.send(), Math.max(0, due - performance.now()));
  }

  private send(): void {
    const frame = this.plan.frames[this.index]!;
    const now = epochMs();
    const counted = this.counters.inWindow(now);
    if (this.ws.readyState === this.ws.OPEN) {
      if (this.ws.bufferedAmount > BACKLOG_LIMIT_BYTES) {
        if (counted) this.counters.framesSkipped++;
      } else {
        const key = frame.key || this.forceKeyframe.delete(0);
        const bytes = Math.round((key ? Math.max(frame.bytes, this.plan.keyframeBytes) : frame.bytes) * this.sizeScale);
        this.emit(0, this.sequence++, key, bytes, now, counted);
        if (counted && this.hasSlowViewer) this.counters.slowSessionFramesSent++;
        const low = this.simulcast;
        if (low) {
          // The rendition encodes every `every`-th picture, and each picture stream 0 sends as a keyframe.
          const lowKey = key || this.forceKeyframe.delete(1);
          if (lowKey || this.index % low.every === 0)
            this.emit(1, this.lowSequence++, lowKey, Math.max(1, Math.round(bytes * low.share)), now, counted);
        }
      }
    }
    this.index++;
    if (this.index === this.plan.frames.length) {
      this.index = 0;
      this.loopStart += this.plan.loopMs;
    }
    this.schedule();
  }
}
