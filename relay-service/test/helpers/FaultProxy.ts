// A reverse proxy in front of a sandbox CRM that can fail chosen requests (5xx, 401) before they
// reach it. URLs of the target in responses (instance_url, identity URL, links) are rewritten to
// the proxy so every later call goes through it too.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  match: (method: string, path: string) => boolean;
  times: number;
  status: number;
  body: string;
  /** Let the request reach the CRM, then lose its answer (the write happened, the client cannot know). */
  afterUpstream: boolean;
}

export class FaultProxy {
  readonly url: string;
  readonly seen: { method: string; path: string; status: number }[] = [];
  readonly #server: Server;
  readonly #faults: Fault[] = [];

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(target: string): Promise<FaultProxy> {
    const t = new URL(target);
    let self: FaultProxy | null = null;
    const server = createServer((req, res) => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const fault = self!.#faults.find((f) => f.times > 0 && f.match(method, path));
      if (fault && !fault.afterUpstream) {
        fault.times--;
        self!.seen.push({ method, path, status: fault.status });
        req.resume();
        res.writeHead(fault.status, { 'content-type': 'application/json' }).end(fault.body);
        return;
      }
      const upstream = request(
        { host: t.hostname, port: t.port, method, path, headers: { ...req.headers, host: t.host } },
        (up: IncomingMessage) => {
          if (fault) {
            fault.times--;
            self!.seen.push({ method, path, status: fault.status });
            up.resume();
            res.writeHead(fault.status, { 'content-type': 'application/json' }).end(fault.body);
            return;
          }
          self!.seen.push({ method, path, status: up.statusCode ?? 0 });
          const type = String(up.headers['content-type'] ?? '');
          const headers = { ...up.headers };
          if (typeof headers.location === 'string') headers.location = headers.location.replaceAll(target, self!.url);
          if (!/json|html|text/.test(type)) {
            res.writeHead(up.statusCode ?? 502, headers);
            up.pipe(res);
            return;
          }
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            const body = Buffer.from(Buffer.concat(chunks).toString('utf8').replaceAll(target, self!.url));
            delete headers['transfer-encoding'];
            headers['content-length'] = String(body.length);
            res.writeHead(up.statusCode ?? 502, headers).end(body);
          });
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    self = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** Fails the next `times` requests that match with `status` (default 503), before or after the CRM saw them. */
  fail(
    match: Fault['match'],
    times: number,
    { status = 503, body = '[{"errorCode":"SERVER_UNAVAILABLE","message":"try later"}]', afterUpstream = false } = {},
  ): void {
    this.#faults.push({ match, times, status, body, afterUpstream });
  }

  clear(): void {
    this.#faults.length = 0;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((ok) => this.#server.close(() => ok()));
  }
}
