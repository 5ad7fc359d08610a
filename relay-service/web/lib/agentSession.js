// The agent's side: the relay socket, watching the presenter's stream on a canvas or showing the
// agent's own screen, and the console's control messages.
import { pageDecoders } from './codecs.js';
import { RelaySocket } from './relaySocket.js';
import { ScreenShare } from './screenShare.js';
import { ScreenWatch } from './screenWatch.js';

const POINTER_INTERVAL_MS = 33;

/**
 * Events: `message` (server message), `session` (the session now), `state` (socket state), `live` (detail: boolean),
 * `showing` (detail: boolean, the agent's own screen is shown).
 */
export class AgentSession extends EventTarget {
  /**
   * @param {{wsUrl: string, ticket: string}} ticket the `POST /api/sessions/:id/ticket` answer
   * @param {{socket?: RelaySocket, locate?: () => Promise<{wsUrl: string, ticket: string} | null>}} [deps] locate:
   *   the ticket call again, through any node (it names the node holding the session now), before each reconnect
   */
  constructor(ticket, deps = {}) {
    super();
    this.socket =
      deps.socket ??
      new RelaySocket({
        wsUrl: ticket.wsUrl,
        ticket: ticket.ticket,
        decoders: pageDecoders(),
        ...(deps.locate && { locate: deps.locate }),
      });
    this.watch = new ScreenWatch({
      socket: this.socket,
      onLive: (live) => this.dispatchEvent(new CustomEvent('live', { detail: live })),
    });
    this.share = new ScreenShare({
      socket: this.socket,
      onEnded: () => this.stopShowing(),
      onError: () => this.stopShowing(),
    });
    /** @type {string | null} this agent's participant id (from welcome) */
    this.participantId = null;
    /** The relay named this side presenter since its share started (until then, states may still name
     * the former presenter; a reconnect's welcome names nobody, which stops nothing). */
    this.confirmed = false;
    this.lastPointer = 0;
    /** @type {object | null} the newest throttled pointer position, sent when the interval is over */
    this.pendingPointer = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.pointerTimer = undefined;
    this.socket.addEventListener('message', (e) => this.onMessage(/** @type {CustomEvent} */ (e).detail));
    this.socket.addEventListener('session', (e) => this.onSession(/** @type {CustomEvent} */ (e).detail));
    this.socket.addEventListener('state', (e) => {
      const state = /** @type {CustomEvent} */ (e).detail;
      if (state === 'open' && this.share.active) this.share.resume();
      this.dispatchEvent(new CustomEvent('state', { detail: state }));
    });
  }

  connect() {
    this.socket.connect();
  }

  /** @param {HTMLCanvasElement} canvas where the decoded screen is painted */
  attachCanvas(canvas) {
    this.watch.attachCanvas(canvas);
  }

  /** @returns {boolean} the agent's own screen is being shown */
  get showing() {
    return this.share.active;
  }

  /**
   * Shows the agent's own screen to the guests: takes the presenter role (the policy may refuse:
   * the relay answers with an error), then streams.
   * @param {MediaStream} stream from requestScreen()
   */
  showScreen(stream) {
    this.socket.send({ type: 'present-take' });
    this.confirmed = false;
    this.share.start(stream);
    this.dispatchEvent(new CustomEvent('showing', { detail: true }));
  }

  stopShowing() {
    if (this.share.stop(true)) this.dispatchEvent(new CustomEvent('showing', { detail: false }));
  }

  /** @param {string} participantId the guest asked to present (their page asks them) */
  askToPresent(participantId) {
    this.socket.send({ type: 'present-ask', participantId });
  }

  /** @param {string} participantId the guest who asked to present @param {boolean} accept */
  answerPresentRequest(participantId, accept) {
    this.socket.send({ type: 'present-answer', participantId, accept });
  }

  /** @param {any} message */
  onMessage(message) {
    if (message.type === 'welcome') this.participantId = message.participantId;
    if (message.type === 'keyframe-request') this.share.requestKeyframe();
    // The relay refused the presenter role (the policy, or a guest presents): nothing is shown.
    const refused = message.type === 'error' && (message.ref === 'present-take' || message.ref === 'stream-start');
    if (refused && this.share.stop(false)) this.dispatchEvent(new CustomEvent('showing', { detail: false }));
    this.watch.onMessage(message);
    if (message.type === 'ended') {
      this.share.stop(false);
      this.socket.close();
    }
    this.dispatchEvent(new CustomEvent('message', { detail: message }));
  }

  /** @param {any} session the session after a welcome or patch */
  onSession(session) {
    const presenting = session.presenterId !== null && session.presenterId === this.participantId;
    // Someone else presents now (a guest the agent let present): the relay dropped our stream already.
    // (Before the relay confirms our present-take, states still name the former presenter.)
    const other = session.presenterId !== null && !presenting;
    if (presenting) this.confirmed = true;
    if (this.confirmed && other && this.share.stop(false))
      this.dispatchEvent(new CustomEvent('showing', { detail: false }));
    this.share.setRecording(session.recording === 'on');
    this.share.setDecoders(session.decoders);
    this.watch.onSession(session, presenting);
    this.dispatchEvent(new CustomEvent('session', { detail: session }));
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
    this.share.stop(false);
    this.watch.close();
    this.socket.close();
  }
}

/** @param {number} v */
function clamp(v) {
  return Math.min(1, Math.max(0, v));
}
