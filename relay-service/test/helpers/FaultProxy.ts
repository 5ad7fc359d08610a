// A reverse proxy in front of a sandbox CRM that can fail chosen requests, before they reach it or
// after (the write happened, the client cannot know): an error status, a truncated JSON body or an
// HTML page with status 200 (as proxies and maintenance pages produce), a connection reset, a late
// answer. URLs of the target in responses (instance_url, identity URL, links) are rewritten to the
// proxy so every later call goes through it too.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'status' | 'truncated' | 'html' | 'reset' | 'delay';

export interface Fault {
  match: (method: string, path: string) => boolean;
  times: number;
  mode: FaultMode;
  status: number;
  body: string;
  /** Let the request reach the CRM, then spoil its answer. */
  afterUpstream: boolean;
  /** `delay`: how late the request goes on (before) or its answer comes back (after). */
  delayMs: number;
  /** How many requests this fault spoiled. */
  hits: number;
}

const HTML = '<!doctype html><html><body><h1>Down for maintenance</h1><p>Back soon.</p></body></html>';

export class FaultProxy {
  readonly url: string;
  readonly seen: { method: string; path: string; status: number; fault?: FaultMode }[] = [];
  readonly #server: Server;
  readonly #faults: Fault[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(target: string): Promise<FaultProxy> {
    let self: FaultProxy | null = null;
    const server = createServer((req, res) => self!.#handle(target, req, res));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    self = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  #later(ms: number, res: ServerResponse, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      // A client that gave up (its timeout) is gone: like a real proxy, do not go on without it.
      if (!res.destroyed && !res.socket?.destroyed) run();
    }, ms);
    this.#timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    });
  }

  /** Answers with the fault instead of (or in place of) the CRM's answer; `upstream` is the CRM's body, if any. */
  #spoil(fault: Fault, req: IncomingMessage, res: ServerResponse, upstream?: { status: number; body: Buffer }): void {
    fault.hits++;
    this.seen.push({ method: req.method ?? 'GET', path: req.url ?? '/', status: fault.status, fault: fault.mode });
    if (fault.mode === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault.mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML);
      return;
    }
    if (fault.mode === 'truncated') {
      const body = upstream?.body.length ? upstream.body : Buffer.from('{"id":"00T000000000001AAA","success":true}');
      res
        .writeHead(upstream?.status ?? 200, { 'content-type': 'application/json;charset=UTF-8' })
        .end(body.subarray(0, Math.max(1, Math.floor(body.length / 2))));
      return;
    }
    res.writeHead(fault.status, { 'content-type': 'application/json' }).end(fault.body);
  }

  #handle(target: string, req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const fault = this.#faults.find((f) => f.times > 0 && f.match(method, path));
    if (fault) fault.times--;
    if (fault && !fault.afterUpstream) {
      if (fault.mode === 'delay') {
        fault.hits++;
        this.#later(fault.delayMs, res, () => this.#forward(target, req, res, null));
        return;
      }
      req.resume();
      this.#spoil(fault, req, res);
      return;
    }
    this.#forward(target, req, res, fault ?? null);
  }

  #forward(target: string, req: IncomingMessage, res: ServerResponse, fault: Fault | null): void {
    const t = new URL(target);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const upstream = request(
      { host: t.hostname, port: t.port, method, path, headers: { ...req.headers, host: t.host } },
      (up: IncomingMessage) => {
        const type = String(up.headers['content-type'] ?? '');
        const headers = { ...up.headers };
        if (typeof headers.location === 'string') headers.location = headers.location.replaceAll(target, this.url);
        if (!fault && !/json|html|text/.test(type)) {
          this.seen.push({ method, path, status: up.statusCode ?? 0 });
          res.writeHead(up.statusCode ?? 502, headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = /json|html|text/.test(type)
            ? Buffer.from(Buffer.concat(chunks).toString('utf8').replaceAll(target, this.url))
            : Buffer.concat(chunks);
          const send = () => {
            delete headers['transfer-encoding'];
            headers['content-length'] = String(body.length);
            res.writeHead(up.statusCode ?? 502, headers).end(body);
          };
          if (!fault) {
            this.seen.push({ method, path, status: up.statusCode ?? 0 });
            send();
          } else if (fault.mode === 'delay') {
            fault.hits++;
            this.seen.push({ method, path, status: up.statusCode ?? 0, fault: 'delay' });
            this.#later(fault.delayMs, res, send);
          } else this.#spoil(fault, req, res, { status: up.statusCode ?? 200, body });
        });
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    req.pipe(upstream);
  }

  /**
   * Spoils the next `times` requests that match (Infinity: until clear()): by default a 503 before the
   * CRM sees them; `mode` truncated / html / reset / delay, before or after the CRM (`afterUpstream`).
   */
  fail(
    match: Fault['match'],
    times: number,
    {
      status = 503,
      body = '[{"errorCode":"SERVER_UNAVAILABLE","message":"try later"}]',
      afterUpstream = false,
      mode = 'status' as FaultMode,
      delayMs = 10_000,
    } = {},
  ): Fault {
    const fault: Fault = { match, times, status, body, afterUpstream, mode, delayMs, hits: 0 };
    this.#faults.push(fault);
    return fault;
  }

  clear(): void {
    this.#faults.length = 0;
  }

  close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#server.closeAllConnections();
    return new Promise((ok) => this.#server.close(() => ok()));
  }
}
