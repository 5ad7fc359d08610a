// Encoder sweeps on the scripted support session, loopback in Chromium (virtual time, no relay): each
// variant lays encoder-config (`c`), stillness-gate (`g`) and per-frame encode options (`e`) over the
// join page's own choice, and prints bits per phase and SSIM at the text-heavy moments.
//   node benchmark/src/codec-sweep.ts '[{}, {"c":{"codec":"vp09.00.10.08"}}]'   (SECS=30 by default)
import { z } from 'zod';
import { runLoopback } from './browser/loopback.ts';
import { openBlankPage } from './chromium.ts';
import { qualityOf } from './quality.ts';
import { summarize } from './traffic.ts';

const Variants = z.array(
  z
    .object({
      c: z.record(z.string(), z.unknown()).optional(),
      g: z.record(z.string(), z.number()).optional(),
      e: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
);
const seconds = z.coerce
  .number()
  .positive()
  .max(60)
  .parse(process.env.SECS ?? 30);
const variants = Variants.parse(JSON.parse(process.argv[2] ?? '[{}]'));
const browser = await openBlankPage();
try {
  for (const v of variants) {
    const r = await browser.page.evaluate(runLoopback, {
      libUrl: browser.libUrl,
      durationSeconds: seconds,
      captureFps: 30,
      configOverride: v.c,
      gateOptions: v.g,
      encodeOptions: v.e,
    });
    const quality = r.snapshots.map((s) =>
      qualityOf({ ...s, source: Buffer.from(s.source, 'base64'), decoded: Buffer.from(s.decoded, 'base64') }),
    );
    const summary = summarize(r.chunks, seconds);
    const phases = r.phases
      .filter((p) => p.from < seconds)
      .map((p) => {
        const inPhase = r.chunks.filter(([t]) => t >= p.from * 1000 && t < p.to * 1000);
        const kB = Math.round(inPhase.reduce((sum, c) => sum + c[1], 0) / 1000);
        return `${p.label} [${p.from}-${p.to} s]: ${kB} kB in ${inPhase.length} frames`;
      });
    console.log(
      `${JSON.stringify(v)} (${r.codec}): ${summary.avgKbps} kbit/s average, ${summary.peakKbps} peak, ` +
        `${summary.avgFps} frames/s, requested keyframes ${r.keyframeBytes.join('/')} B, encoder busy ${r.encodeMs} ms; ` +
        quality.map((q) => `${q.label}: SSIM ${q.ssim}`).join(', '),
    );
    for (const line of phases) console.log(`  ${line}`);
  }
} finally {
  await browser.close();
}
