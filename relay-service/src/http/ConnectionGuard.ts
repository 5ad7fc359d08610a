// TCP connections per source address (limits.maxConnectionsPerAddress) and how long an idle one may
// stay (limits.idleTimeoutMs): thousands of silent connections from one machine must not hold the
// relay's sockets and memory. Counted on the peer address: a proxy in front is one address, so set the
// cap with the proxy in mind (or enforce it at the proxy).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export function guardConnections(server: Server, limits: { maxConnectionsPerAddress: number; idleTimeoutMs: number }) {
  const open = new Map<string, number>();
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
    // Silent for idleTimeoutMs (no request, no byte): closed. ws clears this on upgrade; its heartbeat
    // watches WebSockets.
    socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
