// The relay's recordings as Debian's ffprobe reads them: a finite duration matching the session, a
// keyframe a seek lands on, and for H.264 an MP4 with its index (moov, stss) before the media (faststart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bytesOf, recorderLimits } from './helpers/media.ts';
import { Recorder, type Recording } from '../src/recording/Recorder.ts';
import type { StreamConfig } from '../src/protocol/index.ts';
import { VP8, avcFixture, vp8Chunks } from './helpers/relay.ts';

const run = promisify(execFile);

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
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    file,
  ]);
  const info = JSON.parse(stdout) as {
    format: { format_name: string; duration: string };
    streams: { codec_name: string; width: number; height: number }[];
  };
  // A seek to 70% of the file: the first packet read must be a keyframe at or before the target.
  const target = Number(info.format.duration) * 0.7;
  const seek = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v',
    '-read_intervals',
    `${target}%+#1`,
    '-show_entries',
    'packet=pts_time,flags',
    '-of',
    'csv=p=0',
    file,
  ]);
  const [pts, flags] = seek.stdout.trim().split('\n')[0]!.split(',');
  return { file, info, seek: { target, pts: Number(pts), keyframe: flags!.startsWith('K') } };
}

function checkDuration(duration: string, recording: Recording) {
  const seconds = Number(duration);
  const expected = recording.durationMs / 1000;
  assert.ok(Number.isFinite(seconds) && seconds > 0, `duration ${duration}`);
  assert.ok(Math.abs(seconds - expected) <= expected * 0.05, `ffprobe ${seconds}s vs session ${expected}s`);
}

test('a VP8 recording is WebM with a finite duration and seeks to a keyframe', async (t) => {
  const chunks = vp8Chunks();
  const recording = await record(VP8, chunks);
  const { info, seek } = await probe(t, recording);
  assert.match(info.format.format_name, /webm/);
  assert.equal(info.streams[0]!.codec_name, 'vp8');
  checkDuration(info.format.duration, recording);
  assert.ok(seek.keyframe && seek.pts <= seek.target && seek.pts > 0, JSON.stringify(seek));
});

test('an H.264 recording is a faststart MP4 with its sync-sample index, and seeks to a keyframe', async (t) => {
  const { config, chunks } = avcFixture();
  const recording = await record(config, chunks);
  assert.equal(recording.mimeType, 'video/mp4');
  const { file, info, seek } = await probe(t, recording);
  assert.match(info.format.format_name, /mp4/);
  assert.equal(info.streams[0]!.codec_name, 'h264');
  assert.deepEqual([info.streams[0]!.width, info.streams[0]!.height], [320, 240]);
  checkDuration(info.format.duration, recording);
  assert.ok(seek.keyframe && seek.pts <= seek.target && seek.pts > 0, JSON.stringify(seek));
  // The box order as ffprobe parses it: the index (moov with stss) before the media (mdat).
  const trace = await run('ffprobe', ['-v', 'trace', file]).catch((e: { stderr: string }) => e);
  const boxes = [...trace.stderr.matchAll(/type:'(\w{4})'/g)].map((m) => m[1]!);
  assert.ok(boxes.includes('stss'), `sync samples listed: ${boxes.join(' ')}`);
  assert.ok(boxes.indexOf('moov') < boxes.indexOf('mdat'), `faststart: ${boxes.join(' ')}`);
  assert.ok(boxes.indexOf('stss') < boxes.indexOf('mdat'));
});
