// Codec negotiation over real sockets: each viewer's hello says what its browser decodes, and the
// presenter's state carries what every connected viewer decodes, so it never encodes a codec one of
// them cannot show (a Safari guest without AV1 decode, an older console that says nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { CodecFamily } from '../src/protocol/index.ts';
import { GUEST, HOST, OTHER_AGENT, RECORD, policy } from './helpers/core.ts';
import { startTestRelay, VP8 } from './helpers/relay.ts';
import { TestClient } from './helpers/wsClient.ts';

const ALL: CodecFamily[] = ['av1', 'vp9', 'vp8', 'h264'];
const NO_AV1: CodecFamily[] = ['vp9', 'vp8', 'h264'];

const same = (want: CodecFamily[]) => (s: { decoders: CodecFamily[] }) =>
  JSON.stringify(s.decoders) === JSON.stringify(want);

test('the presenter learns what every viewer decodes; a late viewer without AV1 takes it away, and it comes back when they leave', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  const host = await TestClient.connect(
    relay.wsUrl,
    relay.registry.agentTicket(created.sessionId, HOST).ticket,
    undefined,
    ALL,
  );
  const join = relay.registry.join(created.sessionId, GUEST);
  // The presenter's own decoders never count (it does not watch itself).
  const guest = await TestClient.connect(relay.wsUrl, join.ticket, undefined, ['vp8']);
  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'stream-start', config: VP8 });
  await host.waitFor('stream-start');
  const presenting = await guest.waitForSession((s) => s.presenterId === join.participant.id);
  assert.deepEqual(presenting.decoders, ALL, 'the only viewer decodes AV1: the presenter may encode it');

  // A supervisor on a browser without AV1 decode starts watching: the presenter is told at once.
  const supervisor = await TestClient.connect(
    relay.wsUrl,
    relay.registry.supervisorTicket(created.sessionId, OTHER_AGENT).ticket,
    undefined,
    NO_AV1,
  );
  await guest.waitForSession(same(NO_AV1));
  // The supervisor counts from their hello on, not before with a guess: one switch, no flapping.
  const seen = guest.sessions.slice(guest.sessions.indexOf(presenting)).map((s) => s.decoders.join());
  const changes = seen.filter((d, i) => i === 0 || d !== seen[i - 1]);
  assert.deepEqual(changes, [ALL.join(), NO_AV1.join()], 'AV1 went away once, and did not come and go');

  supervisor.send({ type: 'leave' });
  await guest.waitForSession(same(ALL));
  for (const c of [host, guest]) c.close();
});

test('a viewer whose hello says nothing (an older client) counts as VP9, VP8, H.264, never AV1', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  const join = relay.registry.join(created.sessionId, GUEST);
  const guest = await TestClient.connect(relay.wsUrl, join.ticket, undefined, ALL);
  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'stream-start', config: VP8 });
  await host.waitFor('stream-start');
  const presenting = await guest.waitForSession((s) => s.presenterId === join.participant.id);
  assert.deepEqual(presenting.decoders, NO_AV1);
  host.close();
  guest.close();
});

test('a hello naming an unknown codec is refused with a precise error', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  host.send({ type: 'hello', protocol: 1, decoders: ['hevc'] });
  assert.match((await host.waitFor('error')).message, /^hello: decoders\.0: /);
  host.close();
});

test('a guest who said hello in the lobby counts once admitted, not before', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy({ hostsMayShowScreens: true }) });
  const host = await TestClient.connect(
    relay.wsUrl,
    relay.registry.agentTicket(created.sessionId, HOST).ticket,
    undefined,
    ALL,
  );
  const guest = await TestClient.connect(
    relay.wsUrl,
    relay.registry.join(created.sessionId, GUEST).ticket,
    undefined,
    ALL,
  );
  host.send({ type: 'present-take' });
  host.send({ type: 'stream-start', config: VP8 });
  await guest.waitFor('stream-start');
  // The key admitted the customer: the next one with it waits in the lobby, and says hello there.
  const late = relay.registry.join(created.sessionId, { name: 'Sam', email: 'sam@globex.example' });
  assert.equal(late.waiting, true);
  const waiting = new WebSocket(`${relay.wsUrl}?ticket=${encodeURIComponent(late.ticket)}`);
  t.after(() => waiting.close());
  const welcomed = new Promise((ok) =>
    waiting.on('message', (data, binary) => !binary && JSON.parse(String(data)).type === 'welcome' && ok(true)),
  );
  await new Promise((ok) => waiting.once('open', ok));
  waiting.send(JSON.stringify({ type: 'hello', protocol: 1, decoders: NO_AV1 }));
  const asked = await host.waitForSession((s) => s.lobby.length === 1);
  assert.deepEqual(asked.decoders, ALL, 'someone in the lobby watches nothing: they do not narrow the choice');

  host.send({ type: 'admit', participantId: late.participant.id });
  const admitted = await host.waitForSession((s) => s.participants.some((p) => p.id === late.participant.id));
  // The admitted guest's socket says no second hello: what it said in the lobby counts now.
  assert.deepEqual(admitted.decoders, NO_AV1);
  assert.equal(await welcomed, true, 'the admitted guest got its welcome on the socket it waited on');
  for (const c of [host, guest]) c.close();
});
