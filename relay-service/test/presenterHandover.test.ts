// "Show my screen" and presenter switching over real sockets: the policy decides which directions may
// be used, one presenter at a time, an explicit handover with the guest's yes before their screen is
// shown, and the log and the recording follow whoever presents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, type StreamConfig } from '../src/protocol/index.ts';
import { GUEST, HOST, RECORD, policy } from './helpers/core.ts';
import { bytesOf, probe } from './helpers/media.ts';
import { frame, sharingSession, startTestRelay, vp8Chunks, VP8, type TestRelay } from './helpers/relay.ts';
import { TestClient } from './helpers/wsClient.ts';

async function session(relay: TestRelay, overrides: Parameters<typeof policy>[0] = {}) {
  const created = relay.registry.create({ host: HOST, record: RECORD, policy: policy(overrides) });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(created.sessionId, HOST).ticket);
  const join = relay.registry.join(created.sessionId, GUEST);
  const guest = await TestClient.connect(relay.wsUrl, join.ticket);
  return { sessionId: created.sessionId, host, guest, guestId: join.participant.id };
}

test('policy: an agent shows their screen only where the group allows it (off by default), enforced by the relay', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  assert.equal(policy().hostsMayShowScreens, false, 'the safe default: agents do not show their screens');

  const off = await session(relay);
  off.host.send({ type: 'present-take' });
  assert.match((await off.host.waitFor('error')).message, /does not allow agents to show their screen/);
  off.host.send({ type: 'stream-start', config: VP8 });
  assert.match((await off.host.waitFor('error')).message, /does not allow agents to show their screen/);
  off.host.sendFrame(frame(0, true));
  assert.equal((await off.host.waitFor('error')).code, 'not_presenter');
  off.guest.send({ type: 'ping', t: 1 });
  await off.guest.waitFor('pong');
  assert.ok(!off.guest.has('stream-start') && off.guest.frames.length === 0, 'the guest was shown nothing');

  const on = await session(relay, { hostsMayShowScreens: true });
  on.host.send({ type: 'present-take' });
  await on.guest.waitForSession((s) => s.presenterId !== null && s.presenterId !== on.guestId);
  on.host.send({ type: 'stream-start', config: VP8 });
  assert.equal((await on.guest.waitFor('stream-start')).config.codec, 'vp8');
  on.host.sendFrame(frame(0, true));
  await on.guest.waitForFrames(1);
  // Control follows the presenter: an agent's console screen is never controlled.
  on.guest.send({ type: 'control-request' });
  assert.match((await on.guest.waitFor('error')).message, /pointed at, not controlled/);
  assert.ok(!on.host.has('control-request'));
  // The guest's own sharing is not what this session's agents asked for: no frames from the guest now.
  on.guest.send({ type: 'consent', view: true });
  on.guest.send({ type: 'stream-start', config: VP8 });
  assert.match((await on.guest.waitFor('error')).message, /is presenting/);
  for (const c of [off.host, off.guest, on.host, on.guest]) c.close();
});

test('policy: no guest can be asked to present, nor ask, where viewing guest screens is off', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const s = await session(relay, { allowViewGuestScreen: false, hostsMayShowScreens: true });
  s.host.send({ type: 'present-ask', participantId: s.guestId });
  assert.match((await s.host.waitFor('error')).message, /does not allow viewing a guest's screen/);
  s.guest.send({ type: 'present-request' });
  assert.match((await s.guest.waitFor('error')).message, /does not allow viewing a guest's screen/);
  // A guest may not take the presenter role, nor ask someone else to present.
  s.guest.send({ type: 'present-take' });
  assert.match((await s.guest.waitFor('error')).message, /only an agent/);
  s.guest.send({ type: 'present-ask', participantId: s.guestId });
  assert.match((await s.guest.waitFor('error')).message, /only an agent/);
  s.host.close();
  s.guest.close();
});

test('customer -> agent -> customer in one session: frames reach the other side each time, the log says who', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const s = await sharingSession(relay, { hostsMayShowScreens: true });
  const guestId = (s.guest.messages[0] as { participantId: string }).participantId;
  s.guest.sendFrame(frame(0, true));
  await s.host.waitForFrames(1);

  // The agent takes the presenter role: the guest's streams stop being routed at once.
  s.host.send({ type: 'present-take' });
  const taken = await s.guest.waitForSession((x) => x.presenterId !== null && x.presenterId !== guestId);
  assert.deepEqual(taken.streams, []);
  await s.host.waitFor('stream-stop');
  s.guest.sendFrame(frame(1, false));
  assert.equal((await s.guest.waitFor('error', (e) => e.code === 'not_presenter')).code, 'not_presenter');
  s.host.send({ type: 'stream-start', config: { ...VP8, codedWidth: 640, codedHeight: 480 } });
  assert.equal((await s.guest.waitFor('stream-start')).config.codedWidth, 640);
  s.host.sendFrame(frame(0, true, 80));
  await s.guest.waitForFrames(1);
  assert.equal(s.guest.frames[0]!.bytes.byteLength, frame(0, true, 80).byteLength);

  // The agent asks the customer to present again; nothing changes until the customer says yes.
  s.host.send({ type: 'present-ask', participantId: guestId });
  const asked = await s.guest.waitForSession((x) => x.handover !== null);
  assert.deepEqual(asked.handover, { participantId: guestId, kind: 'asked', by: taken.presenterId });
  assert.equal(asked.presenterId, taken.presenterId, 'the agent still presents while the guest is asked');
  s.guest.send({ type: 'present-answer', participantId: guestId, accept: true });
  const back = await s.host.waitForSession((x) => x.presenterId === guestId);
  assert.equal(back.handover, null);
  s.host.sendFrame(frame(1, false));
  assert.equal((await s.host.waitFor('error', (e) => e.code === 'not_presenter')).code, 'not_presenter');
  s.guest.send({ type: 'stream-start', config: VP8 });
  await s.host.waitFor('stream-start');
  const before = s.host.frames.length;
  s.guest.sendFrame(frame(7, true));
  await s.host.waitForFrames(before + 1);
  assert.equal(s.host.frames.at(-1)!.header.sequence, 7);

  s.host.send({ type: 'end' });
  await s.guest.waitFor('ended');
  const lines = relay.reports[0]!.log.filter((e) => e.kind === 'share').map((e) => `${e.actor}: ${e.text}`);
  assert.deepEqual(lines, [
    `${GUEST.name}: started sharing (monitor)`,
    `${GUEST.name}: stopped sharing`,
    `${HOST.displayName}: presents instead of ${GUEST.name}`,
    `${HOST.displayName}: started sharing (monitor)`,
    `${HOST.displayName}: asked ${GUEST.name} to present`,
    `${GUEST.name}: agreed to present`,
    `${HOST.displayName}: stopped sharing`,
    `${GUEST.name}: presents instead of ${HOST.displayName}`,
    `${GUEST.name}: started sharing (monitor)`,
  ]);
});

test('a guest asks to present; the agent decides; a refusal is logged and ends nothing', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const s = await session(relay, { hostsMayShowScreens: true, openSessions: true });
  const second = relay.registry.join(s.sessionId, { name: 'Second Guest', email: 'second@example.com' });
  const other = await TestClient.connect(relay.wsUrl, second.ticket);
  s.host.send({ type: 'present-take' });
  s.host.send({ type: 'stream-start', config: VP8 });
  await other.waitFor('stream-start');

  // Asked by the agent, the guest says no: nothing changes, the session goes on.
  s.host.send({ type: 'present-ask', participantId: s.guestId });
  await s.guest.waitForSession((x) => x.handover?.participantId === s.guestId);
  // Only the guest who was asked answers; the agent cannot say yes for them.
  s.host.send({ type: 'present-answer', participantId: s.guestId, accept: true });
  assert.match((await s.host.waitFor('error')).message, /only the guest who was asked/);
  s.guest.send({ type: 'present-answer', participantId: s.guestId, accept: false });
  await s.host.waitFor('log', (m) => m.entry.text === 'declined to present');
  const declined = s.host.sessions.at(-1)!;
  assert.equal(declined.handover, null);
  assert.notEqual(declined.presenterId, s.guestId);
  assert.equal(declined.status, 'in_progress');

  // The second guest asks; the other guest cannot approve, the agent does.
  other.send({ type: 'present-request' });
  const requested = await s.host.waitForSession((x) => x.handover?.kind === 'requested');
  await s.host.waitFor('log', (m) => m.entry.text === 'asked to present');
  assert.equal(requested.handover!.participantId, second.participant.id);
  s.guest.send({ type: 'present-answer', participantId: second.participant.id, accept: true });
  assert.match((await s.guest.waitFor('error')).message, /only an agent answers/);
  s.host.send({ type: 'present-answer', participantId: second.participant.id, accept: false });
  await s.host.waitFor('log', (m) => m.entry.text === 'did not let Second Guest present');
  other.send({ type: 'consent', view: true });
  other.send({ type: 'stream-start', config: VP8 });
  assert.match((await other.waitFor('error')).message, /is presenting/);
  other.send({ type: 'present-request' });
  await s.host.waitFor('log', (m) => m.entry.text === 'asked to present');
  s.host.send({ type: 'present-answer', participantId: second.participant.id, accept: true });
  await other.waitForSession((x) => x.presenterId === second.participant.id);
  other.send({ type: 'stream-start', config: VP8 });
  await s.guest.waitFor('stream-start', (m) => m.config.stream === 0);
  other.sendFrame(frame(0, true));
  await s.host.waitForFrames(1);
  await s.guest.waitForFrames(1);
  // The former presenter's client now only watches.
  s.host.send({ type: 'present-answer', participantId: second.participant.id, accept: true });
  assert.match((await s.host.waitFor('error')).message, /no open request/);

  s.host.send({ type: 'end' });
  await s.guest.waitFor('ended');
  const report = relay.reports[0]!;
  assert.equal(report.endReason, 'host_ended');
  const lines = report.log.filter((e) => e.kind === 'share').map((e) => `${e.actor}: ${e.text}`);
  assert.ok(lines.includes(`${GUEST.name}: declined to present`), lines.join('\n'));
  assert.ok(lines.includes(`Second Guest: asked to present`));
  assert.ok(lines.includes(`${HOST.displayName}: did not let Second Guest present`));
  assert.ok(lines.includes(`${HOST.displayName}: let Second Guest present`));
  assert.ok(lines.includes(`Second Guest: presents instead of ${HOST.displayName}`));
  for (const c of [s.host, s.guest, other]) c.close();
});

test('the recording follows whoever presents: one file, each part from its keyframe, time always rising', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const s = await sharingSession(relay, { hostsMayShowScreens: true, recording: 'always' }, { recording: true });
  await s.host.waitForSession((x) => x.recording === 'on');
  const guestId = (s.guest.messages[0] as { participantId: string }).participantId;
  const chunks = vp8Chunks().slice(0, 10);
  const send = (client: TestClient, config: StreamConfig, base: number) =>
    chunks.forEach((c, i) =>
      client.sendFrame(
        Buffer.from(
          encodeFrame(
            { stream: config.stream, sequence: i, captureTimeMs: base + c.timestampUs / 1000, keyframe: c.keyframe },
            c.data,
          ),
        ),
      ),
    );
  send(s.guest, VP8, 1_000_000);
  await s.host.waitForFrames(chunks.length);

  // The agent presents on another stream number and from another capture clock (far behind the guest's).
  s.host.send({ type: 'present-take' });
  await s.guest.waitForSession((x) => x.presenterId !== null && x.presenterId !== guestId);
  const agentStream = { ...VP8, stream: 3 };
  s.host.send({ type: 'stream-start', config: agentStream });
  await s.guest.waitFor('stream-start');
  send(s.host, agentStream, 5);
  await s.guest.waitForFrames(chunks.length);

  s.host.send({ type: 'end' });
  await s.guest.waitFor('ended');
  const report = relay.reports[0]!;
  assert.ok(report.recording, 'the session was recorded');
  const info = await probe(await bytesOf(report.recording));
  assert.equal(info.packets.length, 2 * chunks.length, 'both presenters are in the one file');
  assert.equal(info.packets[chunks.length]!.type, 'key', "the agent's part starts at its keyframe");
  const times = info.packets.map((p) => p.timestamp);
  assert.ok(
    times.every((x, i) => i === 0 || x > times[i - 1]!),
    `timestamps rise: ${times.join(' ')}`,
  );
  assert.ok(times.at(-1)! < 2 * (times[chunks.length - 1]! + 0.1), 'the time between presenters is left out');
  assert.ok(!report.log.some((e) => e.text.includes('recording stopped: the shared screen changed')));
});

test('a presenter change to another codec stops the recording with a reason, and the session goes on', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const s = await sharingSession(relay, { hostsMayShowScreens: true, recording: 'always' }, { recording: true });
  await s.host.waitForSession((x) => x.recording === 'on');
  s.host.send({ type: 'present-take' });
  s.host.send({ type: 'stream-start', config: { ...VP8, codec: 'vp09.00.10.08' } });
  await s.guest.waitFor('stream-start');
  const stopped = await s.host.waitFor('log', (m) => m.entry.text.startsWith('recording stopped:'));
  assert.equal(stopped.entry.text, 'recording stopped: the shared screen changed video format');
  s.host.sendFrame(frame(0, true));
  await s.guest.waitForFrames(1);
  s.host.close();
  s.guest.close();
});
