// One session's recording as a sink of the media path: the Room feeds it every accepted frame beside
// the viewer queues; the Session only says whether it should run and on which stream (`sync`), and
// takes the finished file for its report. It owns the Recorder, so no frame passes through Session.
import { framePayload } from '../protocol/frame.ts';
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
  /** `frame`: the message as received, header included (cut only while recording: no copy per frame). */
  push(stream: number, keyframe: boolean, captureTimeMs: number, frame: Uint8Array): void;
  readonly needsKeyframe: boolean;
}

export type RecordingSinkOptions = Omit<RecorderOptions, 'config' | 'onStopped'> & {
  /** The recorder stopped itself (the session logs it). */
  onStopped(reason: RecorderStopReason): void;
  /** A file was started for `stream` in `container` (the session logs a WebM one it could not avoid). */
  onStarted?(stream: StreamConfig, container: 'webm' | 'mp4'): void;
};

/** The presenter said it has an H.264 encoder and switches to it once the recording runs (snapshot 'on'). */
function switchesToH264(stream: StreamConfig): boolean {
  return stream.canEncodeH264 === true && recordingFormat(stream.codec)?.container !== 'mp4';
}

export class RecordingSink implements FrameSink {
  readonly #options: RecordingSinkOptions;
  #recorder: Recorder | null = null;
  /** Recording runs, but the presenter is still switching to H.264: nothing is written until it has. */
  #awaitingH264 = false;

  constructor(options: RecordingSinkOptions) {
    this.#options = options;
  }

  /** The session records (the presenter may still be switching to H.264 for it). */
  get isRecording(): boolean {
    return this.#awaitingH264 || (this.#recorder?.isRecording ?? false);
  }

  get needsKeyframe(): boolean {
    return this.#recorder?.needsKeyframe ?? false;
  }

  /**
   * Records `stream` (the session's rules allow it) or pauses (null). The first call with a
   * recordable stream starts the file, as MP4 once a presenter that can encode H.264 has switched to
   * it; a resume continues the same file once the stream fits it again. After a self-stop it stays stopped.
   */
  sync(stream: StreamConfig | null): void {
    const recorder = this.#recorder;
    this.#awaitingH264 = false;
    if (!stream) return recorder?.pause();
    if (recorder?.accepts(stream)) return recorder.resume();
    if (recorder?.stopReason) return;
    if (switchesToH264(stream)) {
      this.#awaitingH264 = true;
      return;
    }
    if (recorder) return recorder.stop('format_changed');
    const format = recordingFormat(stream.codec);
    if (!format) return;
    this.#recorder = new Recorder({ ...this.#options, config: stream });
    this.#options.onStarted?.(stream, format.container);
  }

  /**
   * Someone (else) started presenting: the recording follows their first stream, in the same file when
   * its format fits (picking up at its first keyframe). A presenter who switches to H.264 for the
   * recording (issue 19) is waited for, paused; any other format stops it (`format_changed`).
   */
  follow(config: StreamConfig): void {
    const recorder = this.#recorder;
    if (!recorder || recorder.stopReason) return;
    if (recorder.accepts(config)) return recorder.follow(config.stream);
    if (!switchesToH264(config)) return recorder.stop('format_changed');
    recorder.follow(config.stream);
    if (!recorder.isRecording) return; // paused: the presenter switches codec when recording resumes
    recorder.pause();
    this.#awaitingH264 = true; // still recording, as the session sees it
  }

  /**
   * The recorded stream's stream-start came again. A running file that cannot take the new format
   * pauses if the presenter will switch to H.264 for it, else stops; a paused one waits (the presenter
   * switches codec when recording stops and resumes).
   */
  formatChanged(config: StreamConfig): void {
    const recorder = this.#recorder;
    if (!recorder?.isRecording || config.stream !== recorder.stream || recorder.accepts(config)) return;
    if (!switchesToH264(config)) return recorder.stop('format_changed');
    recorder.pause();
    this.#awaitingH264 = true; // still recording, as the session sees it
  }

  push(stream: number, keyframe: boolean, captureTimeMs: number, frame: Uint8Array): void {
    this.#recorder?.add(stream, keyframe, captureTimeMs, framePayload(frame));
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
