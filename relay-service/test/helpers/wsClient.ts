// A participant's WebSocket in tests: records every message and frame, waits for the ones expected.
import { WebSocket } from 'ws';
import {
  PROTOCOL_VERSION,
  decodeFrameHeader,
  encodeAck,
  followSession,
  parseServerMessage,
  type CodecFamily,
  type SessionSnapshot,
  type ClientMessage,
  type FrameHeader,
  type ServerMessage,
} from '../../src/protocol/index.ts';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export class TestClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  readonly frames: { header: FrameHeader; bytes: Buffer }[] = [];
  /** The session as this client saw it after each `welcome` and `patch`, oldest first. */
  readonly sessions: SessionSnapshot[] = [];
  /** Bytes of the control messages (text frames) received, as they were on the wire. */
  textBytes = 0;
  private readonly consumed = new Set<ServerMessage | SessionSnapshot>();
  /** States that came whole in a `welcome` (waitForSession waits for changes, as patches bring them). */
  private readonly welcomed = new WeakSet<SessionSnapshot>();
  private waiters: (() => void)[] = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      if (isBinary) {
        const header = decodeFrameHeader(buf);
        this.frames.push({ header, bytes: buf });
        // As every viewer does: the relay sends a viewer more only as it acknowledges what it got.
        if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeAck(header), { binary: true });
      } else {
        this.textBytes += buf.byteLength;
        const parsed = parseServerMessage(buf.toString());
        if (!parsed.ok) throw new Error(`relay sent an invalid message: ${parsed.message}: ${buf}`);
        this.messages.push(parsed.value);
        const before = this.sessions.at(-1) ?? null;
        const after = followSession(before, parsed.value);
        if (after && after !== before) this.sessions.push(after);
        if (parsed.value.type === 'welcome') this.welcomed.add(after!);
      }
      for (const w of this.waiters) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /**
   * Opens the socket, says hello and waits for `welcome` (`resume`: the proof of a reconnect;
   * `decoders`: what the hello says this client decodes, absent as from an older client).
   */
  static async connect(url: string, ticket: string, resume?: string, decoders?: CodecFamily[]): Promise<TestClient> {
    const proof = resume ? `&resume=${encodeURIComponent(resume)}` : '';
    const ws = new WebSocket(`${url}?ticket=${encodeURIComponent(ticket)}${proof}`);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        client.send({ type: 'hello', protocol: PROTOCOL_VERSION, ...(decoders ? { decoders } : {}) });
        resolve();
      });
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    await client.waitFor('welcome');
    return client;
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  sendFrame(frame: Buffer): void {
    this.ws.send(frame, { binary: true });
  }

  /** The first not-yet-consumed message of this type matching `match`, waiting up to `timeoutMs`. */
  waitFor<T extends ServerMessage['type']>(
    type: T,
    match: (m: Of<T>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Of<T>> {
    const find = () =>
      this.messages.find((m): m is Of<T> => m.type === type && !this.consumed.has(m) && match(m as Of<T>));
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = find();
        if (!m) return false;
        this.consumed.add(m);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        clearTimeout(timer);
        resolve(m);
        return true;
      };
      const waiter = () => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for "${type}"; got ${this.messages.map((m) => m.type).join(', ')}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(waiter);
    });
  }

  /** The first not-yet-consumed state a `patch` brought the session to that matches `match`. */
  waitForSession(match: (s: SessionSnapshot) => boolean, timeoutMs = 3000): Promise<SessionSnapshot> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const s = this.sessions.find((x) => !this.welcomed.has(x) && !this.consumed.has(x) && match(x));
        if (!s) return false;
        this.consumed.add(s);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        clearTimeout(timer);
        resolve(s);
        return true;
      };
      const waiter = () => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for a session state; last: ${JSON.stringify(this.sessions.at(-1))}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(waiter);
    });
  }

  /** Waits until `count` frames arrived. */
  async waitForFrames(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${this.frames.length} of ${count} frames`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  has(type: ServerMessage['type'], match: (m: ServerMessage) => boolean = () => true): boolean {
    return this.messages.some((m) => m.type === type && match(m));
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }
}
