// Captures the traffic model: runs the scripted support session in Debian's Chromium, encodes it
// with WebCodecs as the join page does, and writes every chunk's time, size and key flag to
// benchmark/data/support-session.json (the file the load generator replays).
//   node benchmark/src/capture-traffic.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openBlankPage } from './chromium.ts';
import { runSupportSession, type SupportSessionOptions, type SupportSessionResult } from './browser/support-session.ts';
import { summarize, TRAFFIC_FILE, type TrafficFile } from './traffic.ts';
import { PRESENTER_ENCODER } from './encoder-settings.ts';

export async function captureSupportSession(
  options: Partial<SupportSessionOptions> = {},
): Promise<{ result: SupportSessionResult; chromium: string }> {
  const browser = await openBlankPage();
  try {
    const result = await browser.page.evaluate(runSupportSession, { ...PRESENTER_ENCODER, ...options });
    return { result, chromium: browser.browserVersion };
  } finally {
    await browser.close();
  }
}

export function toTrafficFile(result: SupportSessionResult, chromium: string, durationSeconds: number): TrafficFile {
  return {
    generatedAt: new Date().toISOString(),
    chromium,
    encoderConfig: result.encoderConfig,
    durationSeconds,
    chunks: result.chunks,
    keyframeBytes: result.keyframeBytes,
    quality: result.quality,
    phases: result.phases,
    summary: summarize(result.chunks, durationSeconds),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log('capturing the scripted support session in Chromium (60 s of virtual time)...');
  const { result, chromium } = await captureSupportSession();
  const file = toTrafficFile(result, chromium, PRESENTER_ENCODER.durationSeconds);
  writeFileSync(TRAFFIC_FILE, JSON.stringify(file) + '\n');
  console.log(`wrote ${fileURLToPath(TRAFFIC_FILE)}`);
  console.log(file.summary, file.quality);
}
