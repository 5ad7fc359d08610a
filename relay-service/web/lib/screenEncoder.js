// The presenter's pipeline: screen track -> stillness gate -> WebCodecs VideoEncoder -> framed
// chunks (shared protocol header) handed to the sender. Nothing is encoded while the screen is
// still; a keyframe goes out on request, after a congestion skip and after 60 s without sending.
import { encodeFrame } from '../../src/protocol/frame.ts';
import { CaptureTimes } from './captureTimes.js';
import { codecFamily, pickEncoderConfig, pickRecordingConfig } from './codecs.js';
import { codecFamilySchema } from '../../src/protocol/messages.ts';
import { readFrames } from './frameSource.js';
import { StillnessGate, THUMB_HEIGHT, THUMB_WIDTH, toLuma } from './stillness.js';
import { epochNow, recordStage, stats } from './stats.js';

/** Encoded frames allowed to wait inside the encoder before new captures are dropped. */
const MAX_ENCODE_QUEUE = 2;

/**
 * @typedef {object} StreamConfig
 * @property {number} stream
 * @property {string} codec
 * @property {number} codedWidth
 * @property {number} codedHeight
 * @property {string} [description]
 * @property {'monitor' | 'window' | 'browser' | 'unknown'} surface
 * @property {VideoColorSpaceInit} [colorSpace]
 */

/**
 * @typedef {object} ScreenEncoderOptions
 * @property {number} [stream] stream id in the frame header
 * @property {(config: StreamConfig) => void} onConfig called before the first chunk of each configuration
 * @property {(frame: Uint8Array, keyframe: boolean) => void} onChunk one framed chunk to send
 * @property {() => boolean} [canSend] false while the connection is congested (frames are skipped)
 * @property {(error: Error) => void} [onError]
 * @property {number} [heartbeatMs]
 */

export class ScreenEncoder {
  /** @param {ScreenEncoderOptions} options */
  constructor(options) {
    this.options = options;
    this.stream = options.stream ?? 0;
    this.gate = new StillnessGate(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {});
    /** @type {VideoEncoder | null} */
    this.encoder = null;
    this.sequence = 0;
    this.width = 0;
    this.height = 0;
    this.surface = 'unknown';
    this.forceKeyframe = true;
    this.configAnnounced = false;
    this.stopped = false;
    this.captureTimes = new CaptureTimes();
    /** @type {{stop(): void} | null} */
    this.reader = null;
    this.thumbCanvas = new OffscreenCanvas(THUMB_WIDTH, THUMB_HEIGHT);
    this.thumbContext = this.thumbCanvas.getContext('2d', { willReadFrequently: true });
    this.codec = '';
    /** The session is recorded: encode H.264 (recorded as MP4) where this browser can. */
    this.recording = false;
    this.canEncodeH264 = false;
    /** The H.264 encoder failed here once: record what the live codec gives (the relay logs WebM). */
    this.h264Failed = false;
    this.reconfigure = false;
    /** @type {readonly import('../../src/protocol/messages.ts').CodecFamily[]} what every viewer decodes */
    this.decoders = codecFamilySchema.options;
  }

  /**
   * Starts reading and encoding the track.
   * @param {MediaStreamTrack} track
   */
  start(track) {
    const settings = track.getSettings ? track.getSettings() : {};
    const surface = /** @type {any} */ (settings).displaySurface;
    this.surface = ['monitor', 'window', 'browser'].includes(surface) ? surface : 'unknown';
    this.reader = readFrames(track, (frame) => this.onFrame(frame));
  }

  /** The relay asks for a keyframe (a viewer joined or skipped frames). */
  requestKeyframe() {
    this.forceKeyframe = true;
  }

  /**
   * The relay records the session (snapshot `recording: 'on'`) or stopped: switch codec, from a
   * keyframe, at the next captured frame.
   * @param {boolean} on
   */
  setRecording(on) {
    if (on === this.recording) return;
    this.recording = on;
    this.reconfigure = true;
  }

  /**
   * What every viewer decodes changed (snapshot `decoders`). Reconfigure, from a keyframe, at the
   * next captured frame when the current codec is no longer decoded by everyone, or when a codec
   * preferred to it now is (the viewer who lacked it left).
   * @param {readonly import('../../src/protocol/messages.ts').CodecFamily[]} decoders
   */
  setDecoders(decoders) {
    const before = this.decoders;
    this.decoders = decoders;
    const current = codecFamily(this.codec);
    if (!current) return; // not configured yet: the first frame picks with these
    const order = codecFamilySchema.options;
    const better = order.slice(0, order.indexOf(current)).some((f) => decoders.includes(f) && !before.includes(f));
    if (!decoders.includes(current) || better) this.reconfigure = true;
  }

  stop() {
    this.stopped = true;
    this.reader?.stop();
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
    this.encoder = null;
    this.captureTimes.clear();
  }

  /** @param {VideoFrame} frame */
  async onFrame(frame) {
    try {
      if (this.stopped) return;
      const captureTime = epochNow();
      const width = frame.displayWidth & ~1;
      const height = frame.displayHeight & ~1;
      if (width !== this.width || height !== this.height || !this.encoder || this.reconfigure) {
        await this.configure(width, height);
        if (this.stopped) return;
      }
      const verdict = this.gate.decide(this.thumbnail(frame), captureTime);
      const wantKey = this.forceKeyframe || verdict === 'heartbeat';
      if (verdict === 'skip' && !wantKey) return;
      if (this.options.canSend && !this.options.canSend()) {
        this.forceKeyframe = true; // viewers will miss what we skip: restart from a keyframe
        return;
      }
      if (this.encoder.encodeQueueSize > MAX_ENCODE_QUEUE) {
        if (wantKey) this.forceKeyframe = true;
        return;
      }
      this.captureTimes.set(frame.timestamp, captureTime);
      this.encoder.encode(frame, { keyFrame: wantKey });
      this.forceKeyframe = false;
      stats().framesEncoded++;
    } catch (error) {
      this.options.onError?.(/** @type {Error} */ (error));
    } finally {
      frame.close();
    }
  }

  /** @param {VideoFrame} frame */
  thumbnail(frame) {
    this.thumbContext.drawImage(frame, 0, 0, THUMB_WIDTH, THUMB_HEIGHT);
    return toLuma(this.thumbContext.getImageData(0, 0, THUMB_WIDTH, THUMB_HEIGHT).data);
  }

  /**
   * @param {number} width
   * @param {number} height
   */
  async configure(width, height) {
    this.reconfigure = false;
    const h264 = this.h264Failed ? null : await pickRecordingConfig(width, height);
    // Recorded: H.264 (MP4 plays everywhere) unless a viewer cannot decode it.
    const config =
      this.recording && h264 && this.decoders.includes('h264')
        ? h264
        : await pickEncoderConfig(width, height, globalThis.VideoEncoder, this.decoders);
    if (!config) throw new Error('This browser has no AV1, VP9, VP8 or H.264 encoder for screen sharing.');
    this.canEncodeH264 = h264 !== null;
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
    const encoder = new VideoEncoder({
      output: (chunk, metadata) => this.onChunk(chunk, metadata),
      error: (error) => {
        // A failed encoder is closed for good: the next captured frame configures a new one.
        if (this.encoder === encoder) this.encoder = null;
        if (config.codec.startsWith('avc1.')) this.h264Failed = true;
        this.options.onError?.(error);
      },
    });
    this.encoder = encoder;
    this.encoder.configure(config);
    this.codec = config.codec;
    stats().codec = config.codec;
    this.width = width;
    this.height = height;
    this.configAnnounced = false;
    this.forceKeyframe = true;
    this.gate.reset();
  }

  /**
   * @param {EncodedVideoChunk} chunk
   * @param {EncodedVideoChunkMetadata} [metadata]
   */
  onChunk(chunk, metadata) {
    if (this.stopped) return;
    if (!this.configAnnounced || metadata?.decoderConfig) {
      const decoderConfig = metadata?.decoderConfig;
      /** @type {StreamConfig} */
      const config = {
        stream: this.stream,
        codec: decoderConfig?.codec ?? this.codec,
        codedWidth: decoderConfig?.codedWidth ?? this.width,
        codedHeight: decoderConfig?.codedHeight ?? this.height,
        surface: /** @type {any} */ (this.surface),
        canEncodeH264: this.canEncodeH264,
      };
      if (decoderConfig?.description) config.description = toBase64(decoderConfig.description);
      if (decoderConfig?.colorSpace) config.colorSpace = colorSpaceOf(decoderConfig.colorSpace);
      this.options.onConfig(config);
      this.configAnnounced = true;
    }
    const payload = new Uint8Array(chunk.byteLength);
    chunk.copyTo(payload);
    const now = epochNow();
    const captured = this.captureTimes.take(chunk.timestamp);
    const captureTimeMs = captured ?? now;
    const keyframe = chunk.type === 'key';
    if (captured !== undefined) recordStage(keyframe ? 'encodeKey' : 'encode', now - captured);
    const frame = encodeFrame({ stream: this.stream, sequence: this.sequence++, captureTimeMs, keyframe }, payload);
    const s = stats();
    if (!s.startedAt) s.startedAt = epochNow();
    s.framesSent++;
    s.bytesSent += frame.byteLength;
    this.options.onChunk(frame, keyframe);
  }
}

/**
 * The colour space as plain JSON (the decoder needs it, or it assumes BT.709 and colours shift).
 * @param {VideoColorSpaceInit} cs
 */
function colorSpaceOf(cs) {
  const out = {};
  for (const key of ['primaries', 'transfer', 'matrix', 'fullRange']) if (cs[key] != null) out[key] = cs[key];
  return out;
}

/** @param {AllowSharedBufferSource} source */
function toBase64(source) {
  const bytes =
    source instanceof ArrayBuffer
      ? new Uint8Array(source)
      : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
