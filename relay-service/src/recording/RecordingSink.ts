// One session's recording as a sink of the media path: the Room feeds it every accepted frame beside
// the viewer queues; the Session only says whether it should run and on which stream (`sync`), and
// takes the finished file for its report. It owns the Recorder, so no frame passes through Session.
import type { StreamConfig } from '../protocol/index.ts';
import {
  Recorder,
  recordingFormat,
  type Recording,
  type RecorderOptions,
  type RecorderStopReason,
} from './Recorder.ts';

/** What the Room sees of a recording: where frames go and whether it needs a keyframe. */
export interface FrameSink {
  push(stream: number, keyframe: boolean, captureTimeMs: number, payload: Uint8Array): void;
  readonly needsKeyframe: boolean;
}

export type RecordingSinkOptions = Omit<RecorderOptions, 'config' | 'onStopped'> & {
  /** The recorder stopped itself (the session logs it). */
  onStopped(reason: RecorderStopReason): void;
};

export class RecordingSink implements FrameSink {
  readonly #options: RecordingSinkOptions;
  #recorder: Recorder | null = null;

  constructor(options: RecordingSinkOptions) {
    this.#options = options;
  }

  get isRecording(): boolean {
    return this.#recorder?.isRecording ?? false;
  }

  get needsKeyframe(): boolean {
    return this.#recorder?.needsKeyframe ?? false;
  }

  /**
   * Records `stream` (the session's rules allow it) or pauses (null). The first call with a
   * recordable stream starts the file; after a self-stop it stays stopped.
   */
  sync(stream: StreamConfig | null): void {
    const recorder = this.#recorder;
    if (!stream) return recorder?.pause();
    if (recorder) return recorder.resume();
    if (!recordingFormat(stream.codec)) return;
    this.#recorder = new Recorder({ ...this.#options, config: stream });
  }

  /**
   * Someone (else) started presenting: the recording follows their first stream, in the same file when
   * its format fits (picking up at its first keyframe), else it stops (`format_changed`).
   */
  follow(config: StreamConfig): void {
    const recorder = this.#recorder;
    if (!recorder) return;
    if (!recorder.accepts(config)) return recorder.stop('format_changed');
    recorder.follow(config.stream);
  }

  /** A format change of the recorded stream (its stream-start came again with another codec). */
  formatChanged(config: StreamConfig): void {
    const recorder = this.#recorder;
    if (recorder && config.stream === recorder.stream && !recorder.accepts(config)) recorder.stop('format_changed');
  }

  push(stream: number, keyframe: boolean, captureTimeMs: number, payload: Uint8Array): void {
    this.#recorder?.add(stream, keyframe, captureTimeMs, payload);
  }

  /** Resolves once every frame pushed so far is in the file. */
  async idle(): Promise<void> {
    await this.#recorder?.idle();
  }

  /** Finalizes and hands the file over (null if nothing was recorded); the sink is empty afterwards. */
  async finish(): Promise<Recording | null> {
    const recorder = this.#recorder;
    this.#recorder = null;
    return recorder ? recorder.finish() : null;
  }
}
