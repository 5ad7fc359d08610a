// A real media plane for tests: http server on 127.0.0.1:0, session registry, WebSocket routing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { ConfigInput } from '@sightline/config';
import type { Logger } from 'pino';
import type { Policy } from '@sightline/config';
import { createMetrics, type RelayMetrics } from '../../src/metrics.ts';
import { encodeFrame, type ServerMessage, type StreamConfig } from '../../src/protocol/index.ts';
import { attachWebSocketServer, type AttachedWebSocketServer } from '../../src/routing/attachWebSocketServer.ts';
import { SessionRegistry } from '../../src/sessions/SessionRegistry.ts';
import type { SessionReport } from '../../src/sessions/types.ts';
import { FakeClock, GUEST, HOST, OTHER_AGENT, RECORD, logger, policy, testConfig } from './core.ts';
import { TestClient } from './wsClient.ts';

export interface TestRelay {
  server: Server;
  wsUrl: string;
  registry: SessionRegistry;
  metrics: RelayMetrics;
  routing: AttachedWebSocketServer;
  clock: FakeClock;
  reports: SessionReport[];
  close(): Promise<void>;
}

export async function startTestRelay(
  limits: NonNullable<ConfigInput['limits']> = {},
  extra: { viewerHighWaterBytes?: number; logger?: Logger } = {},
): Promise<TestRelay> {
  const config = testConfig(limits);
  const clock = new FakeClock();
  const log = extra.logger ?? logger;
  const registry = new SessionRegistry({ config, logger: log, clock });
  const metrics = createMetrics({ defaultMetrics: false });
  const server = createServer((_req, res) => res.end());
  const routing = attachWebSocketServer({ server, registry, config, metrics, ...extra, logger: log });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const reports: SessionReport[] = [];
  registry.on('ended', (r) => reports.push(r));
  return {
    server,
    wsUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
    registry,
    metrics,
    routing,
    clock,
    reports,
    async close() {
      await routing.close();
      registry.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A second agent's ticket, as the host's invitation gives it (the one-time token spent on it). */
export function invitedAgentTicket(
  relay: TestRelay,
  sessionId: string,
  agent = { ...OTHER_AGENT, email: 'morgan.manager@sightline.demo' },
): string {
  const invitation = relay.registry.session(sessionId)!.admission.invite(agent.email);
  return relay.registry.agentTicket(sessionId, agent, invitation).ticket;
}

export const VP8: StreamConfig = { stream: 0, codec: 'vp8', codedWidth: 320, codedHeight: 240, surface: 'monitor' };

export interface SharingSession {
  sessionId: string;
  host: TestClient;
  guest: TestClient;
  guestTicket: string;
}

/** Host and guest connected, guest consented and started sharing stream 0 (the usual support session). */
export async function sharingSession(
  relay: TestRelay,
  policyOverrides: Partial<Policy> = {},
  consent: { recording?: boolean } = {},
  config: StreamConfig = VP8,
): Promise<SharingSession> {
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy(policyOverrides) });
  const hostTicket = relay.registry.agentTicket(created.sessionId, HOST).ticket;
  const guestJoin = relay.registry.join(created.sessionId, GUEST);
  const host = await TestClient.connect(relay.wsUrl, hostTicket);
  const guest = await TestClient.connect(relay.wsUrl, guestJoin.ticket);
  guest.send({ type: 'consent', view: true, ...consent });
  guest.send({ type: 'stream-start', config });
  await host.waitFor('stream-start');
  return { sessionId: created.sessionId, host, guest, guestTicket: guestJoin.ticket };
}

export function frame(sequence: number, keyframe: boolean, size = 64, stream = 0): Buffer {
  const payload = new Uint8Array(size);
  payload.fill(sequence & 0xff);
  return Buffer.from(encodeFrame({ stream, sequence, captureTimeMs: Date.now(), keyframe }, payload));
}

/** The VP8 fixture: real chunks from Chromium's VideoEncoder (see fixtures/make-fixtures.ts). */
export function vp8Chunks(): { keyframe: boolean; timestampUs: number; data: Uint8Array }[] {
  return fixtureChunks('vp8');
}

/** The H.264 fixture and its decoder config (codec string, base64 avcC description). */
export function avcFixture() {
  const meta = JSON.parse(readFileSync(new URL('../fixtures/avc-320x240.json', import.meta.url), 'utf8')) as {
    codec: string;
    description: string;
  };
  const config: StreamConfig = { ...VP8, codec: meta.codec, description: meta.description };
  return { config, chunks: fixtureChunks('avc') };
}

function fixtureChunks(name: string): { keyframe: boolean; timestampUs: number; data: Uint8Array }[] {
  const buf = readFileSync(new URL(`../fixtures/${name}-320x240.bin`, import.meta.url));
  const out = [];
  for (let at = 0; at < buf.length;) {
    const keyframe = buf.readUInt8(at) === 1;
    const timestampUs = buf.readDoubleBE(at + 1);
    const length = buf.readUInt32BE(at + 9);
    out.push({ keyframe, timestampUs, data: new Uint8Array(buf.subarray(at + 13, at + 13 + length)) });
    at += 13 + length;
  }
  return out;
}

export type { ServerMessage };
