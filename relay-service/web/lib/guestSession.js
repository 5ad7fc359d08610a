// The customer's side of a joined session: the relay socket, the consent messages and the
// screen-share pipeline (getDisplayMedia -> ScreenEncoder -> socket).
import { pageDecoders } from './codecs.js';
import { RelaySocket } from './relaySocket.js';
import { ScreenShare, ShareRefusedError } from './screenShare.js';
import { ScreenWatch } from './screenWatch.js';

// Re-exported, and imported above: requestCamera throws it too (a bare re-export binds no local name).
export { ShareRefusedError };
export { requestScreen } from './screenShare.js';

/**
 * A phone's camera (the back one when there is a choice): the same encoder and relay path as a screen.
 * @returns {Promise<MediaStream>}
 */
export async function requestCamera() {
  try {
    return await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' }, frameRate: { ideal: 30, max: 30 } },
      audio: false,
    });
  } catch (error) {
    const name = /** @type {Error} */ (error).name;
    if (name === 'NotAllowedError' || name === 'AbortError') throw new ShareRefusedError('camera refused');
    throw error;
  }
}

/**
 * Events: `message` (server message), `session` (the session now), `state` (socket state), `sharing` (detail: boolean),
 * `error` (detail: plain-words string).
 */
export class GuestSession extends EventTarget {
  /**
   * @param {{wsUrl: string, ticket: string}} join the `POST /api/join` answer
   * @param {{socket?: RelaySocket, locate?: () => Promise<{wsUrl: string} | null>}} [deps] locate: where the
   *   session is now (the join lookup with the key or link, through any node), asked before each reconnect
   */
  constructor(join, deps = {}) {
    super();
    this.socket =
      deps.socket ??
      new RelaySocket({
        wsUrl: join.wsUrl,
        ticket: join.ticket,
        decoders: pageDecoders(),
        ...(deps.locate && { locate: deps.locate }),
      });
    this.share = new ScreenShare({
      socket: this.socket,
      // The browser's own "Stop sharing" button ends the track.
      onEnded: () => this.stopSharing(),
      onError: () =>
        this.dispatchEvent(new CustomEvent('error', { detail: 'The screen encoder stopped. Try Resume sharing.' })),
    });
    this.watch = new ScreenWatch({
      socket: this.socket,
      onLive: (live) => this.dispatchEvent(new CustomEvent('live', { detail: live })),
    });
    /** @type {string | null} */
    this.participantId = null;
    /** The relay named this side presenter since its share started (until then, states may still name
     * the former presenter; a reconnect's welcome names nobody, which stops nothing). */
    this.confirmed = false;
    this.wasOpen = false;
    this.socket.addEventListener('message', (e) => this.onMessage(/** @type {CustomEvent} */ (e).detail));
    this.socket.addEventListener('state', (e) => this.onState(/** @type {CustomEvent} */ (e).detail));
    this.socket.addEventListener('session', (e) => this.onSession(/** @type {CustomEvent} */ (e).detail));
  }

  /**
   * @param {{resuming?: boolean}} [options] resuming: a saved ticket is tried once; the first drop
   *   (the relay refuses a ticket whose participant left or whose session ended) rejects at once
   *   instead of retrying.
   * @returns {Promise<void>} resolves once the relay welcomed us
   */
  connect({ resuming = false } = {}) {
    const socket = this.socket;
    return new Promise((resolve, reject) => {
      function done() {
        socket.removeEventListener('message', onMessage);
        socket.removeEventListener('state', onState);
      }
      function onMessage(/** @type {any} */ e) {
        if (e.detail.type !== 'welcome') return;
        done();
        resolve();
      }
      function onState(/** @type {any} */ e) {
        const lost = e.detail === 'failed' || e.detail === 'closed';
        if (!lost && !(resuming && e.detail === 'reconnecting')) return;
        done();
        if (!lost) socket.close();
        reject(new Error('The connection to the session could not be opened.'));
      }
      socket.addEventListener('message', onMessage);
      socket.addEventListener('state', onState);
      socket.connect();
    });
  }

  /**
   * @param {boolean} view may the agent see the screen
   * @param {boolean} [recording] the answer to the recording prompt, when asked
   */
  consent(view, recording) {
    this.socket.send(recording === undefined ? { type: 'consent', view } : { type: 'consent', view, recording });
  }

  /** @param {boolean} allow the answer to the recording question asked after joining */
  recordingConsent(allow) {
    this.socket.send({ type: 'recording-consent', allow });
  }

  /**
   * Tells the agents which step of the join page the customer is on (never other guests).
   * @param {'details' | 'consent' | 'choosing_screen' | 'declined'} state
   */
  presence(state) {
    this.socket.send({ type: 'presence', state });
  }

  /** The customer dismissed the browser's share prompt: the relay ends the session politely. */
  shareRefused() {
    this.socket.send({ type: 'share-refused' });
  }

  /** @param {MediaStream} stream from requestScreen() */
  startSharing(stream) {
    this.confirmed = false;
    this.share.start(stream);
    this.dispatchEvent(new CustomEvent('sharing', { detail: true }));
  }

  /** @param {boolean} [announce] tell the relay (false when replacing the stream) */
  stopSharing(announce = true) {
    if (this.share.stop(announce) && announce) this.dispatchEvent(new CustomEvent('sharing', { detail: false }));
  }

  /** @returns {boolean} */
  get sharing() {
    return this.share.active;
  }

  /** @param {HTMLCanvasElement} canvas where an agent's shown screen is painted */
  attachCanvas(canvas) {
    this.watch.attachCanvas(canvas);
  }

  /** Asks the agents to let this guest present. */
  requestToPresent() {
    this.socket.send({ type: 'present-request' });
  }

  /**
   * The answer to an agent's "please show your screen" (call after the picker, with its stream, so
   * nothing is captured before the customer said yes).
   * @param {boolean} accept
   */
  answerAsk(accept) {
    if (this.participantId) this.socket.send({ type: 'present-answer', participantId: this.participantId, accept });
  }

  /** @param {string} text */
  chat(text) {
    return this.socket.send({ type: 'chat', text });
  }

  /** @param {string} participantId */
  grantControl(participantId) {
    this.socket.send({ type: 'control-grant', participantId });
  }

  revokeControl() {
    this.socket.send({ type: 'control-revoke' });
  }

  leave() {
    this.stopSharing();
    this.socket.send({ type: 'leave' });
    this.socket.close();
  }

  /** Ends local resources after the relay ended the session. */
  dispose() {
    this.stopSharing(false);
    this.watch.close();
    this.socket.close();
  }

  /** @param {any} message */
  onMessage(message) {
    if (message.type === 'welcome') this.participantId = message.participantId;
    if (message.type === 'keyframe-request') this.share.requestKeyframe();
    // The relay refused the stream (someone else presents, or the policy): nothing goes out.
    if (message.type === 'error' && message.ref === 'stream-start' && this.share.stop(false))
      this.dispatchEvent(new CustomEvent('sharing', { detail: false }));
    this.watch.onMessage(message);
    if (message.type === 'ended') this.stopSharing(false);
    this.dispatchEvent(new CustomEvent('message', { detail: message }));
  }

  /** @param {any} session the session after a welcome or patch */
  onSession(session) {
    const presenting = session.presenterId !== null && session.presenterId === this.participantId;
    // An agent took the presenter role (or let someone else present): the relay dropped our stream.
    const other = session.presenterId !== null && !presenting;
    if (presenting) this.confirmed = true;
    if (this.confirmed && other && this.share.stop(false))
      this.dispatchEvent(new CustomEvent('sharing', { detail: false }));
    this.share.setRecording(session.recording === 'on');
    this.share.setDecoders(session.decoders);
    this.watch.onSession(session, presenting || this.share.active);
    this.dispatchEvent(new CustomEvent('session', { detail: session }));
  }

  /** @param {string} state */
  onState(state) {
    if (state === 'open') {
      // After a reconnect the relay resumes us; re-announce the stream and restart from a keyframe.
      if (this.wasOpen) this.share.resume();
      this.wasOpen = true;
    }
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}
