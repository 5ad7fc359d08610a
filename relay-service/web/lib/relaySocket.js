// One participant's WebSocket to the relay. Reconnects by itself with backoff using the same
// ticket (the relay resumes the participant), first asking any node where the session is now (after
// a node failure another node holds it), validates every control message against the
// shared protocol, and keeps the connection honest with pings.
import { decodeFrameHeader, encodeAck } from '../../src/protocol/frame.ts';
import { PROTOCOL_VERSION, parseServerMessage } from '../../src/protocol/messages.ts';
import { followSession } from '../../src/protocol/sessionPatch.ts';

/** Close codes after which reconnecting cannot help (bad ticket, session gone, policy). */
const FATAL_CLOSE_CODES = new Set([1008, 4000, 4001, 4003, 4004, 4401, 4403, 4404, 4410]);
const PING_EVERY_MS = 10_000;
const SILENCE_LIMIT_MS = 25_000;
/** Bytes waiting in the socket beyond which the presenter skips frames. */
export const CONGESTED_BYTES = 1_000_000;

/** This page's open sockets, so a browser test can simulate a network outage. */
const live = new Set();
/**
 * @param {number} [outageMs] how long the "network" stays down before reconnecting may succeed
 * @returns {number} how many sockets were dropped (they reconnect by themselves)
 */
globalThis.__sightlineDropConnections = (outageMs = 0) => {
  for (const socket of live) socket.drop(outageMs);
  return live.size;
};

/**
 * @typedef {'connecting' | 'open' | 'reconnecting' | 'closed' | 'failed'} SocketState
 */

/**
 * Events: `message` (detail: a validated server message), `session` (detail: the session as it is
 * now, after each `welcome` and `patch`), `frame` (detail: Uint8Array), `state` (detail: SocketState),
 * `protocol-error` (detail: string).
 */
export class RelaySocket extends EventTarget {
  /**
   * @param {object} options
   * @param {string} options.wsUrl from the join / ticket response
   * @param {string} options.ticket
   * @param {typeof WebSocket} [options.WebSocketImpl]
   * @param {number} [options.maxDelayMs] backoff ceiling
   * @param {number} [options.giveUpAfterMs] stop trying after this long without a connection
   * @param {Promise<import('../../src/protocol/messages.ts').CodecFamily[]>} [options.decoders] what this
   *   page decodes, said in each hello (the presenter encodes only what every viewer decodes)
   * @param {() => Promise<{wsUrl: string, ticket?: string} | null>} [options.locate] asks any relay node where
   *   the session is now (its node may have died and another taken it over): called before each reconnect
   */
  constructor({
    wsUrl,
    ticket,
    WebSocketImpl = globalThis.WebSocket,
    maxDelayMs = 5000,
    giveUpAfterMs = 120_000,
    decoders,
    locate = undefined,
  }) {
    super();
    /** @type {import('../../src/protocol/messages.ts').CodecFamily[] | null} */
    this.decoderList = null;
    /** @type {Promise<unknown> | null} resolves once `decoderList` is known */
    this.decodersKnown = decoders ? decoders.then((list) => (this.decoderList = list)) : null;
    this.ticket = ticket;
    this.url = socketUrl(wsUrl, ticket);
    this.locate = locate;
    /** @type {import('../../src/protocol/messages.ts').SessionSnapshot | null} */
    this.session = null;
    /** The proof of a reconnect that the relay gave this socket: it replaces a half-open old one at once. */
    this.resume = '';
    this.WebSocketImpl = WebSocketImpl;
    this.maxDelayMs = maxDelayMs;
    this.giveUpAfterMs = giveUpAfterMs;
    /** @type {SocketState} */
    this.state = 'connecting';
    /** @type {WebSocket | null} */
    this.ws = null;
    this.attempt = 0;
    this.lastHeard = 0;
    this.disconnectedSince = 0;
    this.timer = 0;
    this.pinger = 0;
    this.outageUntil = 0;
  }

  connect() {
    live.add(this);
    const url = new URL(this.url);
    if (this.resume) url.searchParams.set('resume', this.resume);
    const ws = new this.WebSocketImpl(url.toString());
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      // The decoder probe normally finished long before the socket opened; hello goes first either way.
      if (this.decodersKnown && !this.decoderList)
        this.decodersKnown.then(() => this.ws === ws && ws.readyState === ws.OPEN && this.opened(ws));
      else this.opened(ws);
    };
    ws.onmessage = (event) => {
      this.lastHeard = Date.now();
      if (typeof event.data === 'string') {
        const parsed = parseServerMessage(event.data);
        if (!parsed.ok) {
          this.dispatchEvent(new CustomEvent('protocol-error', { detail: parsed.message }));
          return;
        }
        const message = parsed.value;
        if (message.type === 'ended') this.closing = true;
        if (message.type === 'welcome' || message.type === 'lobby') this.resume = message.resume;
        this.dispatchEvent(new CustomEvent('message', { detail: message }));
        const session = followSession(this.session, message);
        if (session && session !== this.session) {
          this.session = session;
          this.dispatchEvent(new CustomEvent('session', { detail: session }));
        }
      } else {
        const frame = new Uint8Array(event.data);
        this.acknowledge(frame);
        this.dispatchEvent(new CustomEvent('frame', { detail: frame }));
      }
    };
    ws.onclose = (event) => this.onClose(event.code);
    ws.onerror = () => {
      // A close event always follows; reconnecting is decided there.
    };
  }

  /** @param {WebSocket} ws */
  opened(ws) {
    // The relay closes a socket that says nothing for a while.
    const decoders = this.decoderList ? { decoders: this.decoderList } : {};
    ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, ...decoders }));
    this.attempt = 0;
    this.disconnectedSince = 0;
    this.lastHeard = Date.now();
    this.setState('open');
    this.startPinging();
  }

  /** @param {number} code */
  onClose(code) {
    this.stopPinging();
    this.ws = null;
    if (this.closing || this.state === 'closed') {
      live.delete(this);
      this.setState('closed');
      return;
    }
    if (FATAL_CLOSE_CODES.has(code)) {
      this.setState('failed');
      return;
    }
    if (!this.disconnectedSince) this.disconnectedSince = Date.now();
    if (Date.now() - this.disconnectedSince > this.giveUpAfterMs) {
      this.setState('failed');
      return;
    }
    this.setState('reconnecting');
    const backoff = Math.min(this.maxDelayMs, 250 * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
    const delay = Math.max(backoff, this.outageUntil - Date.now());
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- reconnect backoff (not a component)
    this.timer = setTimeout(() => {
      this.relocateAndConnect(); // never rejects: a failed look-up falls back to the last known node
    }, delay);
  }

  /** Reconnects where the session is now; if no node can say (yet), tries the same node again. */
  async relocateAndConnect() {
    if (this.locate) {
      try {
        const where = await this.locate();
        if (where) this.url = socketUrl(where.wsUrl, where.ticket ?? this.ticket);
        if (where?.ticket) this.ticket = where.ticket;
      } catch {
        // No node answered: the backoff goes on, and the next attempt asks again.
      }
    }
    if (this.state !== 'closed') this.connect();
  }

  /**
   * Sends one control message (validated by the relay).
   * @param {object} message
   * @returns {boolean} false when not connected (the message is dropped)
   */
  send(message) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /**
   * @param {Uint8Array} frame
   * @returns {boolean}
   */
  sendFrame(frame) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(frame);
    return true;
  }

  /**
   * Tells the relay this frame arrived: it sends a viewer more only as the viewer acknowledges what it
   * received, so a slow link gets fewer frames rather than older ones.
   * @param {Uint8Array} frame
   */
  acknowledge(frame) {
    let header;
    try {
      header = decodeFrameHeader(frame);
    } catch {
      return; // not a frame: nothing to acknowledge (the decoder drops it)
    }
    this.sendFrame(encodeAck({ stream: header.stream, sequence: header.sequence }));
  }

  /** @returns {boolean} true when frames can be sent without piling up */
  canSend() {
    return !!this.ws && this.ws.readyState === 1 && this.ws.bufferedAmount < CONGESTED_BYTES;
  }

  /**
   * Drops the connection as a network failure would (the socket reconnects by itself).
   * @param {number} [outageMs] no reconnect attempt before this many milliseconds
   */
  drop(outageMs = 0) {
    this.outageUntil = Date.now() + outageMs;
    this.ws?.close(4999, 'dropped');
  }

  close() {
    live.delete(this);
    this.closing = true;
    clearTimeout(this.timer);
    this.stopPinging();
    this.setState('closed');
    this.ws?.close(1000, 'bye');
  }

  startPinging() {
    this.stopPinging();
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- keep-alive ping (not a component)
    this.pinger = setInterval(() => {
      if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
        this.ws?.close(4998, 'silent');
        return;
      }
      this.send({ type: 'ping', t: Date.now() });
    }, PING_EVERY_MS);
  }

  stopPinging() {
    clearInterval(this.pinger);
  }

  /** @param {SocketState} state */
  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}

/**
 * @param {string} wsUrl absolute or relative (http(s) URLs become ws(s))
 * @param {string} ticket
 */
export function socketUrl(wsUrl, ticket) {
  const url = new URL(wsUrl, globalThis.location ? globalThis.location.href : 'http://localhost/');
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (!url.searchParams.has('ticket')) url.searchParams.set('ticket', ticket);
  return url.toString();
}
