// Simulcast through the real relay: a presenter sends a stream and a smaller rendition of it
// (`simulcastOf`); each viewer gets one of them, the one its link can carry, switched at a keyframe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frame, invitedAgentTicket, sharingSession, startTestRelay, VP8 } from './helpers/relay.ts';
import { TestClient } from './helpers/wsClient.ts';

const LOW = {
  ...VP8,
  stream: 1,
  codedWidth: Math.ceil(VP8.codedWidth / 2),
  codedHeight: Math.ceil(VP8.codedHeight / 2),
  simulcastOf: 0,
};

/** Pauses (or resumes) reading a client's socket: its link stops delivering, as a congested one does. */
const reading = (c: TestClient, on: boolean) => {
  const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  if (on) socket.resume();
  else socket.pause();
};

const tick = () => new Promise((r) => setTimeout(r, 10));

test('a rendition must name a started stream of its own; stopping that stream stops its renditions', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  guest.send({ type: 'stream-start', config: { ...LOW, stream: 2, simulcastOf: 7 } });
  const err = await guest.waitFor('error');
  assert.equal(err.code, 'bad_message');
  assert.match(err.message, /stream 2 is a rendition of stream 7/);
  guest.send({ type: 'stream-start', config: LOW });
  await host.waitFor('stream-start', (m) => m.config.stream === 1);
  guest.send({ type: 'stream-start', config: { ...LOW, stream: 2, simulcastOf: 1 } });
  assert.match((await guest.waitFor('error')).message, /rendition of stream 1/, 'no rendition of a rendition');
  guest.send({ type: 'stream-stop', stream: 0 });
  await host.waitFor('stream-stop', (m) => m.stream === 0);
  await host.waitFor('stream-stop', (m) => m.stream === 1);
  host.close();
  guest.close();
});

test('a viewer whose link falls behind gets the smaller rendition from its keyframe on; the others keep the full stream', async (t) => {
  const relay = await startTestRelay({
    maxMessagesPerSecond: 100_000,
    maxBytesPerSecondPerParticipant: 1_000_000_000,
    keyframeRequestIntervalMs: 0,
    viewerMaxQueueMs: 50,
  });
  t.after(() => relay.close());
  const { sessionId, host, guest } = await sharingSession(relay);
  guest.send({ type: 'stream-start', config: LOW });
  await host.waitFor('stream-start', (m) => m.config.stream === 1);
  const slow = await TestClient.connect(relay.wsUrl, invitedAgentTicket(relay, sessionId));
  await guest.waitFor('keyframe-request', (m) => m.stream === 0); // late joiner, on the full stream
  guest.sendFrame(frame(0, true, 1024, 0));
  guest.sendFrame(frame(0, true, 128, 1));
  await slow.waitForFrames(1);
  await host.waitForFrames(1);

  // The slow viewer's link stops: frames wait for it until they are too old and it skips.
  reading(slow, false);
  const dropped = async () =>
    /reason="slow_viewer"} [1-9]/.test(
      await relay.metrics.registry.getSingleMetricAsString('sightline_frames_dropped_total'),
    );
  let seq = 1;
  while (!(await dropped())) {
    guest.sendFrame(frame(seq, false, 64 * 1024, 0));
    guest.sendFrame(frame(seq, false, 128, 1));
    seq++;
    await tick();
  }
  // Its link delivers again: once what was sent arrived, the relay asks for the smaller rendition's keyframe.
  reading(slow, true);
  await guest.waitFor('keyframe-request', (m) => m.stream === 1, 5000);
  guest.sendFrame(frame(seq, true, 64 * 1024, 0)); // a keyframe of the full stream (another viewer might have asked)
  guest.sendFrame(frame(seq, true, 128, 1));
  guest.sendFrame(frame(seq + 1, false, 64 * 1024, 0));
  guest.sendFrame(frame(seq + 1, false, 128, 1));
  while (!slow.frames.some((f) => f.header.stream === 1 && f.header.sequence === seq + 1)) await tick();
  await host.waitForFrames(seq + 2, 5000);

  const lowFrames = slow.frames.filter((f) => f.header.stream === 1);
  assert.deepEqual(
    lowFrames.map((f) => [f.header.sequence, f.header.keyframe]),
    [
      [seq, true],
      [seq + 1, false],
    ],
    'the rendition starts at its keyframe',
  );
  const lastFull = slow.frames.findLast((f) => f.header.stream === 0)!;
  assert.ok(lastFull.header.sequence < seq, 'no frame of the full stream after the switch, not even its keyframe');
  assert.equal(host.frames.filter((f) => f.header.stream === 1).length, 0, 'the fast viewer never got the rendition');
  assert.deepEqual(
    host.frames.map((f) => f.header.sequence),
    Array.from({ length: seq + 2 }, (_, i) => i),
    'the fast viewer got every frame of the full stream',
  );
  host.close();
  guest.close();
  slow.close();
});

test("a full queue of the rendition's only viewer does not pause the presenter: the full stream's viewers keep it", async (t) => {
  const relay = await startTestRelay({
    maxMessagesPerSecond: 100_000,
    maxBytesPerSecondPerParticipant: 1_000_000_000,
    keyframeRequestIntervalMs: 0,
    viewerQueueFrames: 2,
    viewerMaxQueueMs: 50,
  });
  t.after(() => relay.close());
  const { sessionId, host, guest } = await sharingSession(relay);
  guest.send({ type: 'stream-start', config: LOW });
  await host.waitFor('stream-start', (m) => m.config.stream === 1);
  const slow = await TestClient.connect(relay.wsUrl, invitedAgentTicket(relay, sessionId));
  await guest.waitFor('keyframe-request', (m) => m.stream === 0);
  guest.sendFrame(frame(0, true, 1024, 0));
  await slow.waitForFrames(1);
  // The slow viewer falls behind once and steps down to the rendition (as in the test above).
  reading(slow, false);
  const dropped = async () =>
    /reason="slow_viewer"} [1-9]/.test(
      await relay.metrics.registry.getSingleMetricAsString('sightline_frames_dropped_total'),
    );
  let seq = 1;
  while (!(await dropped())) {
    guest.sendFrame(frame(seq++, false, 64 * 1024, 0));
    await tick();
  }
  reading(slow, true);
  await guest.waitFor('keyframe-request', (m) => m.stream === 1, 5000);
  guest.sendFrame(frame(0, true, 1024, 1));
  while (!slow.frames.some((f) => f.header.stream === 1)) await tick();
  const pauses = () => relay.metrics.registry.getSingleMetricAsString('sightline_presenter_read_pauses_total');
  const before = await pauses();

  // On the rendition, the slow viewer stops reading: a burst of large rendition frames fills its queue
  reading(slow, false);
  // (more than the 1 MiB the relay hands a fast-measured link's socket at most, then 2 queued)
  const last = seq + 24;
  for (let i = 1; i <= 24; i++) {
    guest.sendFrame(frame(i, false, 64 * 1024, 1));
    guest.sendFrame(frame(seq++, false, 1024, 0));
  }
  while (!host.frames.some((f) => f.header.stream === 0 && f.header.sequence === last - 1)) await tick();
  assert.equal(await pauses(), before, 'the presenter was never paused for the rendition');
  host.close();
  guest.close();
  slow.close();
});
