// The two sites every browser test runs on, as in production: the CRM's pages on
// http://localhost:<port>, the relay at https://relay.localhost:<port> behind a TLS front with a
// throwaway certificate made for this run. Different sites (and schemes), so a browser treats the
// relay's cookie as third-party on a CRM page, and the relay, seeing an https public URL on a
// non-loopback name, sets its production cookie (`SameSite=None; Secure`). Browsers resolve
// `*.localhost` to loopback by themselves; Node code reaches the relay through `relayFetch`.
import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createProxyServer } from 'http-proxy-3';
import selfsigned from 'selfsigned';
import { Agent, fetch as undiciFetch } from 'undici';

/** Where the CRM pages are served: the sandbox, the stand-in Service Portal. */
export const CRM_HOST = 'localhost';
/** The relay's public name; the front that answers on it listens on loopback. */
export const RELAY_HOST = 'relay.localhost';

export interface RelayCertificate {
  cert: string;
  key: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo, what Chromium's SPKI allow-list takes. */
  spki: string;
}

let certificate: Promise<RelayCertificate> | undefined;

/** One certificate per test process, valid for a day, for relay.localhost only. */
export function relayCertificate(): Promise<RelayCertificate> {
  return (certificate ??= (async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: RELAY_HOST }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 24 * 3600_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: RELAY_HOST }] },
      ],
    });
    const der = new X509Certificate(pems.cert).publicKey.export({ type: 'spki', format: 'der' });
    return { cert: pems.cert, key: pems.private, spki: createHash('sha256').update(der).digest('base64') };
  })());
}

/** The CRM's URL for a port of the sandbox (or a stand-in CRM page server). */
export const crmUrl = (port: number) => `http://${CRM_HOST}:${port}`;

export interface RelayFront {
  /** The relay's public URL: https://relay.localhost:<port>. */
  url: string;
  port: number;
  /** Where the relay listens (plain http on loopback); requests wait for it with a 503 until set. */
  forwardTo(listenUrl: string): void;
  close(): Promise<void>;
}

/** The TLS front: terminates https and wss for relay.localhost and forwards to the relay as is. */
export async function startRelayFront(port = 0): Promise<RelayFront> {
  const { cert, key } = await relayCertificate();
  let target = '';
  const proxy = createProxyServer({ xfwd: true });
  proxy.on('error', (err, _req, res) => {
    if ('writeHead' in res && !res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`relay front: ${err.message}`);
  });
  const server: Server = createServer({ cert, key }, (req, res) => {
    if (target) return proxy.web(req, res, { target });
    res.writeHead(503, { 'content-type': 'text/plain' }).end('relay front: no relay yet');
  });
  server.on('upgrade', (req, socket, head) => {
    if (target) proxy.ws(req, socket, head, { target });
    else socket.destroy();
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', () => ok()));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `https://${RELAY_HOST}:${bound}`,
    port: bound,
    forwardTo: (listenUrl) => void (target = listenUrl),
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
        proxy.close();
      }),
  };
}

let dispatcher: Promise<Agent> | undefined;

/**
 * fetch for Node-side callers (the monitoring probes, a script acting as a client): to the relay's
 * public URL through its front, trusting its certificate and resolving relay.localhost to loopback as
 * browsers do. Other URLs go out as with the global fetch.
 */
export async function relayFetch(url: string, init: RequestInit = {}): Promise<Response> {
  if (new URL(url).hostname !== RELAY_HOST) return fetch(url, init);
  const agent = await (dispatcher ??= relayCertificate().then(
    ({ cert }) =>
      new Agent({
        connect: {
          ca: cert,
          lookup: (_host, options, done) =>
            options.all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4),
        },
      }),
  ));
  return (await undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as Response;
}

/**
 * A relay started in this process behind `front` (start it with relay.publicUrl = front.url, and the
 * sandbox too: its OAuth client accepts the relay's callbacks there); closing it closes the front.
 */
export async function relayBehindFront<R extends { listenUrl: string; close(): Promise<void> }>(
  front: RelayFront,
  start: () => Promise<R>,
): Promise<R> {
  try {
    const relay = await start();
    front.forwardTo(relay.listenUrl);
    return {
      ...relay,
      close: async () => {
        await relay.close();
        await front.close();
      },
    };
  } catch (err) {
    await front.close();
    throw err;
  }
}
