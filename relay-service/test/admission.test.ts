// Who gets in: the key admits its first guest, everyone after waits in the lobby and sees nothing
// until the host admits them; the host can turn people away or remove them and their tickets die at
// once; a ticket holds one socket. Real relay, real sockets; an intruder who has the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOST, GUEST, OTHER_AGENT, RECORD, policy } from './helpers/core.ts';
import { frame, sharingSession, startTestRelay } from './helpers/relay.ts';
import { TestClient } from './helpers/wsClient.ts';
import { WebSocket } from 'ws';

const INTRUDER = { name: 'Sam', email: 'sam@globex.example' };

/** Opens a socket without waiting for `welcome` (a guest in the lobby gets `lobby` instead). */
async function open(url: string, ticket: string): Promise<TestClient> {
  const client = await TestClient.connect(url, ticket).catch((e: Error) => e);
  if (client instanceof TestClient) return client;
  throw client;
}

async function openWaiting(url: string, ticket: string) {
  const ws = new WebSocket(`${url}?ticket=${encodeURIComponent(ticket)}`);
  const messages: { type: string; [k: string]: unknown }[] = [];
  let frames = 0;
  ws.on('message', (data, binary) => {
    if (binary) frames++;
    else messages.push(JSON.parse(String(data)) as { type: string });
  });
  const closed = new Promise<number>((ok) => ws.on('close', (code) => ok(code)));
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('unexpected-response', (_q, res) => fail(new Error(`HTTP ${res.statusCode}`)));
  });
  const until = async (type: string, ms = 3000) => {
    const end = Date.now() + ms;
    while (!messages.some((m) => m.type === type)) {
      if (Date.now() > end) throw new Error(`no ${type}; got ${messages.map((m) => m.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return messages.find((m) => m.type === type)!;
  };
  return { ws, messages, frames: () => frames, closed, until, send: (m: object) => ws.send(JSON.stringify(m)) };
}

test('an intruder with the key waits in the lobby and sees nothing until the host admits them', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { sessionId, host, guest } = await sharingSession(relay);
  // The key already admitted the customer: the next one with it waits.
  const joined = relay.registry.join(sessionId, INTRUDER);
  assert.equal(joined.waiting, true);
  const intruder = await openWaiting(relay.wsUrl, joined.ticket);
  const lobby = await intruder.until('lobby');
  assert.equal(lobby.hostName, HOST.displayName);

  // The host is asked: "Sam (sam@globex.example) asks to join".
  const asked = await host.waitForSession((s) => s.lobby.length === 1);
  assert.deepEqual(
    asked.lobby.map((p) => [p.displayName, p.contact.email]),
    [['Sam', 'sam@globex.example']],
  );
  assert.ok(!asked.participants.some((p) => p.displayName === 'Sam'), 'not a participant yet');
  await host.waitFor('log', (m) => m.entry.text === 'asks to join (sam@globex.example)');

  // While waiting: no frames, no state, no chat; its messages are refused.
  for (let i = 0; i < 20; i++) guest.sendFrame(frame(i, i === 0));
  guest.send({ type: 'chat', text: 'my password is hunter2' });
  await host.waitForFrames(20);
  await host.waitFor('chat');
  intruder.send({ type: 'chat', text: 'hello' });
  intruder.send({ type: 'keyframe-request', stream: 0 });
  intruder.ws.send(frame(99, true), { binary: true });
  intruder.send({ type: 'ping', t: 7 });
  await intruder.until('pong');
  assert.equal(intruder.frames(), 0, 'no frame reaches the lobby');
  assert.deepEqual(
    [...new Set(intruder.messages.map((m) => m.type))].sort(),
    ['error', 'lobby', 'pong'],
    'nothing of the session reaches the lobby',
  );
  assert.ok(intruder.messages.filter((m) => m.type === 'error').every((m) => m.code === 'not_allowed'));
  assert.ok(!guest.has('chat', (m) => m.type === 'chat' && m.text === 'hello'));

  // Only the host admits.
  guest.send({ type: 'admit', participantId: joined.participant.id });
  assert.equal((await guest.waitFor('error', (e) => e.ref === 'admit')).code, 'not_allowed');
  host.send({ type: 'admit', participantId: joined.participant.id });
  const welcome = await intruder.until('welcome');
  assert.equal((welcome.session as { id: string }).id, '', 'guests are not told the session id');
  await host.waitForSession((s) => s.lobby.length === 0 && s.participants.length === 3);
  host.close();
  guest.close();
  intruder.ws.close();
});

test('the host turns a waiting guest away and removes a participant: sockets close, tickets die', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { sessionId, host, guest, guestTicket } = await sharingSession(relay);
  const waiting = relay.registry.join(sessionId, INTRUDER);
  const intruder = await openWaiting(relay.wsUrl, waiting.ticket);
  await intruder.until('lobby');
  host.send({ type: 'deny', participantId: waiting.participant.id });
  assert.equal((await intruder.until('removed')).reason, 'denied');
  assert.equal(await intruder.closed, 4403);
  await assert.rejects(TestClient.connect(relay.wsUrl, waiting.ticket), /HTTP 401/, 'the ticket died');
  await host.waitFor('log', (m) => m.entry.text === 'did not let Sam (sam@globex.example) in');

  // A guest the host admitted and then removes.
  const second = relay.registry.join(sessionId, { name: 'Pat', email: 'pat@example.com' });
  const pat = await openWaiting(relay.wsUrl, second.ticket);
  await pat.until('lobby');
  host.send({ type: 'admit', participantId: second.participant.id });
  await pat.until('welcome');
  host.send({ type: 'remove', participantId: second.participant.id });
  assert.equal((await pat.until('removed')).reason, 'removed');
  assert.equal(await pat.closed, 4403);
  await assert.rejects(TestClient.connect(relay.wsUrl, second.ticket), /HTTP 401/);
  // The customer stays; the removed one is no attendee-in-waiting and nobody else was touched.
  assert.equal(relay.registry.get(sessionId)?.snapshot.status, 'in_progress');
  assert.ok(relay.registry.resolveTicket(guestTicket));
  await relay.registry.end(sessionId, 'host_ended');
  const report = relay.reports.at(-1)!;
  assert.deepEqual(report.attendees.map((a) => a.displayName).sort(), [GUEST.name, HOST.displayName, 'Pat'].sort());
  assert.ok(!report.attendees.some((a) => a.displayName === 'Sam'), 'a guest turned away is no attendee (no Lead)');
  host.close();
  guest.close();
});

test('open sessions admit guests with the key up to maxGuests; the lobby is capped', async (t) => {
  const relay = await startTestRelay({ maxLobbyPerSession: 1 });
  t.after(() => relay.close());
  const created = relay.registry.create({
    host: HOST,
    record: RECORD,
    policy: policy({ openSessions: true, maxGuests: 2 }),
  });
  assert.equal(relay.registry.join(created.sessionId, GUEST).waiting, false);
  assert.equal(relay.registry.join(created.sessionId, { name: 'B', email: 'b@example.com' }).waiting, false);
  assert.equal(relay.registry.join(created.sessionId, { name: 'C', email: 'c@example.com' }).waiting, true);
  assert.throws(() => relay.registry.join(created.sessionId, { name: 'D', email: 'd@example.com' }), /waiting/);
});

test('a ticket holds one live socket: a second presentation is refused while the first is open', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { host, guest, guestTicket } = await sharingSession(relay);
  await assert.rejects(open(relay.wsUrl, guestTicket), /HTTP 409/);
  // The presenter stayed the presenter, and its frames still flow.
  guest.sendFrame(frame(1, true));
  await host.waitForFrames(1);
  guest.close();
  await guest.closed;
  const again = await TestClient.connect(relay.wsUrl, guestTicket);
  assert.equal(again.messages[0]?.type, 'welcome', 'once the first socket is gone, the owner reconnects');
  again.close();
  host.close();
});

test('only the host invites agents; an agent not invited gets nothing by the session id', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { sessionId, host, guest } = await sharingSession(relay);
  assert.equal(relay.registry.mayJoinAsAgent(sessionId, OTHER_AGENT), false);
  guest.send({ type: 'invite-agent', email: 'sam@globex.example' });
  assert.equal((await guest.waitFor('error', (e) => e.ref === 'invite-agent')).code, 'not_allowed');
  const invited = { ...OTHER_AGENT, email: 'Morgan.Manager@sightline.demo' };
  assert.equal(relay.registry.mayJoinAsAgent(sessionId, invited), false);
  const sent = new Promise<string>((ok) => relay.registry.once('invite-agent', (e) => ok(e.invitation)));
  host.send({ type: 'invite-agent', email: 'morgan.manager@sightline.demo' });
  const invitation = await sent;
  await host.waitFor('log', (m) => m.entry.kind === 'invite');
  assert.equal(relay.registry.mayJoinAsAgent(sessionId, invited), false, 'the invited email alone opens nothing');
  assert.equal(relay.registry.mayJoinAsAgent(sessionId, invited, invitation), true, 'email and token');
  assert.equal(relay.registry.mayJoinAsAgent(sessionId, { ...invited, crm: 'servicenow' }, invitation), false);
  assert.equal(
    relay.registry.mayJoinAsAgent(sessionId, { ...invited, email: 'other@sightline.demo' }, invitation),
    false,
    'bound to the invited person',
  );
  assert.throws(() => relay.registry.agentTicket(sessionId, { ...OTHER_AGENT, userId: '005000000000009AAA' }));
  relay.registry.agentTicket(sessionId, invited, invitation);
  const later = { ...invited, userId: '005000000000009AAA' }; // another CRM user with the same email
  assert.equal(relay.registry.mayJoinAsAgent(sessionId, later, invitation), false, 'the token was spent');
  host.close();
  guest.close();
});
