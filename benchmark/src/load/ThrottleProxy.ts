// A TCP proxy that lets the server-to-client direction through at a limited byte rate: a viewer on
// a slow link. The proxy stops reading from the server when its small link buffer is full, so the
// server's socket backs up exactly as it would for a slow client.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** The link carries data in pieces of this size (so a frame arrives over time, not at once). */
const PIECE_BYTES = 4096;
/** What the link itself buffers before the sender's socket backs up. */
const LINK_BUFFER_BYTES = 16 * 1024;
const TIMER_SLACK_MS = 5;

export class ThrottleProxy {
  bytesPerSecond: number | null = null;
  private readonly server: Server;
  private readonly target: { host: string; port: number };
  private readonly sockets = new Set<Socket>();

  private constructor(server: Server, target: { host: string; port: number }) {
    this.server = server;
    this.target = target;
    server.on('connection', (client) => this.pipe(client));
  }

  static async start(target: { host: string; port: number }): Promise<ThrottleProxy> {
    const server = createServer();
    const proxy = new ThrottleProxy(server, target);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    return proxy;
  }

  /** The same URL, pointed at the proxy. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return u.toString();
  }

  private pipe(client: Socket): void {
    const upstream = createConnection(this.target);
    this.sockets.add(client).add(upstream);
    client.pipe(upstream);
    // A link serializes: each piece arrives once the link has carried it at its rate, after what was
    // queued before it. (Passing a chunk at once and pausing afterwards would let a small frame cross a
    // slow link in no time, as no real link does.)
    const pending: Buffer[] = [];
    let queued = 0;
    let linkFreeAt = 0;
    let headDoneAt: number | null = null;
    let timer: NodeJS.Timeout | null = null;
    const drain = () => {
      timer = null;
      const now = performance.now();
      while (pending.length > 0) {
        const rate = this.bytesPerSecond;
        const piece = pending[0]!;
        // A timer that fired late does not slow the link down: it may catch up a few milliseconds.
        headDoneAt ??= rate === null ? now : Math.max(linkFreeAt, now - TIMER_SLACK_MS) + (piece.length / rate) * 1000;
        if (headDoneAt > now) {
          timer = setTimeout(drain, headDoneAt - now);
          return;
        }
        pending.shift();
        queued -= piece.length;
        linkFreeAt = headDoneAt;
        headDoneAt = null;
        client.write(piece);
      }
      if (upstream.isPaused() && queued < LINK_BUFFER_BYTES) upstream.resume();
    };
    upstream.on('data', (chunk: Buffer) => {
      for (let at = 0; at < chunk.length; at += PIECE_BYTES) pending.push(chunk.subarray(at, at + PIECE_BYTES));
      queued += chunk.length;
      // The link's own buffer is small; past it, the sender's socket backs up.
      if (queued >= LINK_BUFFER_BYTES) upstream.pause();
      if (!timer) drain();
    });
    const end = () => {
      if (timer) clearTimeout(timer);
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
