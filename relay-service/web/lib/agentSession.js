// The agent's side: the relay socket, decoding the presenter's stream onto a canvas, and the
// console's control messages.
import { RelaySocket } from './relaySocket.js';
import { ScreenDecoder } from './screenDecoder.js';

const POINTER_INTERVAL_MS = 33;

/**
 * Events: `message` (server message), `session` (the session now), `state` (socket state), `live` (detail: boolean).
 */
export class AgentSession extends EventTarget {
  /**
   * @param {{wsUrl: string, ticket: string}} ticket the `POST /api/sessions/:id/ticket` answer
   * @param {{socket?: RelaySocket}} [deps]
   */
  constructor(ticket, deps = {}) {
    super();
    this.socket = deps.socket ?? new RelaySocket({ wsUrl: ticket.wsUrl, ticket: ticket.ticket });
    /** @type {ScreenDecoder | null} */
    this.decoder = null;
    /** @type {object | null} */
    this.pendingConfig = null;
    /** @type {number[]} simulcast renditions of the shown stream */
    this.renditions = [];
    this.lastKeyRequest = 0;
    this.lastPointer = 0;
    /** @type {object | null} the newest throttled pointer position, sent when the interval is over */
    this.pendingPointer = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.pointerTimer = undefined;
    this.socket.addEventListener('message', (e) => this.onMessage(/** @type {CustomEvent} */ (e).detail));
    this.socket.addEventListener('session', (e) => this.onSession(/** @type {CustomEvent} */ (e).detail));
    this.socket.addEventListener('frame', (e) => this.onFrame(/** @type {CustomEvent} */ (e).detail));
    this.socket.addEventListener('state', (e) => {
      const state = /** @type {CustomEvent} */ (e).detail;
      if (state === 'open' && this.decoder?.config) this.requestKeyframe(this.decoder.config.stream);
      this.dispatchEvent(new CustomEvent('state', { detail: state }));
    });
  }

  connect() {
    this.socket.connect();
  }

  /** @param {HTMLCanvasElement} canvas where the decoded screen is painted */
  attachCanvas(canvas) {
    if (this.decoder && this.decoder.options.canvas === canvas) return;
    this.decoder?.close();
    this.decoder = new ScreenDecoder({ canvas, onKeyframeNeeded: (stream) => this.requestKeyframe(stream) });
    this.decoder.setRenditions(this.renditions);
    if (this.pendingConfig) this.startStream(this.pendingConfig);
  }

  /** @param {any} config */
  startStream(config) {
    this.pendingConfig = config;
    if (!this.decoder) return;
    this.decoder.configure(config);
    this.requestKeyframe(config.stream);
    this.dispatchEvent(new CustomEvent('live', { detail: true }));
  }

  /** @param {number} stream at most one request per second: the relay rate-limits them too */
  requestKeyframe(stream) {
    const now = Date.now();
    if (now - this.lastKeyRequest < 1000) return;
    this.lastKeyRequest = now;
    this.socket.send({ type: 'keyframe-request', stream });
  }

  /** @param {Uint8Array} frame */
  onFrame(frame) {
    try {
      this.decoder?.decode(frame);
    } catch {
      // A malformed frame is dropped; the decoder asks for a keyframe on the next gap.
    }
  }

  /** @param {any} message */
  onMessage(message) {
    // A simulcast rendition is shown in its stream's place (see onSession), never as a stream of its own.
    if (message.type === 'stream-start' && message.config.simulcastOf === undefined) this.startStream(message.config);
    if (message.type === 'stream-stop' && message.stream === this.pendingConfig?.stream) this.stopStream();
    if (message.type === 'ended') this.socket.close();
    this.dispatchEvent(new CustomEvent('message', { detail: message }));
  }

  /** @param {any} session the session after a welcome or patch */
  onSession(session) {
    const config = session.streams.find((/** @type {any} */ s) => s.simulcastOf === undefined);
    this.renditions = config
      ? session.streams
          .filter((/** @type {any} */ s) => s.simulcastOf === config.stream)
          .map((/** @type {any} */ s) => s.stream)
      : [];
    this.decoder?.setRenditions(this.renditions);
    const current = this.pendingConfig;
    if (config && (!current || JSON.stringify(config) !== JSON.stringify(current))) this.startStream(config);
    if (!config && current) this.stopStream();
    this.dispatchEvent(new CustomEvent('session', { detail: session }));
  }

  stopStream() {
    this.pendingConfig = null;
    this.decoder?.close();
    if (this.decoder) this.decoder.config = null;
    this.dispatchEvent(new CustomEvent('live', { detail: false }));
  }

  /**
   * @param {number} x fraction of the width
   * @param {number} y fraction of the height
   * @param {boolean} visible
   */
  pointer(x, y, visible) {
    const message = { type: 'pointer', x: clamp(x), y: clamp(y), visible };
    const wait = POINTER_INTERVAL_MS - (Date.now() - this.lastPointer);
    if (visible && wait > 0) {
      // Throttled, but the latest position always goes out: where the agent stops is where it shows.
      const scheduled = this.pendingPointer !== null;
      this.pendingPointer = message;
      // eslint-disable-next-line @lwc/lwc/no-async-operation -- the trailing edge of the throttle
      if (!scheduled) this.pointerTimer = setTimeout(() => this.flushPointer(), wait);
      return;
    }
    clearTimeout(this.pointerTimer);
    this.pendingPointer = null;
    this.sendPointer(message);
  }

  flushPointer() {
    const message = this.pendingPointer;
    this.pendingPointer = null;
    if (message) this.sendPointer(message);
  }

  /** @param {{type: 'pointer', x: number, y: number, visible: boolean}} message */
  sendPointer(message) {
    this.lastPointer = Date.now();
    this.socket.send(message);
  }

  /** @param {object} message any client message */
  send(message) {
    return this.socket.send(message);
  }

  close() {
    clearTimeout(this.pointerTimer);
    this.pendingPointer = null;
    this.decoder?.close();
    this.socket.close();
  }
}

/** @param {number} v */
function clamp(v) {
  return Math.min(1, Math.max(0, v));
}
