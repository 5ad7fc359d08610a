// A WebSocket's first and last moments: a socket that upgrades and never says hello is closed after
// limits.firstMessageTimeoutMs; a client that reconnects while its old socket is half-open proves
// itself with the resume secret its socket was given and replaces the old one at once (no waiting
// for the heartbeat), while a copy of the ticket without that proof is still refused (409).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { NO_FIRST_MESSAGE } from '../src/routing/attachWebSocketServer.ts';
import { frame, sharingSession, startTestRelay, VP8 } from './helpers/relay.ts';
import { TestClient } from './helpers/wsClient.ts';

/** Opens a socket with the ticket and sends nothing at all. */
async function silent(url: string, ticket: string) {
  const ws = new WebSocket(`${url}?ticket=${encodeURIComponent(ticket)}`);
  const closed = new Promise<number>((ok) => ws.on('close', (code) => ok(code)));
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('unexpected-response', (_q, res) => fail(new Error(`HTTP ${res.statusCode}`)));
  });
  return { ws, closed };
}

function resumeOf(client: TestClient): string {
  const welcome = client.messages.find((m) => m.type === 'welcome');
  assert.ok(welcome?.type === 'welcome');
  return welcome.resume;
}

test('a socket that never sends a first message is closed; one that said hello stays', async (t) => {
  const relay = await startTestRelay({ firstMessageTimeoutMs: 300 });
  t.after(() => relay.close());
  const { sessionId, host, guest } = await sharingSession(relay, { openSessions: true });
  const quiet = await silent(
    relay.wsUrl,
    relay.registry.join(sessionId, { name: 'Quiet', email: 'quiet@example.com' }).ticket,
  );
  assert.equal(await quiet.closed, NO_FIRST_MESSAGE);
  // Host and guest opened before the silent one and said hello: still there.
  for (const client of [host, guest]) {
    client.send({ type: 'ping', t: 1 });
    await client.waitFor('pong');
  }
  host.close();
  guest.close();
});

test('the first-message timeout has a safe default in the configuration', async () => {
  const { testConfig } = await import('./helpers/core.ts');
  const limit = testConfig().limits.firstMessageTimeoutMs;
  assert.ok(limit > 0 && limit <= 30_000, `default ${limit} ms`);
});

test('a reconnect with the resume secret replaces a half-open socket at once; without it, 409', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { host, guest, guestTicket } = await sharingSession(relay);
  const guestId = (guest.messages[0] as { participantId: string }).participantId;
  const secret = resumeOf(guest);
  // The customer's network changed: the old socket is gone for them, but the relay still holds it open
  // (no FIN arrived; the heartbeat would find it only after 30-60 s). The old client says nothing more.
  const halfOpen = guest;

  await assert.rejects(TestClient.connect(relay.wsUrl, guestTicket), /HTTP 409/, 'a copy of the ticket');
  await assert.rejects(
    TestClient.connect(relay.wsUrl, guestTicket, 'x'.repeat(32)),
    /HTTP 409/,
    'a wrong resume secret',
  );

  const back = await TestClient.connect(relay.wsUrl, guestTicket, secret);
  t.after(() => back.close());
  assert.equal((back.messages[0] as { participantId: string }).participantId, guestId, 'the same participant');
  await halfOpen.closed; // the relay dropped the half-open socket
  await host.waitFor('log', (m) => m.entry.actor === 'Casey Customer' && m.entry.text === 'reconnected');
  assert.ok(!host.has('log', (m) => m.type === 'log' && m.entry.text === 'lost the connection'));

  // The new socket is the presenter's now: it shares again and its frames reach the host.
  back.send({ type: 'stream-start', config: VP8 });
  back.sendFrame(frame(1, true));
  await host.waitForFrames(1);

  // Each socket gets a fresh secret: the one just used opens nothing more.
  await assert.rejects(TestClient.connect(relay.wsUrl, guestTicket, secret), /HTTP 409/, 'a used secret');
  assert.notEqual(resumeOf(back), secret);
  host.close();
});
