// Captures the traffic model: runs the scripted support session in Debian's Chromium through the
// join page's own stillness gate and encoder configuration (loopback, virtual time), and writes
// every chunk's time, size and key flag to benchmark/data/support-session.json, the file the load
// generator replays.   node benchmark/src/capture-traffic.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { runLoopback, type LoopbackResult } from './browser/loopback.ts';
import { openBlankPage } from './chromium.ts';
import { qualityOf, type QualityFigure } from './quality.ts';
import { summarize, TRAFFIC_FILE, type TrafficFile } from './traffic.ts';

/** The join page captures the screen track at up to 30 frames/s. */
export const CAPTURE_FPS = 30;
export const SCRIPT_SECONDS = 60;

export interface LoopbackRun {
  result: LoopbackResult;
  quality: QualityFigure[];
  chromium: string;
}

export async function runLoopbackSession(durationSeconds = SCRIPT_SECONDS): Promise<LoopbackRun> {
  const browser = await openBlankPage();
  try {
    const result = await browser.page.evaluate(runLoopback, {
      libUrl: browser.libUrl,
      durationSeconds,
      captureFps: CAPTURE_FPS,
    });
    const quality = result.snapshots.map((s) =>
      qualityOf({ ...s, source: Buffer.from(s.source, 'base64'), decoded: Buffer.from(s.decoded, 'base64') }),
    );
    return { result, quality, chromium: browser.browserVersion };
  } finally {
    await browser.close();
  }
}

export function toTrafficFile(run: LoopbackRun, durationSeconds: number): TrafficFile {
  return {
    generatedAt: new Date().toISOString(),
    chromium: run.chromium,
    encoderConfig: run.result.encoderConfig,
    durationSeconds,
    chunks: run.result.chunks,
    keyframeBytes: run.result.keyframeBytes,
    quality: run.quality,
    phases: run.result.phases,
    summary: summarize(run.result.chunks, durationSeconds),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`capturing the scripted support session in Chromium (${SCRIPT_SECONDS} s of virtual time)...`);
  const run = await runLoopbackSession();
  const file = toTrafficFile(run, SCRIPT_SECONDS);
  // Written as the repository's formatter would, so `prettier --check` stays clean.
  const options = (await prettier.resolveConfig(fileURLToPath(TRAFFIC_FILE))) ?? {};
  writeFileSync(TRAFFIC_FILE, await prettier.format(JSON.stringify(file), { ...options, parser: 'json' }));
  console.log(`wrote ${fileURLToPath(TRAFFIC_FILE)}`);
  console.log(file.summary, file.quality);
}
