// The viewer's pipeline: framed chunks -> WebCodecs VideoDecoder -> canvas. Waits for a keyframe
// after (re)configuration or a gap in the sequence, and asks the presenter for one.
import { decodeFrameHeader, framePayload } from '../../src/protocol/frame.ts';
import { CaptureTimes } from './captureTimes.js';
import { epochNow, recordLatency, recordStage, stats } from './stats.js';

/**
 * @typedef {object} ScreenDecoderOptions
 * @property {HTMLCanvasElement} canvas
 * @property {(stream: number) => void} onKeyframeNeeded
 * @property {(width: number, height: number) => void} [onResize]
 * @property {(error: Error) => void} [onError]
 */

export class ScreenDecoder {
  /** @param {ScreenDecoderOptions} options */
  constructor(options) {
    this.options = options;
    /** @type {VideoDecoder | null} */
    this.decoder = null;
    /** @type {import('./screenEncoder.js').StreamConfig | null} */
    this.config = null;
    this.needKeyframe = true;
    this.lastSequence = -1;
    /** @type {Set<number>} simulcast renditions of the configured stream (the relay sends one of them) */
    this.renditions = new Set();
    this.captureTimes = new CaptureTimes();
    /** Arrival times of chunks in the decoder, for the per-stage figures. */
    this.arrivals = new CaptureTimes();
    this.context = options.canvas.getContext('2d');
  }

  /** @param {import('./screenEncoder.js').StreamConfig} config from `stream-start` */
  configure(config) {
    this.close();
    this.config = config;
    this.decoder = new VideoDecoder({
      output: (frame) => this.paint(frame),
      error: (error) => {
        this.options.onError?.(error);
        this.reset();
      },
    });
    /** @type {VideoDecoderConfig} */
    const decoderConfig = {
      codec: config.codec,
      codedWidth: config.codedWidth,
      codedHeight: config.codedHeight,
      optimizeForLatency: true,
    };
    if (config.description) decoderConfig.description = fromBase64(config.description);
    if (config.colorSpace) decoderConfig.colorSpace = config.colorSpace;
    this.decoder.configure(decoderConfig);
    const { canvas } = this.options;
    canvas.width = config.codedWidth;
    canvas.height = config.codedHeight;
    this.options.onResize?.(config.codedWidth, config.codedHeight);
    this.needKeyframe = true;
    this.lastSequence = -1;
  }

  /**
   * The relay switches a viewer between a stream and its smaller renditions only at a keyframe, so one
   * decoder takes them all (VP8, VP9 and AV1 keyframes carry their size; the picture is drawn scaled to
   * the canvas). An H.264 rendition with its own avcC description is not supported here.
   * @param {number[]} streams
   */
  setRenditions(streams) {
    this.renditions = new Set(streams);
  }

  /** @param {Uint8Array} frame one binary message from the relay */
  decode(frame) {
    const header = decodeFrameHeader(frame);
    const s = stats();
    s.bytesReceived += frame.byteLength;
    if (!s.startedAt) s.startedAt = epochNow();
    if (!this.decoder || !this.config) return;
    if (header.stream !== this.config.stream && !this.renditions.has(header.stream)) return;
    const gap = this.lastSequence >= 0 && header.sequence !== (this.lastSequence + 1) >>> 0;
    this.lastSequence = header.sequence;
    if (gap && !header.keyframe) this.needKeyframe = true;
    if (this.needKeyframe && !header.keyframe) {
      this.options.onKeyframeNeeded(header.stream);
      return;
    }
    if (header.keyframe) s.keyframesReceived++;
    this.needKeyframe = false;
    // The sequence number doubles as a unique, increasing timestamp for the decoder (per stream: a
    // rendition counts its own sequence).
    const timestamp = header.sequence * 1000 + (header.stream % 1000);
    this.captureTimes.set(timestamp, header.captureTimeMs);
    const arrived = epochNow();
    this.arrivals.set(timestamp, arrived);
    recordStage('arrive', arrived - header.captureTimeMs);
    this.decoder.decode(
      new EncodedVideoChunk({ type: header.keyframe ? 'key' : 'delta', timestamp, data: framePayload(frame) }),
    );
  }

  /** @param {VideoFrame} frame */
  paint(frame) {
    const captureTime = this.captureTimes.take(frame.timestamp);
    const arrived = this.arrivals.take(frame.timestamp);
    const decoded = epochNow();
    if (arrived !== undefined) recordStage('decode', decoded - arrived);
    try {
      this.context.drawImage(frame, 0, 0, this.options.canvas.width, this.options.canvas.height);
    } finally {
      frame.close();
    }
    stats().framesDecoded++;
    if (captureTime !== undefined) {
      // The picture reaches the screen at the next rendering opportunity.
      // eslint-disable-next-line @lwc/lwc/no-async-operation -- measuring the paint, not scheduling UI
      requestAnimationFrame(() => {
        const painted = epochNow();
        recordStage('paint', painted - decoded);
        recordLatency(painted - captureTime);
      });
    }
  }

  /** Drops decoder state; the next keyframe starts a fresh picture. */
  reset() {
    if (this.config) {
      const config = this.config;
      this.configure(config);
      this.options.onKeyframeNeeded(config.stream);
    }
  }

  close() {
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
    this.captureTimes.clear();
    this.arrivals.clear();
  }
}

/** @param {string} text */
function fromBase64(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
