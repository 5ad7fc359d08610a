// Tees one routed stream into an in-memory WebM (VP8/VP9/AV1) or MP4 (H.264) file with mediabunny.
// The relay never decodes: it hands the presenter's encoded chunks to the muxer as they are.
// Memory bound: past `maxBytes` of media, or when the relay-wide RecordingBudget is used up, the
// recording stops for good (what was recorded is kept and the session log says why). No spill to disk
// yet: nothing of the stream touches the relay's disk.
import {
  BufferTarget,
  EncodedPacket,
  EncodedVideoPacketSource,
  Mp4OutputFormat,
  Output,
  WebMOutputFormat,
  type VideoCodec,
} from 'mediabunny';
import type { StreamConfig } from '../protocol/index.ts';
import type { RecordingBudget } from './RecordingBudget.ts';

export interface Recording {
  bytes: Uint8Array;
  mimeType: string;
  fileName: string;
  durationMs: number;
}

export type RecorderStopReason = 'size_limit' | 'memory_budget' | 'format_changed' | 'muxer_error';

export interface RecorderOptions {
  config: StreamConfig;
  maxBytes: number;
  /** The relay-wide memory for recordings; the recorder reserves each chunk from it and gives all back when done. */
  budget?: RecordingBudget;
  /** File name without extension. */
  baseName: string;
  /** Called once when the recorder stops itself; the session logs it. */
  onStopped?: (reason: RecorderStopReason) => void;
}

/** Maps a WebCodecs codec string to mediabunny's codec and the container that carries it. */
export function recordingFormat(codec: string): { codec: VideoCodec; container: 'webm' | 'mp4' } | null {
  if (codec === 'vp8') return { codec: 'vp8', container: 'webm' };
  if (codec.startsWith('vp09.')) return { codec: 'vp9', container: 'webm' };
  if (codec.startsWith('av01.')) return { codec: 'av1', container: 'webm' };
  if (codec.startsWith('avc1.')) return { codec: 'avc', container: 'mp4' };
  return null;
}

export class Recorder {
  readonly stream: number;
  private readonly config: StreamConfig;
  private readonly container: 'webm' | 'mp4';
  private readonly output: Output<WebMOutputFormat | Mp4OutputFormat, BufferTarget>;
  private readonly source: EncodedVideoPacketSource;
  private readonly options: RecorderOptions;
  private chain: Promise<void>;
  private active = true;
  private stoppedFor: RecorderStopReason | null = null;
  private waitingForKeyframe = true;
  private firstCaptureMs: number | null = null;
  private lastTimestamp = -1;
  private packets = 0;
  private bytes = 0;

  constructor(options: RecorderOptions) {
    const format = recordingFormat(options.config.codec);
    if (!format) throw new Error(`codec ${options.config.codec} cannot be recorded`);
    this.options = options;
    this.config = options.config;
    this.stream = options.config.stream;
    this.container = format.container;
    this.output = new Output({
      format: format.container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' }),
      target: new BufferTarget(),
    });
    this.source = new EncodedVideoPacketSource(format.codec);
    this.output.addVideoTrack(this.source);
    this.chain = this.output.start();
  }

  /** True while recording and the next usable frame must be a keyframe (after start or resume). */
  get needsKeyframe(): boolean {
    return this.active && this.waitingForKeyframe;
  }

  get isRecording(): boolean {
    return this.active;
  }

  get stopReason(): RecorderStopReason | null {
    return this.stoppedFor;
  }

  /** Same codec and codec description: the file can continue with it (VP8/VP9 carry size in-band). */
  accepts(config: StreamConfig): boolean {
    return config.codec === this.config.codec && config.description === this.config.description;
  }

  pause(): void {
    this.active = false;
  }

  /** Continues the same file; picks up again at the next keyframe. No-op after a self-stop. */
  resume(): void {
    if (this.stoppedFor) return;
    this.active = true;
    this.waitingForKeyframe = true;
  }

  /** Stops for good, keeping what was recorded. */
  stop(reason: RecorderStopReason): void {
    if (this.stoppedFor) return;
    this.stoppedFor = reason;
    this.active = false;
    this.options.onStopped?.(reason);
  }

  /** Adds one encoded chunk; `payload` is referenced, not copied (the relay never reuses it). */
  add(stream: number, keyframe: boolean, captureTimeMs: number, payload: Uint8Array): void {
    if (!this.active || stream !== this.stream) return;
    if (this.waitingForKeyframe) {
      if (!keyframe) return;
      this.waitingForKeyframe = false;
    }
    if (this.bytes + payload.byteLength > this.options.maxBytes) {
      this.stop('size_limit');
      return;
    }
    if (this.options.budget && !this.options.budget.take(payload.byteLength)) {
      this.stop('memory_budget');
      return;
    }
    this.firstCaptureMs ??= captureTimeMs;
    // Capture clocks can step backwards (another presenter, clock adjustment): keep timestamps rising.
    const timestamp = Math.max((captureTimeMs - this.firstCaptureMs) / 1000, this.lastTimestamp + 0.001);
    this.lastTimestamp = timestamp;
    const packet = new EncodedPacket(payload, keyframe ? 'key' : 'delta', timestamp, 0);
    const meta = this.packets === 0 ? { decoderConfig: this.decoderConfig() } : undefined;
    this.packets++;
    this.bytes += payload.byteLength;
    this.chain = this.chain.then(() => this.source.add(packet, meta)).catch(() => this.stop('muxer_error'));
  }

  /** Finalizes the file; null when no frame was ever recorded. Drops every internal reference. */
  async finish(): Promise<Recording | null> {
    try {
      return await this.finalize();
    } finally {
      // The file now belongs to the session's report, which the outbox stores at once.
      this.options.budget?.give(this.bytes);
    }
  }

  private async finalize(): Promise<Recording | null> {
    this.active = false;
    await this.chain;
    if (this.packets === 0 || this.stoppedFor === 'muxer_error') {
      await this.output.cancel().catch(() => undefined);
      return null;
    }
    try {
      await this.output.finalize();
    } catch {
      return null;
    }
    const buffer = this.output.target.buffer;
    if (!buffer) return null;
    const webm = this.container === 'webm';
    // The last frame is shown for one nominal frame interval (100 ms at the reference 10 fps).
    return {
      bytes: new Uint8Array(buffer),
      mimeType: webm ? 'video/webm' : 'video/mp4',
      fileName: `${this.options.baseName}.${webm ? 'webm' : 'mp4'}`,
      durationMs: Math.round(this.lastTimestamp * 1000) + 100,
    };
  }

  private decoderConfig(): VideoDecoderConfig {
    const c = this.config;
    return {
      codec: c.codec,
      codedWidth: c.codedWidth,
      codedHeight: c.codedHeight,
      ...(c.description ? { description: Buffer.from(c.description, 'base64') } : {}),
    };
  }
}
