// Tees one routed stream into a WebM (VP8/VP9/AV1) or faststart MP4 (H.264) file with mediabunny,
// written through a StreamTarget into a RecordingFile: in memory up to the memory bound, then on in an
// encrypted spill file, so a long session keeps its whole recording. The relay never decodes: it hands
// the presenter's encoded chunks to the muxer as they are. Finalizing writes only the index and a few
// header patches (the media is already in the file), so it costs the event loop little.
import {
  EncodedPacket,
  EncodedVideoPacketSource,
  Mp4OutputFormat,
  Output,
  StreamTarget,
  WebMOutputFormat,
  type StreamTargetChunk,
  type VideoCodec,
} from 'mediabunny';
import type { StreamConfig } from '../protocol/index.ts';
import type { RecordingBudget } from './RecordingBudget.ts';
import { RecordingFile } from './RecordingFile.ts';

export interface Recording {
  /** The finished file; whoever takes the Recording deletes it once stored. */
  file: RecordingFile;
  size: number;
  mimeType: string;
  fileName: string;
  durationMs: number;
}

export type RecorderStopReason = 'size_limit' | 'format_changed' | 'muxer_error';

export interface RecorderOptions {
  config: StreamConfig;
  /** Media bytes one recording may hold in all (limits.recordingMaxBytes; Salesforce takes 2 GB by multipart). */
  maxBytes: number;
  /** Bytes kept in memory before the file continues on disk (limits.recordingMemoryBytes). */
  memoryBytes: number;
  /** Where spill files go. */
  spillDir: string;
  /** MP4 only: packets the faststart index reserves room for (limits.recordingMaxPackets). */
  maxPackets: number;
  /** The relay-wide memory for recordings; past it a recording spills sooner. */
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
  #stream: number;
  private readonly config: StreamConfig;
  private readonly container: 'webm' | 'mp4';
  private readonly output: Output<WebMOutputFormat | Mp4OutputFormat, StreamTarget>;
  private readonly file: RecordingFile;
  private readonly source: EncodedVideoPacketSource;
  private readonly options: RecorderOptions;
  private chain: Promise<void>;
  private active = true;
  private stoppedFor: RecorderStopReason | null = null;
  private waitingForKeyframe = true;
  private firstCaptureMs: number | null = null;
  private lastTimestamp = -1;
  /** The next frame starts a new presenter's clock (see `follow`). */
  private rebase = false;
  private packets = 0;
  private bytes = 0;

  constructor(options: RecorderOptions) {
    const format = recordingFormat(options.config.codec);
    if (!format) throw new Error(`codec ${options.config.codec} cannot be recorded`);
    this.options = options;
    this.config = options.config;
    this.#stream = options.config.stream;
    this.container = format.container;
    const file = new RecordingFile({
      memoryBytes: options.memoryBytes,
      spillDir: options.spillDir,
      ...(options.budget ? { budget: options.budget } : {}),
    });
    this.file = file;
    const sink = new WritableStream<StreamTargetChunk>({ write: (chunk) => file.write(chunk.position, chunk.data) });
    this.output = new Output({
      // MP4: the index goes in room reserved at the start (faststart) without holding the media in memory.
      format: format.container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'reserve' }),
      target: new StreamTarget(sink),
    });
    this.source = new EncodedVideoPacketSource(format.codec);
    this.output.addVideoTrack(
      this.source,
      format.container === 'mp4' ? { maximumPacketCount: options.maxPackets } : {},
    );
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

  /** The stream this file is fed from. */
  get stream(): number {
    return this.#stream;
  }

  /**
   * Another presenter's stream of the same format continues the file from its first keyframe. Their
   * capture clock is not ours: the time between the two presenters is left out of the file.
   */
  follow(stream: number): void {
    this.#stream = stream;
    this.waitingForKeyframe = true;
    this.rebase = true;
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
    if (!this.active || stream !== this.#stream) return;
    if (this.waitingForKeyframe) {
      if (!keyframe) return;
      this.waitingForKeyframe = false;
    }
    if (
      this.bytes + payload.byteLength > this.options.maxBytes ||
      (this.container === 'mp4' && this.packets >= this.options.maxPackets)
    ) {
      this.stop('size_limit');
      return;
    }
    if (this.rebase && this.lastTimestamp >= 0) {
      // One frame time (1/30 s) after the last frame of the previous presenter.
      this.firstCaptureMs = captureTimeMs - (this.lastTimestamp + 1 / 30) * 1000;
    }
    this.rebase = false;
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

  /** Resolves once every chunk added so far is in the file (the muxer works asynchronously). */
  async idle(): Promise<void> {
    await this.chain;
  }

  /** Finalizes the file; null (and the file deleted) when nothing usable was recorded. */
  async finish(): Promise<Recording | null> {
    const recording = await this.finalize().catch(() => null);
    if (!recording) await this.file.delete();
    return recording;
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
    const webm = this.container === 'webm';
    // The last frame is shown for one nominal frame interval (100 ms at the reference 10 fps).
    return {
      file: this.file,
      size: this.file.size,
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
