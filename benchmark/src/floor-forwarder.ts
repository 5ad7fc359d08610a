// The floor: the least a WebSocket forwarder can do, on the same runtime and `ws` as the relay.
// No auth, no routing logic, no queues: a room of sockets, every binary message goes to the others
// (but for viewers' 8-byte acks, read and dropped, so that both targets read the same traffic).
// ws://host:port/?room=<id>
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ACK_BYTES } from '@sightline/relay-service/protocol';

export interface FloorForwarder {
  url: string;
  close(): Promise<void>;
}

export async function startFloorForwarder({ host = '127.0.0.1', port = 0 } = {}): Promise<FloorForwarder> {
  const server = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const rooms = new Map<string, Set<WebSocket>>();
  wss.on('connection', (ws, req) => {
    const room = new URL(req.url ?? '/', 'ws://x').searchParams.get('room') ?? '';
    let members = rooms.get(room);
    if (!members) rooms.set(room, (members = new Set()));
    members.add(ws);
    ws.on('message', (data, isBinary) => {
      if (!isBinary || (data as Buffer).length === ACK_BYTES) return;
      for (const other of members) if (other !== ws) other.send(data, { binary: true });
    });
    ws.on('close', () => {
      members.delete(ws);
      if (members.size === 0) rooms.delete(room);
    });
    ws.on('error', () => ws.terminate());
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, host, ok));
  const url = `ws://${host}:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
