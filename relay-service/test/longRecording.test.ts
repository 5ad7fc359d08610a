// A two-hour recording at 300 kbit/s, fed as synthetic encoded frames straight to the recording sink
// (not in real time): it is recorded whole past the memory bound, the relay's memory stays under a
// bound derived from that memory bound (not from timing), it uploads to the sandbox as streamed
// multipart, and ffprobe reads the downloaded file's duration and seeks through its index.
// The sandbox runs in a child process, so its copy of the file is not counted in this process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEMO } from '@sightline/crm-sandbox';
import { passwordToken } from '../../crm-sandbox/test/helpers.ts';
import { SalesforceAdapter } from '../src/crm/SalesforceAdapter.ts';
import { RecordingBudget } from '../src/recording/RecordingBudget.ts';
import { FRAME_HEADER_BYTES } from '../src/protocol/frame.ts';
import { RecordingSink } from '../src/recording/RecordingSink.ts';
import { probeFile } from './helpers/ffprobe.ts';
import { VP8, vp8Chunks } from './helpers/relay.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** What the relay holds: JS heap plus Buffers (the recording's bytes live outside the JS heap). */
const held = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
/**
 * What is held after full collections. V8 hands freed Buffer memory back on a background thread after
 * a collection; the next collection first waits for that. So one gc() alone still counts the garbage
 * it just found, for as long as that thread lags (on a busy machine, a whole sampling interval of
 * upload chunks: +62 MiB once in CI). Two in a row count none of it.
 */
const collectedHeld = () => {
  gc();
  gc();
  return held();
};
async function settled(): Promise<number> {
  gc();
  await new Promise((ok) => setImmediate(ok));
  return collectedHeld();
}
const MiB = 2 ** 20;

const SECONDS = 2 * 60 * 60;
const FPS = 5;
const BITRATE = 300_000;
const FRAME_BYTES = BITRATE / 8 / FPS; // 7500
const KEYFRAME_EVERY = 10 * FPS;
const MEMORY_BYTES = 16 * MiB;
/**
 * The bound: the recording's memory bound plus a fixed allowance for mediabunny's state (one cue per
 * cluster), the spill tail (320 KiB), the in-flight upload chunks and the test's own garbage. A file
 * held whole would take 270 MB.
 */
const BOUND = MEMORY_BYTES + 32 * MiB;

async function startChildSandbox(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const configFile = join(dir, 'sandbox.json');
  writeFileSync(
    configFile,
    JSON.stringify({ sandbox: { dataDir: join(dir, 'sandbox'), salesforcePort: 0, servicenowPort: 0 } }),
  );
  const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../crm-sandbox/src/cli.ts'), 'start'], {
    env: { ...process.env, SIGHTLINE_ENV: 'test', SIGHTLINE_CONFIG: configFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  for await (const chunk of child.stdout) {
    out += String(chunk);
    const url = /Salesforce (http\S+)/.exec(out)?.[1];
    if (url)
      return {
        url,
        async stop() {
          child.kill('SIGTERM');
          if (child.exitCode === null) await once(child, 'exit');
        },
      };
  }
  throw new Error(`the sandbox did not start: ${out}`);
}

test('a two-hour recording at 300 kbit/s: whole, within the memory bound, uploaded, and ffprobe seeks it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-long-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sandbox = await startChildSandbox(dir);
  t.after(() => sandbox.stop());

  const budget = new RecordingBudget(64 * MiB);
  const stops: string[] = [];
  const sink = new RecordingSink({
    memoryBytes: MEMORY_BYTES,
    maxBytes: 2000 * MiB,
    maxPackets: 100_000,
    spillDir: join(dir, 'spill'),
    budget,
    baseName: 'sightline-long',
    onStopped: (reason) => stops.push(reason),
  });
  sink.sync(VP8);
  const fixture = vp8Chunks();
  const key = fixture[0]!.data;
  const delta = fixture[1]!.data;
  // The sink takes frames as the Room receives them, header included (it cuts the payload out).
  const pad = (data: Uint8Array, seed: number) => {
    const frame = Buffer.alloc(FRAME_HEADER_BYTES + FRAME_BYTES, seed & 0xff);
    frame.set(data, FRAME_HEADER_BYTES);
    return frame;
  };
  const before = await settled();
  let peak = 0;
  const t0 = 1_763_700_000_000;
  const frames = SECONDS * FPS;
  for (let i = 0; i < frames; i++) {
    const keyframe = i % KEYFRAME_EVERY === 0;
    sink.push(0, keyframe, t0 + (i * 1000) / FPS, pad(keyframe ? key : delta, i));
    if (i % 1000 === 999) {
      await sink.idle(); // the muxer's backpressure, as the frames of a live session come slower anyway
      peak = Math.max(peak, (await settled()) - before);
    }
  }
  const recording = (await sink.finish())!;
  assert.deepEqual(stops, [], 'the recording never stopped');
  assert.ok(recording.file.spilled);
  assert.ok(recording.size > frames * FRAME_BYTES, `${recording.size} bytes`);
  peak = Math.max(peak, (await settled()) - before);
  const spillPath = recording.file.spillPath!;
  assert.ok(statSync(spillPath).size > recording.size - MiB, 'all but a short tail is in the spill file');
  assert.ok(recording.file.memoryBytes < MiB, `${recording.file.memoryBytes} bytes left in memory`);

  // Upload as the agent, sampling what this process holds meanwhile.
  const token = await passwordToken(sandbox.url);
  const adapter = new SalesforceAdapter({
    loginUrl: sandbox.url,
    clientId: DEMO.oauthClient.clientId,
    clientSecret: DEMO.oauthClient.clientSecret,
    apiVersion: '62.0',
    tokens: { instanceUrl: sandbox.url, accessToken: token, refreshToken: 'unused' },
    refresh: () => passwordToken(sandbox.url),
    callTimeoutMs: 60_000,
  });
  let uploadPeak = 0;
  // Collected first: what is still reachable is held; chunks already sent are garbage, not held.
  const sampler = setInterval(() => {
    uploadPeak = Math.max(uploadPeak, collectedHeld() - before);
  }, 250);
  const id = await adapter.uploadRecording({
    marker: 's_long',
    recordId: DEMO.salesforce.cases.printer,
    durationSeconds: recording.durationMs / 1000,
    fileName: recording.fileName,
    mimeType: recording.mimeType,
    title: 'Two hours',
    size: recording.size,
    open: () => recording.file.stream(),
  });
  clearInterval(sampler);
  await recording.file.delete();
  assert.ok(!existsSync(spillPath), 'the spill file is gone after the upload');
  assert.equal(budget.used, 0);
  t.diagnostic(
    `2 h at 300 kbit/s: ${(recording.size / MiB).toFixed(0)} MiB recorded; held while recording +${(peak / MiB).toFixed(1)} MiB, ` +
      `while uploading +${(uploadPeak / MiB).toFixed(1)} MiB (bound ${BOUND / MiB} MiB)`,
  );
  assert.ok(peak < BOUND, `recording held +${(peak / MiB).toFixed(1)} MiB`);
  assert.ok(uploadPeak < BOUND, `uploading held +${(uploadPeak / MiB).toFixed(1)} MiB`);

  // Download what the org stored, and read it as a player would.
  const file = join(dir, recording.fileName);
  // A fresh token: on a loaded machine the upload can outlast the test sandbox's short token lifetime.
  const res = await fetch(`${sandbox.url}/services/data/v62.0/sobjects/ContentVersion/${id}/VersionData`, {
    headers: { authorization: `Bearer ${await passwordToken(sandbox.url)}` },
  });
  assert.equal(res.status, 200);
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file));
  assert.equal(statSync(file).size, recording.size);
  const { durationSeconds: duration, seek } = await probeFile(file);
  assert.ok(Math.abs(duration - SECONDS) <= SECONDS * 0.05, `ffprobe duration ${duration} s`);
  assert.ok(seek.keyframe, 'a seek lands on a keyframe');
  assert.ok(
    seek.pts <= seek.target && seek.pts > seek.target - 10.5,
    `seek to ${seek.target} s landed at ${seek.pts} s`,
  );
});
