// Runs a widget's client controller outside a portal: `api.controller` evaluated in a vm context,
// invoked with `this` = c (c.data, c.options, c.server) and its dependencies injected by parameter
// name, as AngularJS does. $http, $interval, $window and spUtil are stubs the test drives.
import vm from 'node:vm';

export interface HttpConfig {
  method: string;
  url: string;
  data?: unknown;
  withCredentials?: boolean;
  headers?: Record<string, string>;
}
export interface HttpReply {
  status: number;
  data?: unknown;
}
export type HttpHandler = (config: HttpConfig) => HttpReply | Promise<HttpReply>;

/** $interval whose time the test advances. */
export class FakeInterval {
  #next = 1;
  #now = 0;
  readonly #timers = new Map<number, { fn: () => void; every: number; due: number }>();

  readonly service = Object.assign(
    (fn: () => void, every: number) => {
      const id = this.#next++;
      this.#timers.set(id, { fn, every, due: this.#now + every });
      return id;
    },
    { cancel: (id: number) => this.#timers.delete(id) },
  );

  get active(): number {
    return this.#timers.size;
  }

  /** Moves time on by `ms`, firing due callbacks in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
      if (!due) break;
      const [, timer] = due;
      this.#now = timer.due;
      timer.due += timer.every;
      timer.fn();
    }
    this.#now = end;
  }
}

export interface ClientRun {
  c: Record<string, unknown> & { data: Record<string, unknown> };
  http: HttpConfig[];
  opened: { url: string; name: string; window: { closed: boolean; close(): void } }[];
  messages: { kind: 'info' | 'error'; text: string }[];
  serverCalls: unknown[];
  interval: FakeInterval;
  /** The instance origin's localStorage as the widget left it. */
  storage: Map<string, string>;
  destroy(): void;
}

export interface ClientOptions {
  script: string;
  data: Record<string, unknown>;
  options?: Record<string, unknown>;
  http: HttpHandler;
  /** What c.server.get(input) resolves to ({data}); defaults to echoing c.data. */
  server?: (input: unknown) => Promise<{ data: Record<string, unknown> }>;
  /** window.open answers null (a pop-up blocker) when false. */
  popupsAllowed?: boolean;
  /** Starts with this relay refresh token in the instance's localStorage (a relay sign-in). */
  storedRefreshToken?: string;
}

function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const m = /^[^(]*\(([^)]*)\)/.exec(fn.toString());
  return (m?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function runClientController(o: ClientOptions): ClientRun {
  const http: HttpConfig[] = [];
  const opened: ClientRun['opened'] = [];
  const messages: ClientRun['messages'] = [];
  const serverCalls: unknown[] = [];
  const interval = new FakeInterval();
  const destroyers: (() => void)[] = [];

  // Angular's $http resolves 2xx and rejects everything else with the response object.
  const $http = (config: HttpConfig) => {
    http.push(structuredClone(config));
    return Promise.resolve(o.http(config)).then((reply) => {
      const response = { status: reply.status, data: reply.data ?? null, config };
      if (reply.status >= 200 && reply.status < 300) return response;
      throw response;
    });
  };
  const stored = new Map<string, string>();
  if (o.storedRefreshToken)
    stored.set(`sightline.relay:${String(o.data.relayUrl)}`, JSON.stringify({ refreshToken: o.storedRefreshToken }));
  const $window = {
    localStorage: {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, String(v)),
      removeItem: (k: string) => void stored.delete(k),
    },
    open: (url: string, name: string) => {
      if (o.popupsAllowed === false) return null;
      const w = {
        closed: false,
        close() {
          w.closed = true;
        },
      };
      opened.push({ url, name, window: w });
      return w;
    },
  };
  const spUtil = {
    addInfoMessage: (text: string) => messages.push({ kind: 'info', text }),
    addErrorMessage: (text: string) => messages.push({ kind: 'error', text }),
  };
  const $scope = { $on: (event: string, fn: () => void) => event === '$destroy' && destroyers.push(fn) };
  // $q as the widget uses it: when/reject, on native promises like the $http stub.
  const $q = { when: (v: unknown) => Promise.resolve(v), reject: (e: unknown) => Promise.reject(e) };
  const locals: Record<string, unknown> = { $scope, $http, $q, $interval: interval.service, $window, spUtil };

  const c = {
    data: structuredClone(o.data),
    options: structuredClone(o.options ?? {}),
    server: {
      get: (input: unknown) => {
        serverCalls.push(structuredClone(input));
        return o.server ? o.server(input) : Promise.resolve({ data: c.data });
      },
    },
  } as ClientRun['c'];

  const context = vm.createContext({ api: {} as { controller?: (...args: unknown[]) => void } });
  vm.runInContext(o.script, context, { filename: 'client_script.js' });
  const controller = (context.api as { controller?: (...args: unknown[]) => void }).controller;
  if (typeof controller !== 'function') throw new Error('the client script does not define api.controller');
  const args = parameterNames(controller).map((name) => {
    if (!(name in locals)) throw new Error(`the controller asks for ${name}, which the harness does not provide`);
    return locals[name];
  });
  controller.apply(c, args);

  return {
    c,
    http,
    opened,
    messages,
    serverCalls,
    interval,
    storage: stored,
    destroy: () => destroyers.forEach((d) => d()),
  };
}

/** Lets pending promise callbacks run (several rounds: chained thens). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}
