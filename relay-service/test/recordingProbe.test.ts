// The relay's recordings as Debian's ffprobe reads them: a finite duration matching the session, a
// keyframe a seek lands on, and for H.264 an MP4 with its index (moov, stss) before the media (faststart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeFile } from './helpers/ffprobe.ts';
import { bytesOf, recorderLimits } from './helpers/media.ts';
import { Recorder, type Recording } from '../src/recording/Recorder.ts';
import type { StreamConfig } from '../src/protocol/index.ts';
import { VP8, avcFixture, vp8Chunks } from './helpers/relay.ts';

async function record(config: StreamConfig, chunks: ReturnType<typeof vp8Chunks>): Promise<Recording> {
  const recorder = new Recorder({ ...recorderLimits(), config, maxBytes: 1 << 24, baseName: 'probe' });
  for (const c of chunks) recorder.add(0, c.keyframe, 1_700_000_000_000 + c.timestampUs / 1000, c.data);
  const recording = await recorder.finish();
  assert.ok(recording);
  return recording;
}

async function probe(t: { after(fn: () => void): void }, recording: Recording) {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-probe-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, recording.fileName);
  writeFileSync(file, await bytesOf(recording));
  return probeFile(file, { boxes: true });
}

function checkDuration(seconds: number, recording: Recording) {
  const expected = recording.durationMs / 1000;
  assert.ok(Number.isFinite(seconds) && seconds > 0, `duration ${seconds}`);
  assert.ok(Math.abs(seconds - expected) <= expected * 0.05, `ffprobe ${seconds}s vs session ${expected}s`);
}

test('a VP8 recording is WebM with a finite duration and seeks to a keyframe', async (t) => {
  const chunks = vp8Chunks();
  const recording = await record(VP8, chunks);
  const { formatName, codec, durationSeconds, seek } = await probe(t, recording);
  assert.match(formatName, /webm/);
  assert.equal(codec, 'vp8');
  checkDuration(durationSeconds, recording);
  assert.ok(seek.keyframe && seek.pts <= seek.target && seek.pts > 0, JSON.stringify(seek));
});

test('an H.264 recording is a faststart MP4 with its sync-sample index, and seeks to a keyframe', async (t) => {
  const { config, chunks } = avcFixture();
  const recording = await record(config, chunks);
  assert.equal(recording.mimeType, 'video/mp4');
  const { formatName, codec, width, height, durationSeconds, seek, boxes } = await probe(t, recording);
  assert.match(formatName, /mp4/);
  assert.equal(codec, 'h264');
  assert.deepEqual([width, height], [320, 240]);
  checkDuration(durationSeconds, recording);
  assert.ok(seek.keyframe && seek.pts <= seek.target && seek.pts > 0, JSON.stringify(seek));
  // The box order as ffprobe parses it: the index (moov with stss) before the media (mdat).
  assert.ok(boxes.includes('stss'), `sync samples listed: ${boxes.join(' ')}`);
  assert.ok(boxes.indexOf('moov') < boxes.indexOf('mdat'), `faststart: ${boxes.join(' ')}`);
  assert.ok(boxes.indexOf('stss') < boxes.indexOf('mdat'));
});
