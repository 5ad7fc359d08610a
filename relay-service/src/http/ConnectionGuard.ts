// TCP connections per source address (limits.maxConnectionsPerAddress) and how long an idle one may
// stay (limits.idleTimeoutMs): thousands of silent connections from one machine must not hold the
// relay's sockets and memory. Counted on the peer address: a proxy in front is one address, so set the
// cap with the proxy in mind (or enforce it at the proxy).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export function guardConnections(server: Server, limits: { maxConnectionsPerAddress: number; idleTimeoutMs: number }) {
  const open = new Map<string, number>();
  /** Sockets with a request in the handlers' hands (HTTP/1.1 answers one at a time per socket). */
  const answering = new WeakSet<Socket>();
  server.on('request', (req, res) => {
    const socket = req.socket;
    answering.add(socket);
    res.once('close', () => answering.delete(socket));
  });
  // Silent for idleTimeoutMs (no request, no byte): closed. A request being answered is not silence
  // on the client's part (a 20 s sign-in long poll, a page waiting for its build, a slow CRM call):
  // its time is bounded by the handler, and the timer re-arms with the answer's bytes. This listener
  // replaces Node's default (destroy on any timeout). ws clears the timer on upgrade; its heartbeat
  // watches WebSockets.
  server.setTimeout(limits.idleTimeoutMs, (socket: Socket) => {
    if (!answering.has(socket)) socket.destroy();
  });
  // Headers must arrive in time; idle keep-alives close.
  server.headersTimeout = limits.idleTimeoutMs;
  server.requestTimeout = Math.max(limits.idleTimeoutMs, 30_000);
  server.keepAliveTimeout = Math.min(limits.idleTimeoutMs, 5_000);
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
