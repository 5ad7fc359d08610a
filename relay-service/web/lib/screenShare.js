// Showing one's screen, for whoever presents (the customer on the join page, the agent in the
// console): the browser's picker, then track -> ScreenEncoder -> relay socket, announced with
// stream-start and re-announced after a reconnect.
import { ScreenEncoder } from './screenEncoder.js';

const STREAM = 0;

/** The person refused the browser's share prompt (or the browser refused for them). */
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

export class ScreenShare {
  /**
   * @param {{socket: import('./relaySocket.js').RelaySocket, onEnded: () => void, onError: () => void}} options
   *   onEnded: the browser's own "Stop sharing" ended the track
   */
  constructor(options) {
    this.options = options;
    /** @type {ScreenEncoder | null} */
    this.encoder = null;
    /** @type {MediaStream | null} */
    this.stream = null;
    /** @type {object | null} last announced decoder config, re-sent after a reconnect */
    this.config = null;
    /** The relay records the session: the encoder switches to H.264 for it (recordings play everywhere). */
    this.recorded = false;
    /** @type {readonly import('../../src/protocol/messages.ts').CodecFamily[] | null} what every viewer decodes */
    this.decoders = null;
  }

  /**
   * @param {readonly import('../../src/protocol/messages.ts').CodecFamily[]} decoders the session's
   *   `decoders`: the encoder switches, from a keyframe, when a viewer cannot decode its codec
   */
  setDecoders(decoders) {
    this.decoders = decoders;
    this.encoder?.setDecoders(decoders);
  }

  /** @param {boolean} on the session's recording is on (snapshot `recording: 'on'`) */
  setRecording(on) {
    this.recorded = on;
    this.encoder?.setRecording(on);
  }

  /** @returns {boolean} */
  get active() {
    return !!this.stream;
  }

  /** @param {MediaStream} stream from requestScreen() */
  start(stream) {
    this.stop(false);
    const socket = this.options.socket;
    this.stream = stream;
    const [track] = stream.getVideoTracks();
    track.addEventListener('ended', () => this.options.onEnded());
    if ('contentHint' in track) track.contentHint = 'text';
    this.encoder = new ScreenEncoder({
      stream: STREAM,
      canSend: () => socket.canSend(),
      onConfig: (config) => {
        this.config = config;
        socket.send({ type: 'stream-start', config });
      },
      onChunk: (frame) => socket.sendFrame(frame),
      onError: () => this.options.onError(),
    });
    this.encoder.setRecording(this.recorded);
    if (this.decoders) this.encoder.setDecoders(this.decoders);
    this.encoder.start(track);
  }

  /**
   * @param {boolean} announce tell the relay (false when replacing the stream, after the end, or
   *   when someone else presents now: the relay already dropped the stream)
   * @returns {boolean} whether anything was being shared
   */
  stop(announce) {
    if (!this.stream) return false;
    this.encoder?.stop();
    this.encoder = null;
    for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.config = null;
    if (announce) this.options.socket.send({ type: 'stream-stop', stream: STREAM });
    return true;
  }

  requestKeyframe() {
    this.encoder?.requestKeyframe();
  }

  /** After a reconnect the relay resumes us: re-announce the stream and restart from a keyframe. */
  resume() {
    if (!this.config) return;
    this.options.socket.send({ type: 'stream-start', config: this.config });
    this.encoder?.requestKeyframe();
  }
}
