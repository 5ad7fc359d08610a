// Bandwidth and legibility through the real browser pipeline: the agent signs in and opens the
// console, the customer joins from the emailed link and shares the scripted support scene with the
// join page's encoder, the relay forwards it, and the console decodes it onto its canvas. Bitrate
// comes from the join page's own counters (window.__sightlineStats); legibility compares the
// console canvas with the source canvas at the scene's text-heavy moments.
import type { Page } from 'playwright-core';
import type { DemoUser } from '@sightline/crm-sandbox';
import { SCENE_SCRIPT, supportScene } from './browser/scene.ts';
import { installScriptedScreen } from './browser/scripted-screen.ts';
import { launchChromium } from './chromium.ts';
import { qualityOf, type QualityFigure } from './quality.ts';
import { round, summarizeLatency, type LatencySummary } from './stats.ts';

const TIMEOUT = 30_000;

export interface PipelineResult {
  chromium: string;
  codec: string;
  durationSeconds: number;
  avgKbps: number;
  peakKbps: number;
  avgFps: number;
  idleShare: number;
  receivedKbps: number;
  glassToGlassMs: LatencySummary;
  /** The same path by stage (stats.js recordStage): where the glass-to-glass tail is spent. */
  stagesMs: Record<string, LatencySummary>;
  quality: QualityFigure[];
}

interface PageStats {
  framesSent: number;
  bytesSent: number;
  framesDecoded: number;
  bytesReceived: number;
  latencyMs: number[];
  stages?: Record<string, number[]>;
  codec?: string;
}

const statsOf = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __sightlineStats?: PageStats }).__sightlineStats ?? null);

/** Luma (the join page's toLuma weights) of a canvas, as base64. */
function lumaOf(page: Page, which: 'source' | 'console') {
  return page.evaluate((which) => {
    let canvas: HTMLCanvasElement | null | undefined;
    if (which === 'source') canvas = (window as unknown as { __sceneCanvas?: HTMLCanvasElement }).__sceneCanvas;
    else {
      const app = document.querySelector('sl-console-app')?.shadowRoot;
      canvas = app?.querySelector('sl-screen-view')?.shadowRoot?.querySelector('canvas');
    }
    if (!canvas || !canvas.width) return null;
    // Copy through a 2D canvas: works whatever context the page draws with.
    const copy = new OffscreenCanvas(canvas.width, canvas.height).getContext('2d', { willReadFrequently: true })!;
    copy.drawImage(canvas, 0, 0);
    const rgba = copy.getImageData(0, 0, canvas.width, canvas.height).data;
    const luma = new Uint8Array(rgba.length / 4);
    for (let i = 0, j = 0; j < luma.length; i += 4, j++)
      luma[j] = (rgba[i]! * 77 + rgba[i + 1]! * 150 + rgba[i + 2]! * 29) >> 8;
    let bin = '';
    for (let i = 0; i < luma.length; i += 0x8000) bin += String.fromCharCode(...luma.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, luma: btoa(bin) };
  }, which);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measurePipeline(o: {
  relayUrl: string;
  agent: DemoUser;
  recordId: string;
  durationSeconds: number;
  log: (line: string) => void;
}): Promise<PipelineResult> {
  const browser = await launchChromium();
  try {
    // The agent: signs in through the CRM's OAuth page, creates the session, opens the console.
    const agent = await (await browser.newContext()).newPage();
    await agent.goto(`${o.relayUrl}/auth/salesforce?returnTo=${encodeURIComponent('/join')}`);
    await agent.getByLabel('Username').fill(o.agent.username);
    await agent.getByLabel('Password').fill(o.agent.password);
    await agent.getByRole('button', { name: 'Allow' }).click();
    await agent.waitForURL(`${o.relayUrl}/join`, { timeout: TIMEOUT });
    const created = await agent.evaluate(async (recordId) => {
      const res = await fetch('/api/sessions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ crm: 'salesforce', recordId }),
      });
      return { status: res.status, body: (await res.json()) as { joinUrl?: string; consoleUrl?: string } };
    }, o.recordId);
    if (created.status !== 201 || !created.body.joinUrl || !created.body.consoleUrl)
      throw new Error(`creating the session from the agent's browser: HTTP ${created.status}`);
    await agent.goto(created.body.consoleUrl);
    await agent.getByText('Waiting for the customer', { exact: true }).waitFor({ timeout: TIMEOUT });

    // The customer: opens the link, gives contact details, accepts, shares the scripted screen.
    const guestContext = await browser.newContext();
    await guestContext.addInitScript({ content: SCENE_SCRIPT });
    await guestContext.addInitScript(installScriptedScreen);
    const guest = await guestContext.newPage();
    await guest.goto(created.body.joinUrl);
    await guest.getByLabel(/^Your name/).fill('Jordan Alvarez');
    const email = guest.getByLabel(/^Email address/);
    if (await email.count()) await email.fill('jordan.alvarez@northwind-traders.example');
    await guest.getByRole('button', { name: 'Continue' }).click();
    await guest.getByLabel('I accept the terms of this support session').check();
    const refuse = guest.getByLabel('Refuse recording');
    if (await refuse.count()) await refuse.check();
    await guest.getByRole('button', { name: 'Share my screen' }).click();
    await guest.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
    const start = await guest.evaluate(() => (window as unknown as { __sceneStart?: number }).__sceneStart);
    if (start === undefined) throw new Error('the join page did not take the scripted screen');
    o.log(`  sharing the scripted support session for ${o.durationSeconds} s (real time)`);

    // Sample the counters every second; snapshot both pictures at the text-heavy moments.
    const sceneNow = () => (performance.timeOrigin + performance.now() - start) / 1000;
    const moments = supportScene().measureAt.filter((m) => m.t < o.durationSeconds);
    const perSecond: number[] = [];
    const quality: QualityFigure[] = [];
    let lastBytes = 0;
    for (let second = 1; second <= o.durationSeconds; second++) {
      while (moments.length > 0 && moments[0]!.t < second) {
        const m = moments.shift()!;
        await sleep(Math.max(0, (m.t - sceneNow()) * 1000));
        const [src, seen] = await Promise.all([lumaOf(guest, 'source'), lumaOf(agent, 'console')]);
        if (!src || !seen || src.width !== seen.width || src.height !== seen.height) {
          o.log(
            `  ${m.label}: no comparable picture on the console (${seen ? `${seen.width}x${seen.height}` : 'none'})`,
          );
          continue;
        }
        quality.push(
          qualityOf({
            atSeconds: m.t,
            label: m.label,
            width: src.width,
            height: src.height,
            source: Buffer.from(src.luma, 'base64'),
            decoded: Buffer.from(seen.luma, 'base64'),
          }),
        );
      }
      await sleep(Math.max(0, (second - sceneNow()) * 1000));
      const s = await statsOf(guest);
      perSecond.push((s?.bytesSent ?? 0) - lastBytes);
      lastBytes = s?.bytesSent ?? 0;
    }
    const [sent, received] = await Promise.all([statsOf(guest), statsOf(agent)]);
    if (!sent || !received) throw new Error('the pages expose no __sightlineStats');
    // The presenter's encoder names its codec; the console only decodes.
    const codec = sent.codec ?? null;
    const stagesMs: Record<string, LatencySummary> = {};
    for (const [name, samples] of Object.entries({ ...sent.stages, ...received.stages }))
      stagesMs[name] = summarizeLatency(Float64Array.from(samples));
    const kbps = (bytes: number) => round((bytes * 8) / 1000 / o.durationSeconds);
    return {
      chromium: browser.version(),
      codec: codec ?? 'unknown (the join page named none)',
      durationSeconds: o.durationSeconds,
      avgKbps: kbps(sent.bytesSent),
      peakKbps: round((Math.max(...perSecond) * 8) / 1000),
      avgFps: round(sent.framesSent / o.durationSeconds),
      idleShare: round(perSecond.filter((b) => b === 0).length / perSecond.length, 2),
      receivedKbps: kbps(received.bytesReceived),
      glassToGlassMs: summarizeLatency(Float64Array.from(received.latencyMs)),
      stagesMs,
      quality,
    };
  } finally {
    await browser.close();
  }
}
