// A TCP proxy that lets the server-to-client direction through at a limited byte rate: a viewer on
// a slow link. The proxy stops reading from the server when over budget, so the server's socket
// backs up exactly as it would for a slow client.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

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
    let allowance = 0;
    let last = performance.now();
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      const rate = this.bytesPerSecond;
      if (rate === null) return;
      const now = performance.now();
      allowance = Math.min(rate, allowance + ((now - last) / 1000) * rate) - chunk.length;
      last = now;
      if (allowance < 0) {
        upstream.pause();
        setTimeout(() => upstream.resume(), (-allowance / rate) * 1000);
      }
    });
    const end = () => {
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
