import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recorder, type RecorderStopReason } from '../src/recording/Recorder.ts';
import { RecordingBudget } from '../src/recording/RecordingBudget.ts';
import { encodeFrame } from '../src/protocol/index.ts';
import { probe } from './helpers/media.ts';
import { avcFixture, sharingSession, startTestRelay, VP8, vp8Chunks } from './helpers/relay.ts';

const chunks = vp8Chunks();

function feed(recorder: Recorder, from = 0, to = chunks.length): void {
  const t0 = 1_763_700_000_000;
  for (const c of chunks.slice(from, to)) recorder.add(0, c.keyframe, t0 + c.timestampUs / 1000, c.data);
}

test('the fixture is real VP8 from Chromium: 45 chunks, a keyframe every 15', () => {
  assert.equal(chunks.length, 45);
  assert.deepEqual(
    chunks.flatMap((c, i) => (c.keyframe ? [i] : [])),
    [0, 15, 30],
  );
});

test('recorded VP8 chunks make a WebM file that a demuxer reads back', async () => {
  const recorder = new Recorder({ config: VP8, maxBytes: 1 << 20, baseName: 'sightline-123456-2026-11-21' });
  feed(recorder);
  const recording = await recorder.finish();
  assert.ok(recording);
  assert.equal(recording.mimeType, 'video/webm');
  assert.equal(recording.fileName, 'sightline-123456-2026-11-21.webm');
  assert.equal(recording.durationMs, 4500);
  const info = await probe(recording.bytes);
  assert.match(info.mimeType, /^video\/webm/);
  assert.equal(info.codec, 'vp8');
  assert.equal(info.width, 320);
  assert.equal(info.height, 240);
  assert.ok(info.duration > 4 && info.duration < 5, `duration ${info.duration}`);
  assert.equal(info.packets.length, 45);
  assert.equal(info.packets[0]!.type, 'key');
});

test('recorded H.264 (avcC) chunks make an MP4 file that a demuxer reads back', async () => {
  const { config, chunks: avc } = avcFixture();
  const recorder = new Recorder({ config, maxBytes: 1 << 20, baseName: 'sightline-654321-2026-11-21' });
  const t0 = 1_763_700_000_000;
  for (const c of avc) recorder.add(0, c.keyframe, t0 + c.timestampUs / 1000, c.data);
  const recording = await recorder.finish();
  assert.ok(recording);
  assert.equal(recording.mimeType, 'video/mp4');
  assert.equal(recording.fileName, 'sightline-654321-2026-11-21.mp4');
  const info = await probe(recording.bytes);
  assert.match(info.mimeType, /^video\/mp4/);
  assert.equal(info.codec, 'avc');
  assert.equal(info.width, 320);
  assert.equal(info.packets.length, 45);
  assert.ok(info.duration > 4, `duration ${info.duration}`);
});

test('recording starts at a keyframe, pauses and resumes at the next keyframe', async () => {
  const recorder = new Recorder({ config: VP8, maxBytes: 1 << 20, baseName: 'r' });
  assert.ok(recorder.needsKeyframe);
  feed(recorder, 5, 20); // 5..14 are deltas before the first keyframe: skipped
  assert.ok(!recorder.needsKeyframe);
  recorder.pause();
  feed(recorder, 20, 25);
  recorder.resume();
  feed(recorder, 25, 45); // 25..29 skipped until the keyframe at 30
  const info = await probe((await recorder.finish())!.bytes);
  assert.equal(info.packets.length, 5 + 15);
  assert.equal(info.packets[0]!.timestamp, 0);
  assert.deepEqual(
    info.packets.flatMap((p, i) => (p.type === 'key' ? [i] : [])),
    [0, 5],
  );
});

test('past the memory bound the recording stops, says why, and keeps a readable file', async () => {
  const stops: RecorderStopReason[] = [];
  const total = chunks.slice(0, 20).reduce((n, c) => n + c.data.byteLength, 0);
  const recorder = new Recorder({ config: VP8, maxBytes: total, baseName: 'r', onStopped: (r) => stops.push(r) });
  feed(recorder);
  assert.deepEqual(stops, ['size_limit']);
  assert.ok(!recorder.isRecording);
  recorder.resume(); // a self-stop is final
  feed(recorder);
  const info = await probe((await recorder.finish())!.bytes);
  assert.equal(info.packets.length, 20);
});

test('the relay-wide budget is shared: the recording that would pass it stops, and a finished one gives its bytes back', async () => {
  const first = chunks.slice(0, 20).reduce((n, c) => n + c.data.byteLength, 0);
  const budget = new RecordingBudget(first + 100);
  const stops: RecorderStopReason[] = [];
  const a = new Recorder({ config: VP8, maxBytes: 1 << 20, baseName: 'a', budget });
  feed(a, 0, 20);
  assert.equal(budget.used, first);
  const b = new Recorder({ config: VP8, maxBytes: 1 << 20, baseName: 'b', budget, onStopped: (r) => stops.push(r) });
  feed(b);
  assert.deepEqual(stops, ['memory_budget'], 'the second recording found no room');
  assert.ok(!b.isRecording);
  assert.ok((await a.finish())!.bytes.byteLength > 0);
  const bFile = await b.finish();
  assert.equal(budget.used, 0, 'both gave back what they held');
  assert.equal(bFile, null, 'b never had room for its first keyframe');
  const c = new Recorder({ config: VP8, maxBytes: 1 << 20, baseName: 'c', budget });
  feed(c, 0, 20);
  assert.ok(c.isRecording, 'room again once the others are done');
  await c.finish();
});

test('nothing recorded (no keyframe ever came) gives no file', async () => {
  const recorder = new Recorder({ config: VP8, maxBytes: 1 << 20, baseName: 'r' });
  feed(recorder, 1, 10);
  assert.equal(await recorder.finish(), null);
});

test('end to end: policy "always" + guest consent records the routed frames into the report, then lets go', async (t) => {
  const relay = await startTestRelay({ keyframeRequestIntervalMs: 0 });
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay, { recording: 'always' }, { recording: true });
  const state = await host.waitForSession((s) => s.recording === 'on');
  const key = state.key!;
  const t0 = Date.now();
  for (const [i, c] of chunks.entries())
    guest.sendFrame(
      Buffer.from(
        encodeFrame({ stream: 0, sequence: i, keyframe: c.keyframe, captureTimeMs: t0 + c.timestampUs / 1000 }, c.data),
      ),
    );
  await host.waitForFrames(chunks.length);
  host.send({ type: 'end' });
  await host.waitFor('ended');
  while (relay.reports.length === 0) await new Promise((r) => setTimeout(r, 5));
  const report = relay.reports[0]!;
  assert.ok(report.recording, 'the report carries the recording');
  assert.equal(report.recording.mimeType, 'video/webm');
  // The session key stays out of the file name (it outlives the session in the CRM).
  assert.match(report.recording.fileName, /^sightline-\d{4}-\d{2}-\d{2}-[A-Za-z0-9_-]{10}\.webm$/);
  assert.ok(!report.recording.fileName.includes(key));
  const info = await probe(report.recording.bytes);
  assert.equal(info.codec, 'vp8');
  assert.equal(info.packets.length, 45);
  assert.ok(info.duration > 4);
  const texts = report.log.filter((e) => e.kind === 'recording' || e.kind === 'consent').map((e) => e.text);
  assert.deepEqual(texts, [
    'allowed the agent to see the shared screen',
    'allowed recording',
    'recording started',
    'recording stopped',
  ]);
});

test('no recording when the guest refuses it, when the policy forbids it, or when the host did not ask', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const refused = await sharingSession(relay, { recording: 'always' }, { recording: false });
  await refused.host.waitForSession((s) => s.recording === 'refused');
  refused.host.send({ type: 'recording', action: 'start' });
  assert.equal((await refused.host.waitFor('error')).code, 'no_consent');

  const never = await sharingSession(relay, { recording: 'never' }, { recording: true });
  never.host.send({ type: 'recording', action: 'start' });
  const err = await never.host.waitFor('error');
  assert.equal(err.code, 'not_allowed');
  assert.match(err.message, /policy does not allow recording/);

  const notAsked = await sharingSession(relay, { recording: 'host' }, { recording: true });
  for (const s of [refused, never, notAsked]) {
    s.guest.sendFrame(
      Buffer.from(encodeFrame({ stream: 0, sequence: 0, keyframe: true, captureTimeMs: Date.now() }, chunks[0]!.data)),
    );
    await s.host.waitForFrames(1);
    s.host.send({ type: 'end' });
    await s.host.waitFor('ended');
  }
  while (relay.reports.length < 3) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(
    relay.reports.map((r) => r.recording),
    [null, null, null],
  );
});

test('host choice: the host starts recording from the console once the guest allowed it', async (t) => {
  const relay = await startTestRelay({ keyframeRequestIntervalMs: 0 });
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay, { recording: 'host' }, { recording: true });
  guest.sendFrame(
    Buffer.from(encodeFrame({ stream: 0, sequence: 0, keyframe: true, captureTimeMs: Date.now() }, chunks[0]!.data)),
  );
  await host.waitForFrames(1);
  host.send({ type: 'recording', action: 'start' });
  await host.waitForSession((s) => s.recording === 'on');
  // The recorder waits for a keyframe and the relay asks the presenter for one.
  guest.sendFrame(
    Buffer.from(encodeFrame({ stream: 0, sequence: 1, keyframe: false, captureTimeMs: Date.now() }, chunks[1]!.data)),
  );
  await guest.waitFor('keyframe-request');
  const t0 = Date.now();
  for (const [i, c] of chunks.slice(15, 30).entries())
    guest.sendFrame(
      Buffer.from(
        encodeFrame({ stream: 0, sequence: 2 + i, keyframe: c.keyframe, captureTimeMs: t0 + i * 100 }, c.data),
      ),
    );
  await host.waitForFrames(17);
  host.send({ type: 'recording', action: 'stop' });
  await host.waitForSession((s) => s.recording === 'off');
  host.send({ type: 'end' });
  await host.waitFor('ended');
  while (relay.reports.length === 0) await new Promise((r) => setTimeout(r, 5));
  const info = await probe(relay.reports[0]!.recording!.bytes);
  assert.equal(info.packets.length, 15);
});

test('host choice before the guest allowed it: told why, and it starts when the guest allows it', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay, { recording: 'host' });
  host.send({ type: 'recording', action: 'start' });
  const err = await host.waitFor('error');
  assert.equal(err.code, 'no_consent');
  assert.match(err.message, /once the customer allows it/);
  guest.send({ type: 'consent', view: true, recording: true });
  await host.waitForSession((s) => s.recording === 'on');
  host.close();
  guest.close();
});
