// Caps from the configuration, over real sockets: a reader that stops reading is cut off instead of
// buffered (relay-side send buffer measured), chat stops at the log's size, one agent cannot start
// sessions without bound, one address cannot hold the relay's connections, silent connections close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { HOST, OTHER_AGENT, RECORD, policy } from './helpers/core.ts';
import { sharingSession, startTestRelay } from './helpers/relay.ts';
import { DEMO, startStack } from './helpers/stack.ts';
import { AgentSessionLimitError } from '../src/sessions/errors.ts';

test('a stalled reader is cut off once its send buffer passes the cap; memory stays bounded', async (t) => {
  const cap = 256 * 1024;
  const relay = await startTestRelay({
    maxSocketBufferBytes: cap,
    maxMessagesPerSecond: 100_000,
    maxBytesPerSecondPerParticipant: 1024 * 1024 * 1024,
  });
  t.after(() => relay.close());
  const { sessionId, host, guest } = await sharingSession(relay);
  const hostId = host.messages.find((m) => m.type === 'welcome')!;
  assert.equal(hostId.type, 'welcome');
  // The host's browser stops reading (a frozen tab): the kernel buffers fill, then the relay's.
  (host.ws as unknown as { _socket: Socket })._socket.pause();
  const room = relay.routing.rooms.get(sessionId)!;
  const serverSide = room.connections.get(hostId.participantId)!;
  let maxBuffered = 0;
  const text = 'x'.repeat(1900);
  const deadline = Date.now() + 20_000;
  // The customer chats on; every message is fanned out to the stalled host too.
  while (room.connections.get(hostId.participantId) === serverSide && Date.now() < deadline) {
    for (let i = 0; i < 200; i++) guest.send({ type: 'chat', text });
    await new Promise((r) => setTimeout(r, 5));
    maxBuffered = Math.max(maxBuffered, serverSide.ws.bufferedAmount);
  }
  assert.notEqual(room.connections.get(hostId.participantId), serverSide, 'the stalled reader was cut off');
  assert.ok(maxBuffered <= cap + 4096, `relay-side send buffer stayed within the cap (max ${maxBuffered} bytes)`);
  // Not an intruder: a lost connection, within the reconnect grace.
  assert.equal(relay.registry.get(sessionId)?.snapshot.participants.find((p) => p.role === 'host')?.connected, false);
  t.diagnostic(`stalled reader cut off at ${maxBuffered} buffered bytes (cap ${cap})`);
  guest.close();
});

test("chat and notes stop at the session log's cap", async (t) => {
  const relay = await startTestRelay({ maxLogEntriesPerSession: 30 });
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  for (let i = 0; i < 40; i++) guest.send({ type: 'chat', text: `message ${i}` });
  const full = await guest.waitFor('error', (e) => e.ref === 'chat');
  assert.match(full.message, /log is full \(30 entries\)/);
  host.send({ type: 'note', text: 'a note' });
  assert.match((await host.waitFor('error', (e) => e.ref === 'note')).message, /log is full/);
  host.close();
  guest.close();
});

test('one agent: live sessions and creations per minute are capped (429 with Retry-After)', async (t) => {
  const relay = await startTestRelay({ maxLiveSessionsPerAgent: 2 });
  t.after(() => relay.close());
  relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  assert.throws(() => relay.registry.create({ host: HOST, record: RECORD, policy: policy() }), AgentSessionLimitError);
  relay.registry.create({ host: OTHER_AGENT, record: RECORD, policy: policy() });

  const stack = await startStack(t, { limits: { sessionCreationsPerAgentPerMinute: 3 } });
  const jar = await stack.signInAgent();
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 5; i++) {
    const res = await stack.api('/api/sessions', {
      method: 'POST',
      jar,
      body: { crm: 'salesforce', recordId: DEMO.salesforce.cases.printer },
    });
    statuses.push(res.status);
    if (res.status === 429) retryAfter = res.headers.get('retry-after');
  }
  assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
  assert.ok(Number(retryAfter) > 0 && Number(retryAfter) <= 60);
});

test('connections per address are capped and silent ones close after the idle timeout', async (t) => {
  const stack = await startStack(t, { limits: { maxConnectionsPerAddress: 10, idleTimeoutMs: 1000 } });
  const { hostname, port } = new URL(stack.relay.listenUrl);
  const open = (from: string) =>
    new Promise<{ socket: Socket; closed: Promise<number> }>((ok, fail) => {
      const started = Date.now();
      const socket = connect({ host: hostname, port: Number(port), localAddress: from }, () =>
        ok({ socket, closed: new Promise((c) => socket.once('close', () => c(Date.now() - started))) }),
      );
      socket.once('error', fail);
    });
  const sockets = await Promise.all(Array.from({ length: 30 }, () => open('127.0.0.60')));
  // The relay drops the 20 over the cap as it accepts them (waiting for that, not for a fixed time:
  // under load the accepts come late); the 10 within it stay until the idle timeout.
  let dropped = 0;
  await new Promise<void>((ok) => {
    for (const s of sockets) void s.closed.then(() => ++dropped === 20 && ok());
  });
  const alive = sockets.filter((s) => !s.socket.destroyed && s.socket.readyState === 'open').length;
  assert.equal(alive, 10, `10 of 30 connections from one address stay (${alive})`);
  // Another address is not affected.
  const other = await fetch(`${stack.relay.listenUrl}/healthz`);
  assert.equal(other.status, 200);
  // The silent ones are closed by the relay (they never close themselves: a relay that kept them would
  // hang this test), and not before the idle timeout. No upper bound in wall-clock time: on a loaded
  // machine the timer fires late (7.4 s was seen at load 22), which says nothing about the relay.
  const kept = sockets.filter((s) => !s.socket.destroyed);
  const lifetimes = await Promise.all(kept.map((s) => s.closed));
  const shortest = Math.min(...lifetimes);
  assert.ok(shortest >= 900, `silent connections closed after ${shortest} ms, before the 1000 ms idle timeout`);
  for (const s of sockets) s.socket.destroy();
});
