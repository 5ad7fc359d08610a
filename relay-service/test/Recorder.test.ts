import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recorder, type RecorderStopReason } from '../src/recording/Recorder.ts';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingBudget } from '../src/recording/RecordingBudget.ts';
import { SPILL_RECORD_BYTES } from '../src/recording/RecordingFile.ts';
import { sweepSpillDir } from '../src/recording/SpillFile.ts';
import { encodeFrame, type SessionSnapshot } from '../src/protocol/index.ts';
import { bytesOf, probe, recorderLimits } from './helpers/media.ts';
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
  const recorder = new Recorder({
    ...recorderLimits(),
    config: VP8,
    maxBytes: 1 << 20,
    baseName: 'sightline-123456-2026-11-21',
  });
  feed(recorder);
  const recording = await recorder.finish();
  assert.ok(recording);
  assert.equal(recording.mimeType, 'video/webm');
  assert.equal(recording.fileName, 'sightline-123456-2026-11-21.webm');
  assert.equal(recording.durationMs, 4500);
  const info = await probe(await bytesOf(recording));
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
  const recorder = new Recorder({
    ...recorderLimits(),
    config,
    maxBytes: 1 << 20,
    baseName: 'sightline-654321-2026-11-21',
  });
  const t0 = 1_763_700_000_000;
  for (const c of avc) recorder.add(0, c.keyframe, t0 + c.timestampUs / 1000, c.data);
  const recording = await recorder.finish();
  assert.ok(recording);
  assert.equal(recording.mimeType, 'video/mp4');
  assert.equal(recording.fileName, 'sightline-654321-2026-11-21.mp4');
  const info = await probe(await bytesOf(recording));
  assert.match(info.mimeType, /^video\/mp4/);
  assert.equal(info.codec, 'avc');
  assert.equal(info.width, 320);
  assert.equal(info.packets.length, 45);
  assert.ok(info.duration > 4, `duration ${info.duration}`);
});

test('recording starts at a keyframe, pauses and resumes at the next keyframe', async () => {
  const recorder = new Recorder({ ...recorderLimits(), config: VP8, maxBytes: 1 << 20, baseName: 'r' });
  assert.ok(recorder.needsKeyframe);
  feed(recorder, 5, 20); // 5..14 are deltas before the first keyframe: skipped
  assert.ok(!recorder.needsKeyframe);
  recorder.pause();
  feed(recorder, 20, 25);
  recorder.resume();
  feed(recorder, 25, 45); // 25..29 skipped until the keyframe at 30
  const info = await probe(await bytesOf((await recorder.finish())!));
  assert.equal(info.packets.length, 5 + 15);
  assert.equal(info.packets[0]!.timestamp, 0);
  assert.deepEqual(
    info.packets.flatMap((p, i) => (p.type === 'key' ? [i] : [])),
    [0, 5],
  );
});

/** The fixture again and again (its ~7 kB, `rounds` times), timestamps running on. */
function feedRounds(recorder: Recorder, rounds: number): void {
  const t0 = 1_763_700_000_000;
  for (let round = 0; round < rounds; round++)
    for (const c of chunks) recorder.add(0, c.keyframe, t0 + round * 4600 + c.timestampUs / 1000, c.data);
}

test('past the memory bound the recording continues in an encrypted spill file, whole and readable', async (t) => {
  const recorder = new Recorder({ ...recorderLimits(t, 20_000), config: VP8, maxBytes: 1 << 30, baseName: 'r' });
  feedRounds(recorder, 200);
  const recording = (await recorder.finish())!;
  assert.ok(recording.file.spilled, 'the file went past 20 kB and spilled');
  assert.ok(recording.size > 1_000_000, `${recording.size} bytes`);
  const path = recording.file.spillPath!;
  const onDisk = readFileSync(path);
  const bytes = await bytesOf(recording);
  assert.equal(bytes.byteLength, recording.size);
  assert.ok(recording.file.memoryBytes < recording.size, 'only a tail of the file stays in memory');
  // Nothing of the stream is on disk in clear: no 32-byte run of any frame appears in the spill file.
  for (const c of chunks.filter((c) => c.data.byteLength >= 64))
    assert.equal(onDisk.indexOf(Buffer.from(c.data.subarray(16, 48))), -1);
  const info = await probe(bytes);
  assert.equal(info.packets.length, 45 * 200, 'every frame, past the bound too');
  assert.ok(Math.abs(info.duration - recording.durationMs / 1000) < 0.2, `${info.duration} s`);
  await recording.file.delete();
  assert.ok(!existsSync(path), 'deleted with the recording');
});

test('the relay-wide budget is shared: a recording that finds it full spills sooner instead of stopping', async (t) => {
  const first = chunks.slice(0, 20).reduce((n, c) => n + c.data.byteLength, 0);
  const budget = new RecordingBudget(first + 1000);
  const stops: RecorderStopReason[] = [];
  const a = new Recorder({ ...recorderLimits(t), config: VP8, maxBytes: 1 << 20, baseName: 'a', budget });
  feed(a, 0, 20);
  await a.idle();
  assert.ok(budget.used >= first && budget.used <= first + 1000, `a holds ${budget.used}`);
  const b = new Recorder({
    ...recorderLimits(t),
    config: VP8,
    maxBytes: 1 << 20,
    baseName: 'b',
    budget,
    onStopped: (r) => stops.push(r),
  });
  feed(b);
  const bRec = (await b.finish())!;
  assert.deepEqual(stops, [], 'b never stopped');
  assert.ok(bRec.file.spilled, 'b went to disk');
  assert.equal((await probe(await bytesOf(bRec))).packets.length, 45);
  const aRec = (await a.finish())!;
  assert.ok(!aRec.file.spilled);
  await Promise.all([aRec.file.delete(), bRec.file.delete()]);
  assert.equal(budget.used, 0, 'both gave back what they held');
});

test('the size cap (limits.recordingMaxBytes) stops the recording, says why, and keeps a readable file', async (t) => {
  const stops: RecorderStopReason[] = [];
  const total = chunks.slice(0, 20).reduce((n, c) => n + c.data.byteLength, 0);
  const recorder = new Recorder({
    ...recorderLimits(t, 4096),
    config: VP8,
    maxBytes: total,
    baseName: 'r',
    onStopped: (r) => stops.push(r),
  });
  feed(recorder);
  assert.deepEqual(stops, ['size_limit']);
  const recording = (await recorder.finish())!;
  assert.equal((await probe(await bytesOf(recording))).packets.length, 20);
  await recording.file.delete();
});

test('spill files a previous process left are deleted at start-up', (t) => {
  const dir = recorderLimits(t).spillDir;
  writeFileSync(join(dir, 'deadbeef.spill'), randomBytes(100));
  writeFileSync(join(dir, 'keep.txt'), 'not ours');
  assert.equal(sweepSpillDir(dir), 1);
  assert.deepEqual(readdirSync(dir), ['keep.txt']);
});

test('finishing four long recordings at once is streamed: the event loop turns while they finalize and are read', async (t) => {
  // Structural, not timed: finalizing writes only the index, and reading yields one spill record at a time.
  const limits = recorderLimits(t, 64 * 1024);
  const recorders = [0, 1, 2, 3].map(
    (i) => new Recorder({ ...limits, config: VP8, maxBytes: 1 << 30, baseName: `r${i}` }),
  );
  for (const r of recorders) feedRounds(r, 150);
  let turns = 0;
  let ticking = true;
  const tick = () => {
    turns++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const recordings = (await Promise.all(recorders.map((r) => r.finish()))).map((r) => r!);
  const turnsWhileFinishing = turns;
  let largest = 0;
  let chunkCount = 0;
  for (const rec of recordings) {
    assert.ok(rec.file.spilled);
    for await (const c of rec.file.chunks()) {
      largest = Math.max(largest, c.byteLength);
      chunkCount++;
    }
  }
  ticking = false;
  const turnsWhileReading = turns - turnsWhileFinishing;
  assert.ok(turnsWhileFinishing > 0, 'finalizing four files let the loop turn');
  assert.ok(turnsWhileReading > 0, 'reading them back let the loop turn');
  assert.ok(largest <= SPILL_RECORD_BYTES, `largest chunk ${largest}`);
  assert.ok(chunkCount > 8, `${chunkCount} chunks`);
  await Promise.all(recordings.map((r) => r.file.delete()));
});

test('nothing recorded (no keyframe ever came) gives no file', async () => {
  const recorder = new Recorder({ ...recorderLimits(), config: VP8, maxBytes: 1 << 20, baseName: 'r' });
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
  const info = await probe(await bytesOf(report.recording));
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
  const info = await probe(await bytesOf(relay.reports[0]!.recording!));
  assert.equal(info.packets.length, 15);
});

/** Sends the fixture's chunks [from, to) as the guest's stream 0, in order, with their capture times. */
function present(guest: { sendFrame(b: Buffer): void }, from: number, to: number, t0 = Date.now()): void {
  for (let i = from; i < to; i++) {
    const c = chunks[i]!;
    guest.sendFrame(
      Buffer.from(
        encodeFrame({ stream: 0, sequence: i, keyframe: c.keyframe, captureTimeMs: t0 + c.timestampUs / 1000 }, c.data),
      ),
    );
  }
}

test('host starts recording after the guest joined: the guest is asked, nothing is recorded until they allow it', async (t) => {
  const relay = await startTestRelay({ keyframeRequestIntervalMs: 0 });
  t.after(() => relay.close());
  // The guest joined and consented to viewing while no recording was wanted: never asked about it.
  const { host, guest } = await sharingSession(relay, { recording: 'host' });
  host.send({ type: 'recording', action: 'start' });
  await host.waitForSession((s) => s.recording === 'asking');
  await guest.waitForSession((s) => s.recording === 'asking');
  // Frames the agent sees meanwhile (two keyframes among them) must not reach the recording.
  present(guest, 0, 30);
  await host.waitForFrames(30);
  guest.send({ type: 'recording-consent', allow: true });
  await host.waitForSession((s) => s.recording === 'on');
  present(guest, 30, 45);
  await host.waitForFrames(45);
  host.send({ type: 'end' });
  await host.waitFor('ended');
  while (relay.reports.length === 0) await new Promise((r) => setTimeout(r, 5));
  const report = relay.reports[0]!;
  const info = await probe(await bytesOf(report.recording!));
  assert.equal(info.packets.length, 15, 'only the frames after the guest allowed it');
  // No "starts once the customer allows it" error: the 'asking' state is the agent's hint, and it ends.
  assert.ok(!host.has('error'), 'the host got no error');
  const texts = report.log.filter((e) => e.kind === 'recording' || e.kind === 'consent').map((e) => e.text);
  assert.deepEqual(texts, [
    'allowed the agent to see the shared screen',
    'allowed recording',
    'recording started',
    'recording stopped',
  ]);
});

test('the guest refusing the recording asked after joining keeps it off, in the log and on the console', async (t) => {
  const relay = await startTestRelay({ keyframeRequestIntervalMs: 0 });
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay, { recording: 'host' });
  host.send({ type: 'recording', action: 'start' });
  await guest.waitForSession((s) => s.recording === 'asking');
  guest.send({ type: 'recording-consent', allow: false });
  await host.waitForSession((s) => s.recording === 'refused');
  const entry = await host.waitFor('log', (m) => m.entry.kind === 'consent' && m.entry.text === 'refused recording');
  assert.equal(entry.entry.actor, 'Casey Customer');
  // A second answer is not taken, and the host cannot start it over the refusal.
  guest.send({ type: 'recording-consent', allow: true });
  assert.equal((await guest.waitFor('error')).code, 'not_allowed');
  host.send({ type: 'recording', action: 'start' });
  assert.equal((await host.waitFor('error')).code, 'no_consent');
  present(guest, 0, 15);
  await host.waitForFrames(15);
  host.send({ type: 'end' });
  await host.waitFor('ended');
  while (relay.reports.length === 0) await new Promise((r) => setTimeout(r, 5));
  assert.equal(relay.reports[0]!.recording, null);
});

test('a guest answers only an open recording question; the host can withdraw it', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay, { recording: 'host' });
  guest.send({ type: 'recording-consent', allow: true });
  assert.equal((await guest.waitFor('error')).code, 'not_allowed');
  host.send({ type: 'recording', action: 'start' });
  await host.waitForSession((s) => s.recording === 'asking');
  // The host withdraws the request: the question closes and a late answer is not taken.
  host.send({ type: 'recording', action: 'stop' });
  await guest.waitForSession((s) => s.recording === 'off');
  guest.send({ type: 'recording-consent', allow: true });
  assert.equal((await guest.waitFor('error')).code, 'not_allowed');
  host.close();
  guest.close();
});

/** Sends `list` as the guest's stream 0 from `sequence` on, capture times from `t0`. */
function send(guest: { sendFrame(b: Buffer): void }, list: typeof chunks, sequence: number, t0: number): void {
  for (const [i, c] of list.entries())
    guest.sendFrame(
      Buffer.from(
        encodeFrame(
          { stream: 0, sequence: sequence + i, keyframe: c.keyframe, captureTimeMs: t0 + c.timestampUs / 1000 },
          c.data,
        ),
      ),
    );
}

/** Waits until a state the client got after its first `from` states matches (older ones do not count). */
async function stateSince(
  client: { sessions: SessionSnapshot[] },
  from: number,
  match: (s: SessionSnapshot) => boolean,
) {
  const deadline = Date.now() + 5000;
  while (!client.sessions.slice(from).some(match)) {
    if (Date.now() > deadline) throw new Error('the expected session state did not come');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a presenter that can encode H.264 switches to it while recording: one MP4 across a stop and a restart', async (t) => {
  const relay = await startTestRelay({ keyframeRequestIntervalMs: 0 });
  t.after(() => relay.close());
  const live = { ...VP8, canEncodeH264: true };
  const { config: avcConfig, chunks: avc } = avcFixture();
  const h264 = { ...avcConfig, canEncodeH264: true };
  const { host, guest } = await sharingSession(relay, { recording: 'host' }, { recording: true }, live);
  const t0 = Date.now();
  for (const round of [0, 1]) {
    let seen = guest.sessions.length;
    host.send({ type: 'recording', action: 'start' });
    await stateSince(guest, seen, (s) => s.recording === 'on');
    // Until the presenter's H.264 stream-start, its VP8 frames reach the agent but not the file.
    send(guest, chunks.slice(0, 15), round * 200, t0 + round * 20_000);
    guest.send({ type: 'stream-start', config: h264 });
    send(guest, avc, round * 200 + 15, t0 + round * 20_000 + 2_000);
    await host.waitForFrames(round * 90 + 60);
    seen = guest.sessions.length;
    host.send({ type: 'recording', action: 'stop' });
    await stateSince(guest, seen, (s) => s.recording === 'off');
    // Back to the live codec while not recording: the paused file waits for H.264 again.
    guest.send({ type: 'stream-start', config: live });
    send(guest, chunks.slice(0, 30), round * 200 + 60, t0 + round * 20_000 + 8_000);
    await host.waitForFrames(round * 90 + 90);
  }
  host.send({ type: 'end' });
  await host.waitFor('ended');
  while (relay.reports.length === 0) await new Promise((r) => setTimeout(r, 5));
  const report = relay.reports[0]!;
  assert.equal(report.recording?.mimeType, 'video/mp4');
  const info = await probe(await bytesOf(report.recording!));
  assert.equal(info.codec, 'avc');
  assert.equal(info.packets.length, 2 * avc.length, 'both H.264 runs, no VP8 frame');
  const texts = report.log.filter((e) => e.kind === 'recording').map((e) => e.text);
  assert.deepEqual(texts, ['recording started', 'recording stopped', 'recording started', 'recording stopped']);
});

test('a stream that restarts with its live codec while recording (a new presenter) pauses the MP4 until H.264 comes back', async (t) => {
  const relay = await startTestRelay({ keyframeRequestIntervalMs: 0 });
  t.after(() => relay.close());
  const { config: avcConfig, chunks: avc } = avcFixture();
  const h264 = { ...avcConfig, canEncodeH264: true };
  const { host, guest } = await sharingSession(relay, { recording: 'always' }, { recording: true }, h264);
  await guest.waitForSession((s) => s.recording === 'on');
  const t0 = Date.now();
  send(guest, avc, 0, t0);
  await host.waitForFrames(avc.length);
  // The stream starts again in VP8 (its live codec): those frames are not recorded, and the file goes on.
  guest.send({ type: 'stream-start', config: { ...VP8, canEncodeH264: true } });
  send(guest, chunks.slice(0, 15), 100, t0 + 6_000);
  guest.send({ type: 'stream-start', config: h264 });
  send(guest, avc, 200, t0 + 8_000);
  await host.waitForFrames(2 * avc.length + 15);
  host.send({ type: 'end' });
  await host.waitFor('ended');
  while (relay.reports.length === 0) await new Promise((r) => setTimeout(r, 5));
  const report = relay.reports[0]!;
  const info = await probe(await bytesOf(report.recording!));
  assert.equal(info.codec, 'avc');
  assert.equal(info.packets.length, 2 * avc.length, 'both H.264 runs in one file, no VP8 frame');
  const texts = report.log.filter((e) => e.kind === 'recording').map((e) => e.text);
  assert.deepEqual(texts, ['recording started', 'recording stopped'], 'no "changed video format" stop');
});

test('a presenter without an H.264 encoder is recorded as WebM, and the log says why', async (t) => {
  const relay = await startTestRelay({ keyframeRequestIntervalMs: 0 });
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(
    relay,
    { recording: 'always' },
    { recording: true },
    { ...VP8, canEncodeH264: false },
  );
  await guest.waitForSession((s) => s.recording === 'on');
  send(guest, chunks, 0, Date.now());
  await host.waitForFrames(chunks.length);
  host.send({ type: 'end' });
  await host.waitFor('ended');
  while (relay.reports.length === 0) await new Promise((r) => setTimeout(r, 5));
  const report = relay.reports[0]!;
  assert.equal(report.recording?.mimeType, 'video/webm');
  assert.equal((await probe(await bytesOf(report.recording!))).packets.length, chunks.length);
  const texts = report.log.filter((e) => e.kind === 'recording').map((e) => e.text);
  assert.deepEqual(texts, [
    "recording as WebM: the presenter's browser has no H.264 encoder",
    'recording started',
    'recording stopped',
  ]);
});
