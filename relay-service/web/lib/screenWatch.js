// Watching whoever presents (the agent in the console, the customer when an agent shows their screen):
// stream-start/stop and the session's streams configure a ScreenDecoder painting onto a canvas.
import { ScreenDecoder } from './screenDecoder.js';

export class ScreenWatch {
  /**
   * @param {{socket: import('./relaySocket.js').RelaySocket, onLive: (live: boolean) => void}} options
   */
  constructor(options) {
    this.options = options;
    /** @type {ScreenDecoder | null} */
    this.decoder = null;
    /** @type {any} */
    this.pendingConfig = null;
    /** @type {number[]} simulcast renditions of the watched stream, decoded in its place */
    this.renditions = [];
    this.lastKeyRequest = 0;
    options.socket.addEventListener('frame', (e) => this.onFrame(/** @type {CustomEvent} */ (e).detail));
    options.socket.addEventListener('state', (e) => {
      if (/** @type {CustomEvent} */ (e).detail === 'open' && this.decoder?.config)
        this.requestKeyframe(this.decoder.config.stream);
    });
  }

  /** @param {HTMLCanvasElement} canvas where the decoded screen is painted */
  attachCanvas(canvas) {
    if (this.decoder && this.decoder.options.canvas === canvas) return;
    this.decoder?.close();
    this.decoder = new ScreenDecoder({ canvas, onKeyframeNeeded: (stream) => this.requestKeyframe(stream) });
    this.decoder.setRenditions(this.renditions);
    if (!this.pendingConfig) return;
    this.start(this.pendingConfig);
    // Frames of this running stream came before there was a canvas to decode them onto.
    this.requestKeyframe(this.pendingConfig.stream);
  }

  /**
   * Asks for no keyframe: a new stream starts with one, the relay asks for one when this viewer joins
   * a running stream, and the decoder asks if a delta comes first. Asking here as well made the
   * presenter send a second keyframe right after the first (about 34 kB for a 720p screen, 4.5
   * kbit/s of a 60 s session's average).
   * @param {any} config
   */
  start(config) {
    this.pendingConfig = config;
    if (!this.decoder) return;
    this.decoder.configure(config);
    this.options.onLive(true);
  }

  stop() {
    this.pendingConfig = null;
    this.decoder?.close();
    if (this.decoder) this.decoder.config = null;
    this.options.onLive(false);
  }

  /** @param {number} stream at most one request per second: the relay rate-limits them too */
  requestKeyframe(stream) {
    const now = Date.now();
    if (now - this.lastKeyRequest < 1000) return;
    this.lastKeyRequest = now;
    this.options.socket.send({ type: 'keyframe-request', stream });
  }

  /** @param {Uint8Array} frame */
  onFrame(frame) {
    try {
      this.decoder?.decode(frame);
    } catch {
      // A malformed frame is dropped; the decoder asks for a keyframe on the next gap.
    }
  }

  /** @param {any} message a server message */
  onMessage(message) {
    // A simulcast rendition is shown in its stream's place (see onSession), never as a stream of its own.
    if (message.type === 'stream-start' && message.config.simulcastOf === undefined) this.start(message.config);
    if (message.type === 'stream-stop' && message.stream === this.pendingConfig?.stream) this.stop();
  }

  /**
   * @param {any} session the session after a welcome or patch
   * @param {boolean} presenting this side presents (its own stream is not watched)
   */
  onSession(session, presenting) {
    const streams = presenting ? [] : session.streams;
    const config = streams.find((/** @type {any} */ s) => s.simulcastOf === undefined);
    this.renditions = config
      ? streams
          .filter((/** @type {any} */ s) => s.simulcastOf === config.stream)
          .map((/** @type {any} */ s) => s.stream)
      : [];
    this.decoder?.setRenditions(this.renditions);
    const current = this.pendingConfig;
    if (config && (!current || JSON.stringify(config) !== JSON.stringify(current))) this.start(config);
    if (!config && current) this.stop();
  }

  close() {
    this.decoder?.close();
  }
}
