// The customer's side of a joined session: the relay socket, the consent messages and the
// screen-share pipeline (getDisplayMedia -> ScreenEncoder -> socket).
import { RelaySocket } from './relaySocket.js';
import { ScreenEncoder } from './screenEncoder.js';

const STREAM = 0;

/** The customer refused the browser's share prompt (or the browser refused for them). */
export class ShareRefusedError extends Error {
  name = 'ShareRefusedError';
}

/**
 * Asks the browser for a screen, window or tab. Call straight from a click (user activation).
 * @returns {Promise<MediaStream>}
 */
export async function requestScreen() {
  try {
    return await navigator.mediaDevices.getDisplayMedia({
      video: { frameRate: { ideal: 30, max: 30 } },
      audio: false,
      // Offer a whole screen first: support usually needs more than this tab.
      monitorTypeSurfaces: 'include',
      selfBrowserSurface: 'exclude',
      surfaceSwitching: 'include',
    });
  } catch (error) {
    const name = /** @type {Error} */ (error).name;
    if (name === 'NotAllowedError' || name === 'AbortError') throw new ShareRefusedError('share refused');
    throw error;
  }
}

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
   * @param {{socket?: RelaySocket}} [deps]
   */
  constructor(join, deps = {}) {
    super();
    this.socket = deps.socket ?? new RelaySocket({ wsUrl: join.wsUrl, ticket: join.ticket });
    /** @type {ScreenEncoder | null} */
    this.encoder = null;
    /** @type {MediaStream | null} */
    this.stream = null;
    /** @type {object | null} last announced decoder config, re-sent after a reconnect */
    this.streamConfig = null;
    this.wasOpen = false;
    this.socket.addEventListener('message', (e) => this.onMessage(/** @type {CustomEvent} */ (e).detail));
    this.socket.addEventListener('state', (e) => this.onState(/** @type {CustomEvent} */ (e).detail));
    this.socket.addEventListener('session', (e) =>
      this.dispatchEvent(new CustomEvent('session', { detail: /** @type {CustomEvent} */ (e).detail })),
    );
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
    this.stopSharing(false);
    this.stream = stream;
    const [track] = stream.getVideoTracks();
    // The browser's own "Stop sharing" button ends the track.
    track.addEventListener('ended', () => this.stopSharing());
    if ('contentHint' in track) track.contentHint = 'text';
    this.encoder = new ScreenEncoder({
      stream: STREAM,
      canSend: () => this.socket.canSend(),
      onConfig: (config) => {
        this.streamConfig = config;
        this.socket.send({ type: 'stream-start', config });
      },
      onChunk: (frame) => this.socket.sendFrame(frame),
      onError: () =>
        this.dispatchEvent(new CustomEvent('error', { detail: 'The screen encoder stopped. Try Resume sharing.' })),
    });
    this.encoder.start(track);
    this.dispatchEvent(new CustomEvent('sharing', { detail: true }));
  }

  /** @param {boolean} [announce] tell the relay (false when replacing the stream) */
  stopSharing(announce = true) {
    if (!this.stream) return;
    this.encoder?.stop();
    this.encoder = null;
    for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.streamConfig = null;
    if (announce) {
      this.socket.send({ type: 'stream-stop', stream: STREAM });
      this.dispatchEvent(new CustomEvent('sharing', { detail: false }));
    }
  }

  /** @returns {boolean} */
  get sharing() {
    return !!this.stream;
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
    this.socket.close();
  }

  /** @param {any} message */
  onMessage(message) {
    if (message.type === 'keyframe-request') this.encoder?.requestKeyframe();
    if (message.type === 'ended') this.stopSharing(false);
    this.dispatchEvent(new CustomEvent('message', { detail: message }));
  }

  /** @param {string} state */
  onState(state) {
    if (state === 'open') {
      // After a reconnect the relay resumes us; re-announce the stream and restart from a keyframe.
      if (this.wasOpen && this.streamConfig) {
        this.socket.send({ type: 'stream-start', config: this.streamConfig });
        this.encoder?.requestKeyframe();
      }
      this.wasOpen = true;
    }
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}
