// What a recorded session costs the presenter: while recording is on the join page encodes H.264 (the
// relay records it as faststart MP4, which Safari on iPhone and iPad plays) instead of its live codec
// (VP9 first). The same scripted support session goes through the join page's stillness gate and
// encoder settings twice per round in one Chromium, in virtual time: once with the live configuration,
// once with the recording one. Bandwidth is the chunks' bytes. CPU is the Chromium processes' CPU time
// over each run (CDP): the encoder plus the loopback decoder and canvas work, the same work for both;
// the encoder's own busy time in the page is reported beside it. Ratios compare runs of the same round.
import { runLoopback, type LoopbackResult } from './browser/loopback.ts';
import type { BenchResults } from './results.ts';
import { CAPTURE_FPS } from './capture-traffic.ts';
import { openBlankPage, type BlankPage } from './chromium.ts';
import { qualityOf } from './quality.ts';
import { round } from './stats.ts';
import { summarize } from './traffic.ts';

export type RecordingCodecFigures = NonNullable<BenchResults['recordingCodec']>;
type CodecRun = RecordingCodecFigures['live'];

async function run(page: BlankPage, seconds: number, recording: boolean): Promise<CodecRun> {
  const before = await page.cpuSeconds();
  const r: LoopbackResult = await page.page.evaluate(runLoopback, {
    libUrl: page.libUrl,
    durationSeconds: seconds,
    captureFps: CAPTURE_FPS,
    recording,
  });
  const cpuSeconds = (await page.cpuSeconds()) - before;
  const summary = summarize(r.chunks, seconds);
  const ssim = r.snapshots.map(
    (s) => qualityOf({ ...s, source: Buffer.from(s.source, 'base64'), decoded: Buffer.from(s.decoded, 'base64') }).ssim,
  );
  return {
    codec: r.codec,
    avgKbps: summary.avgKbps,
    peakKbps: summary.peakKbps,
    keyframeKB: round(r.keyframeBytes.reduce((a, b) => a + b, 0) / r.keyframeBytes.length / 1024, 1),
    cpuSeconds: round(cpuSeconds, 2),
    encodeSeconds: round(r.encodeMs / 1000, 2),
    minSsim: ssim.length ? Math.min(...ssim) : null,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function measureRecordingCodec(
  seconds: number,
  rounds: number,
  log: (line: string) => void,
): Promise<RecordingCodecFigures> {
  const page = await openBlankPage();
  try {
    const h264 = await page.page.evaluate(
      async (lib) => (await import(`${lib}codecs.js`)).pickRecordingConfig(1280, 720) !== null,
      page.libUrl,
    );
    const live: CodecRun[] = [];
    const recording: CodecRun[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternating order, so warm-up and caches favour neither codec.
      const order = i % 2 === 0 ? [false, true] : [true, false];
      for (const rec of order) {
        if (rec && !h264) continue;
        const r = await run(page, seconds, rec);
        (rec ? recording : live).push(r);
        log(
          `  ${rec ? 'recording' : 'live'} ${r.codec}: ${r.avgKbps} kbit/s, CPU ${r.cpuSeconds} s, encoder ${r.encodeSeconds} s`,
        );
      }
    }
    const pick = (runs: CodecRun[]): CodecRun => ({
      codec: runs[0]!.codec,
      avgKbps: round(median(runs.map((r) => r.avgKbps))),
      peakKbps: round(median(runs.map((r) => r.peakKbps))),
      keyframeKB: round(median(runs.map((r) => r.keyframeKB))),
      cpuSeconds: round(median(runs.map((r) => r.cpuSeconds)), 2),
      encodeSeconds: round(median(runs.map((r) => r.encodeSeconds)), 2),
      minSsim: runs.some((r) => r.minSsim === null) ? null : Math.min(...runs.map((r) => r.minSsim!)),
    });
    const ratioOf = (f: (r: CodecRun) => number) => round(median(recording.map((r, i) => f(r) / f(live[i]!))), 2);
    return {
      durationSeconds: seconds,
      rounds,
      live: pick(live),
      recording: recording.length ? pick(recording) : null,
      ratios: recording.length
        ? {
            bandwidth: ratioOf((r) => r.avgKbps),
            cpu: ratioOf((r) => r.cpuSeconds),
            encode: ratioOf((r) => r.encodeSeconds),
          }
        : null,
    };
  } finally {
    await page.close();
  }
}
