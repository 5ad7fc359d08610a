// The media plane over real sockets: ws clients against a real http server on an ephemeral port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { pino } from 'pino';
import { HOST, GUEST, RECORD, policy } from './helpers/core.ts';
import { frame, invitedAgentTicket, sharingSession, startTestRelay, VP8 } from './helpers/relay.ts';
import { TestClient } from './helpers/wsClient.ts';

test('join: welcome with role and snapshot, others see the newcomer; unknown tickets get 401', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  const welcome = host.messages[0]!;
  assert.equal(welcome.type, 'welcome');
  assert.equal(welcome.type === 'welcome' && welcome.role, 'host');
  assert.equal(welcome.type === 'welcome' && welcome.session.status, 'waiting');

  const join = relay.registry.join(created.sessionId, GUEST);
  const guest = await TestClient.connect(relay.wsUrl, join.ticket);
  const state = await host.waitForSession((s) => s.status === 'in_progress');
  assert.deepEqual(
    state.participants.map((p) => [p.role, p.displayName, p.connected]),
    [
      ['host', HOST.displayName, true],
      ['guest', GUEST.name, true],
    ],
  );
  const guestWelcome = guest.messages[0]!;
  assert.equal(guestWelcome.type === 'welcome' && guestWelcome.role, 'guest');
  // The host's agents see the join in the running log; guests never get log entries.
  await host.waitFor('log', (m) => m.entry.kind === 'connection' || m.entry.text.includes('in progress'));
  assert.ok(!guest.has('log'));

  await assert.rejects(TestClient.connect(relay.wsUrl, 'A'.repeat(43)), /HTTP 401/);
  await assert.rejects(TestClient.connect(relay.wsUrl, 'not a ticket!'), /HTTP 401/);
  host.close();
  guest.close();
});

test('consent gating: no sharing before consent, then frames reach the viewer byte for byte', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  const guest = await TestClient.connect(relay.wsUrl, relay.registry.join(created.sessionId, GUEST).ticket);

  guest.sendFrame(frame(0, true));
  assert.equal((await guest.waitFor('error')).code, 'not_presenter');
  guest.send({ type: 'stream-start', config: VP8 });
  const refused = await guest.waitFor('error');
  assert.equal(refused.code, 'no_consent');
  assert.equal(refused.ref, 'stream-start');
  assert.ok(!host.has('stream-start'));
  // Consent is the guest's alone.
  host.send({ type: 'consent', view: true });
  assert.equal((await host.waitFor('error')).code, 'not_allowed');

  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'stream-start', config: VP8 });
  assert.deepEqual((await host.waitFor('stream-start')).config, VP8);
  const sent = [frame(1, true, 500), frame(2, false, 300), frame(3, false, 200)];
  for (const f of sent) guest.sendFrame(f);
  await host.waitForFrames(3);
  assert.deepEqual(
    host.frames.map((f) => f.bytes),
    sent,
  );
  assert.equal(guest.frames.length, 0, 'the presenter does not get its own frames');
  host.close();
  guest.close();
});

test('input is dropped without control, forwarded after the grant, dropped again after revoke', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  const hostId = host.messages.find((m) => m.type === 'welcome')!;
  assert.equal(hostId.type, 'welcome');
  const click = { type: 'input', event: { kind: 'pointer', action: 'down', x: 0.5, y: 0.25, button: 0 } } as const;

  host.send(click);
  const dropped = await host.waitFor('error', (e) => e.ref === 'input');
  assert.equal(dropped.code, 'not_allowed');

  host.send({ type: 'control-request' });
  assert.equal((await guest.waitFor('control-request')).fromName, HOST.displayName);
  // Only the presenter grants.
  host.send({ type: 'control-grant', participantId: hostId.participantId });
  assert.equal((await host.waitFor('error', (e) => e.ref === 'control-grant')).code, 'not_presenter');
  guest.send({ type: 'control-grant', participantId: hostId.participantId });
  await host.waitForSession((s) => s.controllerId === hostId.participantId);

  host.send(click);
  host.send({ type: 'input', event: { kind: 'key', action: 'down', key: 'a', code: 'KeyA' } });
  const input = await guest.waitFor('input');
  assert.deepEqual(input, { type: 'input', from: hostId.participantId, event: click.event });
  assert.equal((await guest.waitFor('input')).event.kind, 'key');

  guest.send({ type: 'control-revoke' });
  await host.waitForSession((s) => s.controllerId === null);
  const before = guest.messages.filter((m) => m.type === 'input').length;
  host.send(click);
  await host.waitFor('error', (e) => e.ref === 'input');
  guest.send({ type: 'ping', t: 1 });
  await guest.waitFor('pong');
  assert.equal(guest.messages.filter((m) => m.type === 'input').length, before, 'no input after revoke');
  host.close();
  guest.close();
});

test('a throttled viewer skips to keyframes while a second viewer keeps full rate and the presenter is not slowed', async (t) => {
  const relay = await startTestRelay({
    maxMessagesPerSecond: 100_000,
    maxBytesPerSecondPerParticipant: 1_000_000_000,
    keyframeRequestIntervalMs: 50,
    // The queue's bound in frames is under test here; its bounds in time are the unit tests' (fake
    // clock): this process also runs the clients, so its event loop is no measure of a link.
    viewerMaxQueueMs: 10_000,
    viewerMaxPipeMs: 10_000,
  });
  t.after(() => relay.close());
  const { sessionId, host, guest } = await sharingSession(relay);
  const slow = await TestClient.connect(relay.wsUrl, invitedAgentTicket(relay, sessionId));
  await guest.waitFor('keyframe-request'); // late joiner
  // The slow viewer stops reading: its kernel buffers fill up, then the relay's queue for it.
  (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

  const total = 300;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    guest.sendFrame(frame(i, i % 30 === 0, 100 * 1024));
    // Bursts of 10 as fast as the fast viewer takes them (it acknowledges each frame as it arrives).
    if (i % 10 === 9) await host.waitForFrames(i + 1, 15_000);
  }
  await host.waitForFrames(total, 15_000);
  const elapsed = performance.now() - started;
  assert.deepEqual(
    host.frames.map((f) => f.header.sequence),
    Array.from({ length: total }, (_, i) => i),
    'the fast viewer got every frame, in order',
  );
  // The stalled viewer cannot take a keyframe: none is asked for on its behalf until it reads again.
  const requests = guest.messages.filter((m) => m.type === 'keyframe-request').length;
  assert.equal(requests, 1, 'only the late joiner asked: none for a viewer that takes nothing');

  (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  guest.sendFrame(frame(total, true, 1024)); // a new keyframe
  while (!slow.frames.some((f) => f.header.sequence === total)) await new Promise((r) => setTimeout(r, 5));
  const seqs = slow.frames.map((f) => f.header.sequence);
  assert.ok(seqs.length < total, `the slow viewer skipped frames (got ${seqs.length} of ${total + 1})`);
  for (let i = 1; i < slow.frames.length; i++) {
    const f = slow.frames[i]!;
    if (f.header.sequence !== seqs[i - 1]! + 1)
      assert.ok(f.header.keyframe, `after a gap (${seqs[i - 1]} -> ${f.header.sequence}) the next frame is a keyframe`);
  }
  assert.equal(seqs.at(-1), total, 'the slow viewer caught up at the new keyframe');
  const metrics = await relay.metrics.registry.getSingleMetricAsString('sightline_frames_dropped_total');
  assert.match(metrics, /reason="slow_viewer"} [1-9]/);
  t.diagnostic(`fast viewer got ${total} x 100 KiB in ${elapsed.toFixed(0)} ms; slow viewer got ${seqs.length}`);
  host.close();
  guest.close();
  slow.close();
});

test('a late joiner gets the stream config, a keyframe request goes to the presenter, and it starts at a keyframe', async (t) => {
  const relay = await startTestRelay({ keyframeRequestIntervalMs: 0 });
  t.after(() => relay.close());
  const { sessionId, host, guest } = await sharingSession(relay);
  guest.sendFrame(frame(0, true));
  guest.sendFrame(frame(1, false));
  await host.waitForFrames(2);
  const late = await TestClient.connect(relay.wsUrl, invitedAgentTicket(relay, sessionId));
  assert.deepEqual((await late.waitFor('stream-start')).config, VP8);
  assert.equal((await guest.waitFor('keyframe-request')).stream, 0);
  guest.sendFrame(frame(2, false)); // undecodable for the late joiner
  guest.sendFrame(frame(3, true));
  guest.sendFrame(frame(4, false));
  await late.waitForFrames(2);
  await host.waitForFrames(5);
  assert.deepEqual(
    late.frames.map((f) => [f.header.sequence, f.header.keyframe]),
    [
      [3, true],
      [4, false],
    ],
  );
  host.close();
  guest.close();
  late.close();
});

test('oversized frames and malformed or unknown messages get a clear error; the session stays intact', async (t) => {
  const relay = await startTestRelay({ maxFrameBytes: 4096 });
  t.after(() => relay.close());
  const { sessionId, host, guest } = await sharingSession(relay);

  guest.sendFrame(frame(0, true, 5000));
  const big = await guest.waitFor('error');
  assert.equal(big.code, 'frame_too_large');
  assert.match(big.message, /5016 bytes exceeds the 4096-byte limit/);
  guest.sendRaw('{not json');
  assert.deepEqual(await guest.waitFor('error'), {
    type: 'error',
    code: 'bad_message',
    message: 'message is not valid JSON',
  });
  guest.send({ type: 'teleport' });
  assert.match((await guest.waitFor('error')).message, /unknown message type "teleport"/);
  guest.send({ type: 'chat', text: 42 });
  const bad = await guest.waitFor('error');
  assert.equal(bad.code, 'bad_message');
  assert.match(bad.message, /^chat: text: /);
  guest.sendRaw(JSON.stringify({ type: 'chat', text: 'x'.repeat(40_000) }));
  assert.match((await guest.waitFor('error')).message, /control message is at most 32768 bytes/);
  guest.sendFrame(Buffer.from([9, 0, 0]));
  assert.match((await guest.waitFor('error')).message, /shorter than the 16-byte header/);
  guest.sendFrame(frame(1, true, 10, 7));
  assert.match((await guest.waitFor('error')).message, /stream 7 was not started/);

  // Still one session, both connected, frames still flow and chat still works.
  guest.sendFrame(frame(2, true, 100));
  await host.waitForFrames(1);
  assert.equal(host.frames[0]!.header.sequence, 2);
  guest.send({ type: 'chat', text: 'still here' });
  assert.equal((await host.waitFor('chat')).text, 'still here');
  assert.equal(relay.registry.get(sessionId)?.snapshot.status, 'in_progress');
  assert.equal(guest.ws.readyState, WebSocket.OPEN);
  host.close();
  guest.close();
});

test('message rate cap: a flood is dropped with one rate_limited error per second', async (t) => {
  const relay = await startTestRelay({ maxMessagesPerSecond: 20 });
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  for (let i = 0; i < 100; i++) guest.send({ type: 'ping', t: i });
  await guest.waitFor('error', (e) => e.code === 'rate_limited');
  await new Promise((r) => setTimeout(r, 100));
  const pongs = guest.messages.filter((m) => m.type === 'pong').length;
  // A second's budget (20, three spent on hello, consent and stream-start), plus what refills meanwhile.
  assert.ok(pongs >= 17 && pongs < 40, `about a second's budget answered (${pongs})`);
  const errors = guest.messages.filter((m) => m.type === 'error' && m.code === 'rate_limited').length;
  assert.ok(errors >= 1 && errors <= 2, `one rate_limited error per second, not one per message (${errors})`);
  host.close();
  guest.close();
});

test('chat goes to everyone, notes and the log only to agents; pointer goes to the presenter only', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  host.send({ type: 'chat', text: 'Can you open the settings?' });
  assert.equal((await guest.waitFor('chat')).fromName, HOST.displayName);
  host.send({ type: 'note', text: 'customer on v2.1' });
  assert.equal((await host.waitFor('note')).text, 'customer on v2.1');
  guest.send({ type: 'note', text: 'sneaky' });
  assert.equal((await guest.waitFor('error')).code, 'not_allowed');
  host.send({ type: 'pointer', x: 0.1, y: 0.2, visible: true });
  assert.equal((await guest.waitFor('pointer')).x, 0.1);
  guest.send({ type: 'ping', t: 2 });
  await guest.waitFor('pong');
  assert.ok(!guest.has('note') && !guest.has('log'), 'guests never see notes or the log');
  assert.ok(host.has('log', (m) => m.type === 'log' && m.entry.kind === 'note'));
  host.close();
  guest.close();
});

test('reconnect: the same ticket resumes the same participant; others see connected:false meanwhile', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { sessionId, host, guest, guestTicket } = await sharingSession(relay);
  const guestId = (guest.messages[0] as { participantId: string }).participantId;
  guest.ws.terminate();
  const absent = await host.waitForSession((s) => s.participants.find((p) => p.id === guestId)?.connected === false);
  assert.equal(absent.status, 'customer_absent');
  assert.equal(absent.presenterId, null, 'a lost presenter stops presenting');
  assert.ok(!host.has('error'));

  const back = await TestClient.connect(relay.wsUrl, guestTicket);
  assert.equal((back.messages[0] as { participantId: string }).participantId, guestId);
  await host.waitForSession((s) => s.status === 'in_progress');
  assert.equal(relay.registry.get(sessionId)?.snapshot.participants.length, 2);
  host.close();
  back.close();
});

test('host end: everyone gets "ended", sockets close, the report is emitted and nothing stays', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { sessionId, host, guest, guestTicket } = await sharingSession(relay);
  guest.send({ type: 'end' });
  assert.equal((await guest.waitFor('error')).code, 'not_allowed');
  guest.sendFrame(frame(0, true));
  await host.waitForFrames(1);
  host.send({ type: 'end' });
  assert.equal((await guest.waitFor('ended')).reason, 'host_ended');
  assert.equal((await host.waitFor('ended')).reason, 'host_ended');
  assert.equal((await guest.closed).code, 1000);
  await host.closed;
  await new Promise((r) => setImmediate(r));
  assert.equal(relay.reports.length, 1);
  assert.equal(relay.reports[0]!.sessionId, sessionId);
  assert.ok(relay.reports[0]!.log.some((e) => e.kind === 'share' && e.text.startsWith('started sharing')));
  assert.equal(relay.registry.size, 0);
  assert.equal(relay.routing.rooms.size, 0);
  await assert.rejects(TestClient.connect(relay.wsUrl, guestTicket), /HTTP 401/);
});

test('the last guest leaving ends the session as last_guest_left', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  guest.send({ type: 'leave' });
  assert.equal((await host.waitFor('ended')).reason, 'last_guest_left');
  await guest.closed;
  await new Promise((r) => setImmediate(r));
  assert.equal(relay.reports[0]?.endReason, 'last_guest_left');
  assert.equal(relay.registry.size, 0);
  assert.equal(relay.routing.rooms.size, 0);
});

test('expiry with the fake clock closes the host console with "ended: expired"', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy({ waitingTimeoutMinutes: 10 }) });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  relay.clock.advance(10 * 60_000);
  relay.registry.sweep();
  assert.equal((await host.waitFor('ended')).reason, 'expired');
  await host.closed;
  assert.equal(relay.registry.size, 0);
});

test('metrics: frames and bytes forwarded, keyframe requests, sessions and participants', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  guest.sendFrame(frame(0, true, 1000));
  await host.waitForFrames(1);
  await new Promise((r) => setTimeout(r, 20));
  const text = await relay.metrics.registry.metrics();
  assert.match(text, /sightline_frames_forwarded_total 1\b/);
  assert.match(text, /sightline_bytes_forwarded_total 1016\b/);
  assert.match(text, /sightline_sessions\{status="in_progress"} 1\b/);
  assert.match(text, /sightline_participants_connected 2\b/);
  host.close();
  guest.close();
});

test('a viewer that stops reading altogether pauses the presenter for at most a second at a time', async (t) => {
  const relay = await startTestRelay(
    { viewerQueueFrames: 4, maxMessagesPerSecond: 100_000, maxBytesPerSecondPerParticipant: 1_000_000_000 },
    { viewerHighWaterBytes: 64 * 1024 },
  );
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  (host.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // the only viewer stalls
  for (let i = 0; i < 200; i++) guest.sendFrame(frame(i, i % 50 === 0, 100 * 1024));
  const started = performance.now();
  guest.send({ type: 'ping', t: 7 });
  await guest.waitFor('pong', () => true, 10_000);
  const waited = performance.now() - started;
  const pauses = await relay.metrics.registry.getSingleMetricAsString('sightline_presenter_read_pauses_total');
  assert.match(pauses, / [1-9]\d*$/m, 'the presenter was paused while its only viewer was behind');
  assert.ok(waited < 5000, `the presenter's messages got through in ${waited.toFixed(0)} ms`);
  t.diagnostic(`presenter control message answered after ${waited.toFixed(0)} ms with a stalled sole viewer`);
  host.ws.terminate();
  guest.close();
});

test('a guest who does not pick a screen ends the session as share_refused', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  const guest = await TestClient.connect(relay.wsUrl, relay.registry.join(created.sessionId, GUEST).ticket);
  host.send({ type: 'share-refused' });
  assert.equal((await host.waitFor('error')).code, 'not_allowed');
  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'share-refused' });
  assert.equal((await host.waitFor('ended')).reason, 'share_refused');
  await guest.closed;
  while (relay.reports.length === 0) await new Promise((r) => setTimeout(r, 5));
  assert.ok(relay.reports[0]!.log.some((e) => e.text === 'did not share a screen'));
});

test("bandwidth cap: frames past a participant's bytes per second are dropped with rate_limited", async (t) => {
  const relay = await startTestRelay({ maxBytesPerSecondPerParticipant: 20_000 });
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  for (let i = 0; i < 40; i++) guest.sendFrame(frame(i, i === 0, 1000));
  const err = await guest.waitFor('error');
  assert.equal(err.code, 'rate_limited');
  assert.match(err.message, /more than 20000 bytes per second/);
  guest.send({ type: 'ping', t: 3 });
  await guest.waitFor('pong');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(
    host.frames.length >= 15 && host.frames.length < 30,
    `about a second's bytes forwarded (${host.frames.length})`,
  );
  host.close();
  guest.close();
});

test('the guest refusing consent over its socket ends the session as consent_refused', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  const guest = await TestClient.connect(relay.wsUrl, relay.registry.join(created.sessionId, GUEST).ticket);
  guest.send({ type: 'consent', view: false });
  assert.equal((await guest.waitFor('ended')).reason, 'consent_refused');
  assert.equal((await host.waitFor('ended')).reason, 'consent_refused');
  await host.closed;
  assert.equal(relay.registry.size, 0);
});

test('logs carry no tickets, keys, link tokens, chat or stream bytes', async (t) => {
  const lines: string[] = [];
  const capture = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  const relay = await startTestRelay({}, { logger: capture });
  t.after(() => relay.close());
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy() });
  const hostTicket = relay.registry.agentTicket(created.sessionId, HOST).ticket;
  const join = relay.registry.join(created.sessionId, GUEST);
  await relay.registry.lookupByKey('000000' === created.key ? '111111' : '000000', '10.1.1.1');
  const host = await TestClient.connect(relay.wsUrl, hostTicket);
  const guest = await TestClient.connect(relay.wsUrl, join.ticket);
  await assert.rejects(TestClient.connect(relay.wsUrl, hostTicket.slice(0, -2) + 'zz'), /401/);
  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'stream-start', config: VP8 });
  guest.send({ type: 'chat', text: 'my password is hunter2' });
  const secret = Buffer.from('SCREEN-CONTENT-MARKER');
  guest.sendFrame(Buffer.concat([frame(0, true, 0), secret]));
  await host.waitForFrames(1);
  host.send({ type: 'end' });
  await host.waitFor('ended');
  await new Promise((r) => setTimeout(r, 20));
  const all = lines.join('');
  assert.ok(all.includes('session created') && all.includes('session ended'), 'the relay does log its lifecycle');
  for (const forbidden of [
    hostTicket,
    join.ticket,
    created.key!,
    created.token,
    'hunter2',
    'SCREEN-CONTENT-MARKER',
    GUEST.email,
  ])
    assert.ok(!all.includes(forbidden), `logs must not contain ${forbidden.slice(0, 12)}...`);
});

test('pause hides the screen: no frames while paused, then everyone restarts at a fresh keyframe', async (t) => {
  const relay = await startTestRelay({ keyframeRequestIntervalMs: 0 });
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  guest.sendFrame(frame(0, true));
  await host.waitForFrames(1);
  guest.send({ type: 'pause', paused: true });
  await host.waitForSession((s) => s.paused);
  guest.sendFrame(frame(1, false));
  guest.sendFrame(frame(2, true));
  guest.send({ type: 'pause', paused: false });
  await host.waitForSession((s) => !s.paused);
  assert.equal((await guest.waitFor('keyframe-request')).stream, 0);
  guest.sendFrame(frame(3, false)); // a delta right after unpausing is not decodable: skipped
  guest.sendFrame(frame(4, true));
  await host.waitForFrames(2);
  assert.deepEqual(
    host.frames.map((f) => f.header.sequence),
    [0, 4],
  );
  host.send({ type: 'pause', paused: true });
  assert.equal((await host.waitFor('error')).code, 'not_presenter');
  host.close();
  guest.close();
});

test('policy: no control sharing; a guest screen shown to agents only; no viewing guest screens at all', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const strict = await sharingSession(relay, {
    presentersMayShareControl: false,
    guestsMayShowScreens: false,
    openSessions: true, // a second guest gets in with the key, without the lobby
  });
  strict.host.send({ type: 'control-request' });
  assert.match((await strict.host.waitFor('error')).message, /does not allow sharing control/);
  const second = relay.registry.join(strict.sessionId, { name: 'Second', email: 'second@example.com' });
  const other = await TestClient.connect(relay.wsUrl, second.ticket);
  strict.guest.sendFrame(frame(0, true));
  await strict.host.waitForFrames(1);
  other.send({ type: 'ping', t: 1 });
  await other.waitFor('pong');
  assert.equal(other.frames.length, 0, "another guest does not see a guest's screen");
  assert.ok(!other.has('stream-start'));
  const welcome = other.messages[0]!;
  assert.ok(
    welcome.type === 'welcome' &&
      welcome.session.participants.find((p) => p.displayName === GUEST.name)?.contact.email === undefined,
    "guests do not see each other's contact details",
  );

  const created = relay.registry.create({
    host: HOST,
    record: RECORD,
    policy: policy({ allowViewGuestScreen: false, hostsMayShowScreens: true }),
  });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  const guest = await TestClient.connect(relay.wsUrl, relay.registry.join(created.sessionId, GUEST).ticket);
  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'stream-start', config: VP8 });
  assert.match((await guest.waitFor('error')).message, /does not allow viewing a guest's screen/);
  // The agent may still show their own screen to the guest.
  host.send({ type: 'stream-start', config: VP8 });
  await guest.waitFor('stream-start');
  host.sendFrame(frame(0, true));
  await guest.waitForFrames(1);
  for (const c of [strict.host, strict.guest, other, host, guest]) c.close();
});
