// Smoke test of the benchmark harness (not of performance): a short run against the floor
// forwarder and the real relay must measure what it claims to measure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebSocket } from 'ws';
import { decodeAck, encodeFrame } from '@sightline/relay-service/protocol';
import { CAPACITY_CPU_SHARE, PROFILES, runBench } from '../src/bench.ts';
import { epochMs } from '../src/load/clock.ts';
import { Counters } from '../src/load/Counters.ts';
import { onViewerFrame } from '../src/load/viewer.ts';
import { resultsSchema } from '../src/results.ts';
import { summarizeAge, summarizeLatency } from '../src/stats.ts';

test('a viewer acknowledges each frame and computes added latency from the capture time in its header', () => {
  const counters = new Counters();
  const sent: Uint8Array[] = [];
  const ws = { send: (data: Uint8Array) => sent.push(data) } as unknown as WebSocket;
  const frame = encodeFrame(
    { stream: 0, sequence: 7, keyframe: false, captureTimeMs: epochMs() - 120 },
    new Uint8Array(500),
  );
  onViewerFrame(counters, ws, Buffer.from(frame), 'normal');
  assert.deepEqual(decodeAck(sent[0]!), { stream: 0, sequence: 7 });
  const [latency] = counters.latencies.toArray();
  assert.equal(counters.framesReceived, 1);
  assert.equal(counters.bytesReceived, 516);
  assert.ok(latency! >= 120 && latency! < 1120, `latency ${latency} should be about 120 ms`);
  assert.throws(() => onViewerFrame(counters, ws, Buffer.from([1, 2, 3]), 'normal'), /shorter than the 16-byte header/);
  assert.equal(sent.length, 1, 'no ack for what is not a frame');
});

test('frame ages: percentiles, a histogram and how they moved over the window', () => {
  const ages = Float64Array.from([100, 300, 600, 1500, 3000, 12_000]);
  const at = Float64Array.from([0, 500, 1500, 2500, 9000, 9500]);
  const a = summarizeAge(ages, at, 5);
  assert.equal(a.samples, 6);
  assert.equal(a.max, 12_000);
  assert.deepEqual(
    a.histogram.map((h) => h.frames),
    [1, 1, 1, 1, 1, 0, 1],
  );
  assert.deepEqual(a.slices, [
    { fromSeconds: 0, frames: 4, p99: 1500, max: 1500 },
    { fromSeconds: 5, frames: 2, p99: 12_000, max: 12_000 },
  ]);
});

test('latency percentiles are nearest-rank and null without samples', () => {
  const s = summarizeLatency(Float64Array.from({ length: 1000 }, (_, i) => i + 1));
  assert.deepEqual([s.p50, s.p99, s.p999, s.max], [500, 990, 999, 1000]);
  assert.equal(summarizeLatency(new Float64Array()).p99, null);
});

test('a short run measures floor and relay, the slow viewer and bandwidth, with every figure', async () => {
  const lines: string[] = [];
  const results = await runBench(PROFILES.smoke, (l) => lines.push(l));
  assert.doesNotThrow(() => resultsSchema.parse(results));
  assert.equal(results.sightlineError, null, `the relay was not measured: ${results.sightlineError}`);
  for (const [name, f] of [
    ['floor', results.floor],
    ['sightline', results.sightline!],
  ] as const) {
    const ref = f.reference;
    assert.ok(ref.forwardedFramesPerSec > 0, `${name}: frames were forwarded`);
    assert.ok(ref.offeredFramesPerSec > 0, `${name}: frames were sent`);
    // Each received frame yields one latency sample from its header, so the counts agree.
    assert.equal(ref.latencyMs.samples, ref.framesForwarded, `${name}: one latency sample per received frame`);
    assert.ok(
      ref.latencyMs.p50! >= 0 && ref.latencyMs.p50! < 10_000,
      `${name}: p50 ${ref.latencyMs.p50} ms is plausible`,
    );
    assert.ok(ref.serverCpuPercent > 0, `${name}: server CPU was measured`);
    assert.ok(f.capacity1.steps.length > 0 && f.capacity3.steps.length > 0, `${name}: capacity steps ran`);
    assert.ok(f.capacity3.steps.every((s) => s.viewersPerSession === 3));
    // Root on Linux (as CI runs): the capacity steps ran on a quarter of the server's core.
    if (process.platform === 'linux' && process.getuid?.() === 0)
      assert.equal(f.capacity1.cpuShare, CAPACITY_CPU_SHARE, `${name}: the capacity search ran under the CPU quota`);
    for (const c of [f.capacity1, f.capacity3])
      if (c.sessionsPerCore !== null)
        assert.equal(
          c.sessionsPerCore,
          Math.round(c.saturationSessions! / c.cpuShare),
          'measured per core: kept up / share',
        );
  }
  const sameLoad = results.sameLoad!;
  assert.ok(sameLoad.rounds.length > 0, 'the interleaved same-load rounds ran');
  for (const r of sameLoad.rounds)
    assert.ok(
      r.floor.forwardedFramesPerSec > 0 && r.sightline.forwardedFramesPerSec > 0 && r.cpuPerMbitRatio! > 0,
      'each round forwarded frames through both targets and compared their CPU',
    );
  assert.equal(results.ratios!.cpuPerMbitAtSameLoad, sameLoad.medianCpuPerMbitRatio, 'the ratio is the median round');
  const slow = results.slowViewer!;
  assert.ok(slow.without.presenterFramesPerSec > 0 && slow.with.presenterFramesPerSec > 0);
  assert.ok(slow.without.slowViewerFramesPerSec > 0, 'the slow viewer receives frames before it is throttled');
  assert.equal(slow.with.slowViewerAgeMs.samples, slow.with.slowViewerLatencyMs.samples, 'one age per frame');
  const b = results.bandwidth;
  assert.equal(b.pipeline, 'browser-relay-browser', 'bandwidth went through the join page, relay and console');
  assert.ok(b.avgKbps > 0 && b.receivedKbps! > 0, 'the join page sent and the console received');
  assert.ok(b.glassToGlassMs!.samples > 0, 'the console measured glass-to-glass latency');
  assert.ok(b.quality.length > 0 && b.quality.every((q) => q.ssim > 0 && q.ssim <= 1), 'legibility was measured');
  const rc = results.recordingCodec!;
  assert.match(rc.live.codec, /^(av01|vp09)/, 'the live codec is AV1, or VP9 where the encoder has no AV1');
  assert.match(rc.recording!.codec, /^avc1\./, "Debian's Chromium encodes H.264 while recording");
  assert.ok(rc.ratios!.bandwidth > 0 && rc.ratios!.cpu > 0, 'both codecs were measured in the same run');
  assert.ok(results.machine.cpuModel.length > 0 && results.machine.chromium);
  assert.ok(
    lines.some((l) => l.startsWith('capacity: sightline')),
    'progress lines are printed',
  );
});
