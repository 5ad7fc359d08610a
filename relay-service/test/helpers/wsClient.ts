// A participant's WebSocket in tests: records every message and frame, waits for the ones expected.
import { WebSocket } from 'ws';
import {
  decodeFrameHeader,
  encodeAck,
  parseServerMessage,
  type ClientMessage,
  type FrameHeader,
  type ServerMessage,
} from '../../src/protocol/index.ts';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export class TestClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  readonly frames: { header: FrameHeader; bytes: Buffer }[] = [];
  private readonly consumed = new Set<ServerMessage>();
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
        const parsed = parseServerMessage(buf.toString());
        if (!parsed.ok) throw new Error(`relay sent an invalid message: ${parsed.message}: ${buf}`);
        this.messages.push(parsed.value);
      }
      for (const w of this.waiters) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens the socket and waits for `welcome`. */
  static async connect(url: string, ticket: string): Promise<TestClient> {
    const ws = new WebSocket(`${url}?ticket=${encodeURIComponent(ticket)}`);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
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
