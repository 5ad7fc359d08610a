// Guest presence before sharing starts ("Casey is reading the consent"): agents are told, other
// guests are not, a guest in the lobby tells nobody, and declining goes into the session log.
// Real relay, real sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { HOST, GUEST, RECORD, policy } from './helpers/core.ts';
import { startTestRelay } from './helpers/relay.ts';
import { TestClient } from './helpers/wsClient.ts';

/** A socket for a guest waiting in the lobby (it gets `lobby`, never `welcome`). */
async function openWaiting(url: string, ticket: string) {
  const ws = new WebSocket(`${url}?ticket=${encodeURIComponent(ticket)}`);
  const messages: { type: string; [k: string]: unknown }[] = [];
  const arrived = new EventTarget();
  ws.on('message', (data, binary) => {
    if (binary) return;
    messages.push(JSON.parse(String(data)) as { type: string });
    arrived.dispatchEvent(new Event('message'));
  });
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('unexpected-response', (_q, res) => fail(new Error(`HTTP ${res.statusCode}`)));
  });
  const until = (type: string) =>
    new Promise<{ type: string; [k: string]: unknown }>((ok) => {
      const check = () => {
        const found = messages.find((m) => m.type === type);
        if (!found) return;
        arrived.removeEventListener('message', check);
        ok(found);
      };
      arrived.addEventListener('message', check);
      check();
    });
  return { ws, messages, until, send: (m: object) => ws.send(JSON.stringify(m)) };
}

test('presence reaches the agents only, never from a lobby guest, and declining is logged', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  const casey = relay.registry.join(created.sessionId, GUEST);
  const guest = await TestClient.connect(relay.wsUrl, casey.ticket);

  // A second guest the host let in: a fellow guest, who must not learn where Casey is.
  const patJoin = relay.registry.join(created.sessionId, { name: 'Pat', email: 'pat@example.com' });
  const pat = await openWaiting(relay.wsUrl, patJoin.ticket);
  await pat.until('lobby');
  host.send({ type: 'admit', participantId: patJoin.participant.id });
  await pat.until('welcome');

  guest.send({ type: 'presence', state: 'consent' });
  const seen = await host.waitFor('presence');
  assert.deepEqual(seen, { type: 'presence', participantId: casey.participant.id, name: GUEST.name, state: 'consent' });
  // Fan-out is in order: once Pat has the chat sent after the presence, Pat would have had the presence.
  guest.send({ type: 'chat', text: 'one moment' });
  await pat.until('chat');
  assert.ok(!pat.messages.some((m) => m.type === 'presence'), 'other guests are not told');
  assert.ok(!guest.has('presence'), 'the guest is not echoed');

  // Presence is the guest's own: an agent cannot speak for one, and the message names nobody else.
  host.send({ type: 'presence', state: 'declined' });
  assert.equal((await host.waitFor('error', (e) => e.ref === 'presence')).code, 'not_allowed');
  guest.send({ type: 'presence', state: 'consent', participantId: patJoin.participant.id });
  const strict = await guest.waitFor('error', (e) => e.code === 'bad_message');
  assert.match(strict.message, /^presence: /);

  // A guest still in the lobby tells nobody anything.
  const samJoin = relay.registry.join(created.sessionId, { name: 'Sam', email: 'sam@globex.example' });
  const sam = await openWaiting(relay.wsUrl, samJoin.ticket);
  await sam.until('lobby');
  sam.send({ type: 'presence', state: 'details' });
  assert.equal((await sam.until('error')).code, 'not_allowed');
  guest.send({ type: 'chat', text: 'still here' });
  await host.waitFor('chat', (m) => m.text === 'still here');
  assert.ok(!host.has('presence', (m) => m.type === 'presence' && m.participantId === samJoin.participant.id));

  guest.send({ type: 'presence', state: 'declined' });
  assert.equal((await host.waitFor('presence', (m) => m.state === 'declined')).name, GUEST.name);
  const logged = await host.waitFor('log', (m) => m.entry.text === 'declined to share');
  assert.equal(logged.entry.actor, GUEST.name);
  assert.equal(logged.entry.kind, 'consent');
  assert.ok(!host.has('log', (m) => m.type === 'log' && m.entry.text.includes('reading')), 'only declining is logged');
  host.close();
  guest.close();
  pat.ws.close();
  sam.ws.close();
});
