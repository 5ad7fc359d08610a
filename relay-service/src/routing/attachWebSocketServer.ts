// `WS /ws?ticket=...`: authenticates the upgrade by ticket, hands each socket to its session's Room,
// and wires the registry's events (state changes, log entries, session end) to the rooms.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { SightlineConfig } from '@sightline/config';
import type { RelayMetrics } from '../metrics.ts';
import type { SessionRegistry } from '../sessions/SessionRegistry.ts';
import { Room } from './Room.ts';
import type { GuestPresence } from '../protocol/index.ts';

export const WS_PATH = '/ws';

const ticketSchema = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/);
const resumeSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/** Close code for a socket that sent nothing within limits.firstMessageTimeoutMs. */
export const NO_FIRST_MESSAGE = 4408;

export interface AttachOptions {
  server: Server;
  registry: SessionRegistry;
  config: SightlineConfig;
  logger: Logger;
  metrics: RelayMetrics;
  /** Bytes a viewer's socket may hold unflushed before frames wait in its queue (default 1 MiB). */
  viewerHighWaterBytes?: number;
  /** Ping interval that finds dead sockets (default 30 s). */
  heartbeatMs?: number;
}

export interface AttachedWebSocketServer {
  /** Live rooms (sessions with sockets); empty once every session ended. */
  readonly rooms: ReadonlyMap<string, Room>;
  close(): Promise<void>;
}

export function attachWebSocketServer(options: AttachOptions): AttachedWebSocketServer {
  const { server, registry, config, metrics } = options;
  const logger = options.logger.child({ component: 'routing' });
  const rooms = new Map<string, Room>();
  // Frames up to maxFrameBytes get a clear `frame_too_large` error; far larger messages close the socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxFrameBytes * 2 + 64 * 1024 });
  metrics.observeSessions(() => registry.counts());

  function roomFor(sessionId: string): Room | undefined {
    let room = rooms.get(sessionId);
    if (room) return room;
    const session = registry.session(sessionId);
    if (!session || session.status === 'ended') return undefined;
    room = new Room({
      session,
      registry,
      config,
      logger,
      metrics,
      viewerHighWaterBytes: options.viewerHighWaterBytes ?? 1024 * 1024,
    });
    rooms.set(sessionId, room);
    return room;
  }

  const onChanged = (snapshot: Parameters<Room['onChanged']>[0]) => rooms.get(snapshot.id)?.onChanged(snapshot);
  const onLogged = ({ sessionId, entry }: { sessionId: string; entry: import('../protocol/index.ts').LogEntry }) =>
    rooms.get(sessionId)?.sendToAgents({ type: 'log', entry });
  const onEnding = ({ sessionId, reason }: { sessionId: string; reason: Parameters<Room['close']>[0] }) => {
    rooms.get(sessionId)?.close(reason);
    rooms.delete(sessionId);
  };
  const onRemoved = ({
    sessionId,
    participantId,
    reason,
  }: {
    sessionId: string;
    participantId: string;
    reason: 'denied' | 'removed';
  }) => rooms.get(sessionId)?.removed(participantId, reason);
  // A visitor has no participant id yet: the agents read the name they typed (or "The customer").
  const onPresence = ({ sessionId, name, state }: { sessionId: string; name: string; state: GuestPresence }) =>
    rooms.get(sessionId)?.sendToAgents({ type: 'presence', participantId: '', name, state });
  registry.on('presence', onPresence);
  registry.on('changed', onChanged);
  registry.on('logged', onLogged);
  registry.on('ending', onEnding);
  registry.on('removed', onRemoved);

  function refuse(socket: Duplex, status: number, text: string): void {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    if (url.pathname !== WS_PATH) {
      if (server.listenerCount('upgrade') === 1) refuse(socket, 404, 'Not Found');
      return;
    }
    const ticket = ticketSchema.safeParse(url.searchParams.get('ticket'));
    const holder = ticket.success ? registry.resolveTicket(ticket.data) : null;
    const room = holder ? roomFor(holder.session.id) : undefined;
    if (!holder || !room) {
      // Never log the ticket itself.
      logger.info({ source: req.socket.remoteAddress }, 'WebSocket upgrade refused: unknown or expired ticket');
      refuse(socket, 401, 'Unauthorized');
      return;
    }
    const resume = resumeSchema.safeParse(url.searchParams.get('resume'));
    const replacing = room.holds(holder.participantId);
    if (replacing && !room.mayReplace(holder.participantId, resume.success ? resume.data : null)) {
      // A ticket is bound to one live socket: a copy of it cannot take over. Its own client proves
      // itself with the resume secret its socket was given; anyone else waits for the heartbeat.
      logger.info({ source: req.socket.remoteAddress }, 'WebSocket upgrade refused: ticket already in use');
      refuse(socket, 409, 'Conflict');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      closeIfSilent(ws);
      if (replacing) room.replace(holder.participantId);
      room.attach(holder.participantId, ws);
    });
  }
  server.on('upgrade', onUpgrade);

  /** A client says hello as soon as its socket opens; one that stays silent holds a socket for nothing. */
  function closeIfSilent(ws: WebSocket): void {
    const timer = setTimeout(() => ws.close(NO_FIRST_MESSAGE, 'no first message'), config.limits.firstMessageTimeoutMs);
    timer.unref();
    const stop = () => clearTimeout(timer);
    ws.once('message', stop);
    ws.once('close', stop);
  }

  const alive = new WeakMap<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) ws.terminate();
      else {
        alive.set(ws, false);
        ws.ping();
      }
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    rooms,
    async close() {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      registry.off('changed', onChanged);
      registry.off('logged', onLogged);
      registry.off('ending', onEnding);
      registry.off('removed', onRemoved);
      registry.off('presence', onPresence);
      for (const ws of wss.clients) ws.terminate();
      rooms.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
