// The relay's pages in Debian's Chromium against the real relay and the CRM sandbox: the agent
// signs in through the sandbox's OAuth page and opens the console, the customer joins and shares
// Chromium's synthetic screen, and the agent's canvas must show it. Prints glass-to-glass latency
// and average bitrate (figures, not assertions).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe.ts';
import { launchChromium, type Browsers } from './support/browser.ts';
import { CRM_HOST, relayBehindFront, relayFetch, startRelayFront } from './support/topology.ts';
import { loadConfig } from '@sightline/config';
import { DEMO, startSandbox, type RunningSandbox } from '@sightline/crm-sandbox';
import { startRelay, type RunningRelay } from '@sightline/relay-service';

const CASE = DEMO.salesforce.cases.printer;
const TIMEOUT = 20_000;

interface Stats {
  framesEncoded: number;
  framesSent: number;
  bytesSent: number;
  framesDecoded: number;
  bytesReceived: number;
  keyframesReceived: number;
  latencyMs: number[];
  startedAt: number;
}

let sandbox: RunningSandbox;
let relay: RunningRelay;
let browser: Browsers;
const dirs: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

before(async () => {
  const front = await startRelayFront();
  const sandboxConfig = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: { relay: { publicUrl: front.url }, sandbox: { host: CRM_HOST, dataDir: tmp('sightline-e2e-sandbox-') } },
  });
  sandbox = await startSandbox({ config: sandboxConfig });
  relay = await relayBehindFront(front, () => {
    const config = loadConfig({
      env: { SIGHTLINE_ENV: 'test' },
      overrides: {
        relay: {
          publicUrl: front.url,
          dataDir: tmp('sightline-e2e-relay-'),
          tokenEncryptionKey: '0123456789abcdef'.repeat(4),
        },
        salesforce: { loginUrl: sandbox.salesforceUrl, clientSecret: DEMO.oauthClient.clientSecret },
        servicenow: { instanceUrl: sandbox.servicenowUrl, clientSecret: DEMO.oauthClient.clientSecret },
      },
    });
    return startRelay({ config });
  });
  sandbox.setRelayUrl(relay.url);
  // The first page request waits for the bundles to be built: done here, not inside a test's timeout.
  assert.equal((await relayFetch(`${relay.url}/join`)).status, 200, 'the pages are built');
  // The page size is what the fake display capture measures (the tests expect 1280x720).
  browser = await launchChromium({ viewport: { width: 1280, height: 720 } });
});

after(async () => {
  await browser?.close();
  await relay?.close();
  await sandbox?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Fails the test on any CSP violation or uncaught page error. */
function watch(page: Page, problems: string[]) {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
}

async function signInOnSandbox(page: Page) {
  await page.getByLabel('Username').fill(DEMO.salesforce.users.agent.username);
  await page.getByLabel('Password').fill(DEMO.salesforce.users.agent.password);
  await page.getByRole('button', { name: 'Allow' }).click();
}

/**
 * The agent signs in through the sandbox's OAuth page, creates a session and opens its console.
 * `viaConsoleLink`: the console link is then opened in a fresh browser (no relay cookie), which
 * must lead through sign-in back to the console.
 */
async function openConsole(problems: string[], { viaConsoleLink = false } = {}) {
  let context = await browser.newContext();
  let page = await context.newPage();
  watch(page, problems);
  await page.goto(`${relay.url}/auth/salesforce?returnTo=${encodeURIComponent('/join')}`);
  await signInOnSandbox(page);
  await page.waitForURL(`${relay.url}/join`);
  const created = await page.evaluate(async (recordId) => {
    const res = await fetch('/api/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ crm: 'salesforce', recordId }),
    });
    return (await res.json()) as { sessionId: string; key: string; joinUrl: string; consoleUrl: string };
  }, CASE);
  assert.ok(created.sessionId, `session created: ${JSON.stringify(created)}`);
  if (viaConsoleLink) {
    await context.close();
    context = await browser.newContext();
    page = await context.newPage();
    watch(page, problems);
    await page.goto(created.consoleUrl);
    await page.getByRole('link', { name: 'Sign in with Salesforce' }).click();
    await signInOnSandbox(page);
    await page.waitForURL(created.consoleUrl);
  } else {
    await page.goto(created.consoleUrl);
  }
  await page.getByText('Waiting for the customer', { exact: true }).waitFor({ timeout: TIMEOUT });
  return { context, page, session: created };
}

async function openGuest(url: string, problems: string[]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, problems);
  await page.goto(url);
  return { context, page };
}

/** Contact details, terms, recording answer (when asked). */
async function fillJoinForms(page: Page) {
  await page.getByLabel(/Your name/).fill('Ada Customer');
  await page.getByLabel(/Email address/).fill('ada.customer@example.com');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('I accept the terms of this support session').check();
  const refuse = page.getByLabel('Refuse recording');
  if (await refuse.count()) await refuse.check();
}

const stats = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __sightlineStats: Stats }).__sightlineStats);

/** Pixels of the agent's canvas (inside the console's shadow roots). */
function canvasPixels(page: Page, points: [number, number][]) {
  return page.evaluate((pts) => {
    const app = document.querySelector('sl-console-app')!.shadowRoot!;
    const canvas = app.querySelector('sl-screen-view')!.shadowRoot!.querySelector('canvas')!;
    const ctx = canvas.getContext('2d')!;
    // The source's pacman is bright green (74, 255, 22): count such pixels in the middle.
    const middle = ctx.getImageData(440, 260, 400, 300).data;
    let pacman = 0;
    for (let i = 0; i < middle.length; i += 4) {
      if (middle[i]! > 40 && middle[i]! < 110 && middle[i + 1]! > 220 && middle[i + 2]! < 60) pacman++;
    }
    return {
      width: canvas.width,
      height: canvas.height,
      pixels: pts.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3))),
      pacman,
      // A cheap fingerprint of the clock text area, which changes with every frame of the source.
      clock: Array.from(ctx.getImageData(90, 25, 300, 45).data).reduce((h, v, i) => (h * 31 + v * (i + 1)) >>> 0, 7),
    };
  }, points);
}

const near = (actual: number[], expected: number[], tolerance = 24) =>
  actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = TIMEOUT): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

describe('relay pages in Chromium', { timeout: 180_000 }, () => {
  test('the customer shares by link, the agent sees the synthetic screen; chat, pointer, control, drops, stop, resume, leave', async () => {
    const problems: string[] = [];
    const agent = await openConsole(problems);
    const guest = await openGuest(agent.session.joinUrl, problems);
    const closeAll = async () => {
      await guest.context.close();
      await agent.context.close();
    };
    try {
      await fillJoinForms(guest.page);
      await guest.page.getByRole('button', { name: 'Share my screen' }).click();
      await guest.page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });

      // The agent's canvas shows Chromium's synthetic screen: green field, bright green pacman and
      // corner squares, a running clock.
      await until(
        () => stats(agent.page),
        (s) => (s?.framesDecoded ?? 0) >= 5,
        'decoded frames',
      );
      await agent.page.getByText('In progress', { exact: true }).waitFor({ timeout: TIMEOUT });
      const first = await canvasPixels(agent.page, [
        [640, 150],
        [200, 400],
        [1100, 600],
      ]);
      assert.equal(first.width, 1280);
      assert.equal(first.height, 720);
      for (const px of first.pixels) assert.ok(near(px, [0, 135, 0]), `background is the source's green: ${px}`);
      assert.ok(first.pacman > 5000, `the bright green pacman is there (${first.pacman} pixels)`);
      const later = await until(
        () => canvasPixels(agent.page, [[640, 150]]),
        (p) => p.clock !== first.clock,
        'the picture to change over time',
      );
      assert.ok(near(later.pixels[0]!, [0, 135, 0]));
      assert.ok(later.pacman > 5000);

      // Figures over a steady window of sharing (printed, not asserted).
      const g0 = await stats(guest.page);
      const a0 = await stats(agent.page);
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 8000));
      const g1 = await stats(guest.page);
      const a1 = await stats(agent.page);
      const seconds = (Date.now() - t0) / 1000;
      const samples = a1.latencyMs.slice(a0.latencyMs.length);
      console.log(
        `[figures] glass-to-glass latency p50 ${percentile(samples, 50).toFixed(1)} ms, ` +
          `p95 ${percentile(samples, 95).toFixed(1)} ms (${samples.length} samples); ` +
          `average bitrate ${(((g1.bytesSent - g0.bytesSent) * 8) / seconds / 1000).toFixed(1)} kbit/s over ` +
          `${seconds.toFixed(1)} s (${g1.framesSent - g0.framesSent} frames sent, ` +
          `${a1.framesDecoded - a0.framesDecoded} decoded; the synthetic source changes every frame)`,
      );

      // Chat both ways.
      await agent.page.getByPlaceholder('Write a message').fill('Hello Ada, I can see your screen.');
      await agent.page.getByPlaceholder('Write a message').press('Enter');
      await guest.page.getByText('Hello Ada, I can see your screen.').waitFor({ timeout: TIMEOUT });
      await guest.page.getByPlaceholder('Write a message').fill('Great, the printer is the problem.');
      await guest.page.getByRole('button', { name: 'Send' }).click();
      await agent.page.getByText('Great, the printer is the problem.').waitFor({ timeout: TIMEOUT });

      // The agent's pointer shows on the customer's preview, where the agent points: fractions of the
      // picture, not of the picture plus its caption.
      const canvas = agent.page.locator('sl-screen-view canvas');
      const box = (await canvas.boundingBox())!;
      await agent.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const aimed = { x: 0.25, y: 0.8 };
      await agent.page.mouse.move(box.x + box.width * aimed.x, box.y + box.height * aimed.y);
      await guest.page.locator('.pointer').waitFor({ timeout: TIMEOUT });
      const video = (await guest.page.getByLabel('What the agent sees').boundingBox())!;
      const landed = await until(
        async () => {
          const dot = (await guest.page.locator('.pointer').boundingBox())!;
          return {
            x: (dot.x + dot.width / 2 - video.x) / video.width,
            y: (dot.y + dot.height / 2 - video.y) / video.height,
          };
        },
        (p) => Math.abs(p.x - aimed.x) < 0.05,
        'the pointer to follow the last move',
      );
      assert.ok(
        Math.abs(landed.x - aimed.x) * video.width < 3 && Math.abs(landed.y - aimed.y) * video.height < 3,
        `the pointer lands where the agent points: ${JSON.stringify(landed)} on a ${video.width}x${video.height} preview`,
      );

      // In the browser the agent can only point: asked for control, the customer is told so and offered the
      // desktop app, not a grant that would turn the bar red while nothing can be controlled.
      await agent.page.getByRole('button', { name: 'Request control' }).click();
      const prompt = guest.page.getByRole('alertdialog', { name: /asks to control your screen/ });
      await prompt.waitFor({ timeout: TIMEOUT });
      await prompt.getByText(/In the browser .* can only point at your screen/).waitFor({ timeout: TIMEOUT });
      await prompt.getByRole('button', { name: 'Open the Sightline app' }).waitFor({ timeout: TIMEOUT });
      assert.equal(await prompt.getByRole('button', { name: 'Allow control' }).count(), 0);
      await prompt.getByRole('button', { name: 'Not now' }).click();
      await prompt.waitFor({ state: 'detached', timeout: TIMEOUT });
      await guest.page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });

      // The customer's connection is down for 5 s: both sides show "reconnecting", not an error...
      assert.equal(
        await guest.page.evaluate(() =>
          (globalThis as unknown as { __sightlineDropConnections(ms: number): number }).__sightlineDropConnections(
            5000,
          ),
        ),
        1,
      );
      await guest.page.getByRole('heading', { name: 'Reconnecting…' }).waitFor({ timeout: TIMEOUT });
      await agent.page.getByText('reconnecting…', { exact: true }).waitFor({ timeout: TIMEOUT });
      await agent.page.getByText('Customer absent', { exact: true }).waitFor({ timeout: TIMEOUT });
      // ...and when it is back, the session resumes by itself.
      const drop = (page: Page, ms: number) =>
        page.evaluate(
          (outage) =>
            (globalThis as unknown as { __sightlineDropConnections(ms: number): number }).__sightlineDropConnections(
              outage,
            ),
          ms,
        );
      let before = (await stats(agent.page)).framesDecoded;
      await until(
        () => stats(agent.page),
        (s) => s.framesDecoded > before + 5,
        'frames after the customer is back',
      );
      await agent.page.getByText('In progress', { exact: true }).waitFor({ timeout: TIMEOUT });
      await guest.page.getByText('You are sharing your screen', { exact: true }).waitFor({ timeout: TIMEOUT });
      // The agent's connection drops for 3 s: the customer sees the agent reconnecting.
      assert.equal(await drop(agent.page, 3000), 1);
      await agent.page.getByText('Reconnecting…', { exact: true }).waitFor({ timeout: TIMEOUT });
      await guest.page.getByText(/connection dropped; they are reconnecting/).waitFor({ timeout: TIMEOUT });
      before = (await stats(agent.page)).framesDecoded;
      await until(
        () => stats(agent.page),
        (s) => s.framesDecoded > before + 5,
        'frames after the agent is back',
      );
      await agent.page.getByText('In progress', { exact: true }).waitFor({ timeout: TIMEOUT });
      await guest.page.getByText('You are sharing your screen', { exact: true }).waitFor({ timeout: TIMEOUT });
      await guest.page.getByPlaceholder('Write a message').fill('Still here after the drop.');
      await guest.page.getByPlaceholder('Write a message').press('Enter');
      await agent.page.getByText('Still here after the drop.').waitFor({ timeout: TIMEOUT });

      // Stop sharing, then resume.
      await guest.page.getByRole('button', { name: 'Stop sharing' }).click();
      await guest.page.getByText('Your screen is not shared', { exact: true }).waitFor({ timeout: TIMEOUT });
      await agent.page
        .getByText('Waiting for the customer to share their screen…', { exact: true })
        .waitFor({ timeout: TIMEOUT });
      const stopped = (await stats(agent.page)).framesDecoded;
      await guest.page.getByRole('button', { name: 'Resume sharing' }).click();
      await guest.page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
      await until(
        () => stats(agent.page),
        (s) => s.framesDecoded > stopped + 3,
        'frames after resume',
      );
      const resumed = await canvasPixels(agent.page, [[640, 150]]);
      assert.ok(near(resumed.pixels[0]!, [0, 135, 0]), `resumed picture: ${resumed.pixels[0]}`);

      // Leave: the customer sees a clear end; the last guest leaving ends the session for the agent.
      await guest.page.getByRole('button', { name: 'Leave' }).click();
      await guest.page.getByRole('heading', { name: 'You left the session' }).waitFor({ timeout: TIMEOUT });
      await agent.page.getByRole('heading', { name: 'The customer left' }).waitFor({ timeout: TIMEOUT });
      assert.deepEqual(problems, []);
    } finally {
      await closeAll();
    }
  });

  test('the customer closes the tab and reopens the link: the same participant, no second consent, no ghost', async () => {
    const problems: string[] = [];
    const agent = await openConsole(problems);
    const guest = await openGuest(agent.session.joinUrl, problems);
    try {
      await fillJoinForms(guest.page);
      await guest.page.getByRole('button', { name: 'Share my screen' }).click();
      await guest.page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
      await until(
        () => stats(agent.page),
        (s) => (s?.framesDecoded ?? 0) >= 3,
        'decoded frames',
      );
      const names = agent.page.locator('sl-attendee-list .name');
      await until(
        () => names.allInnerTexts(),
        (n) => n.includes('Ada Customer'),
        'the customer in the attendee list',
      );

      // The tab is closed; the agent sees the customer reconnecting.
      await guest.page.close();
      await agent.page.getByText('Customer absent', { exact: true }).waitFor({ timeout: TIMEOUT });
      // The same link in a new tab of the same browser: straight back in, no details or consent asked.
      const again = await guest.context.newPage();
      watch(again, problems);
      await again.goto(agent.session.joinUrl);
      await again.getByRole('button', { name: 'Resume sharing' }).waitFor({ timeout: TIMEOUT });
      assert.equal(await again.getByLabel(/Your name/).count(), 0, 'no contact form');
      assert.equal(await again.getByLabel('I accept the terms of this support session').count(), 0, 'no consent');
      const before = (await stats(agent.page)).framesDecoded;
      await again.getByRole('button', { name: 'Resume sharing' }).click();
      await again.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
      await until(
        () => stats(agent.page),
        (s) => s.framesDecoded > before + 3,
        'frames after the customer came back',
      );
      await agent.page.getByText('In progress', { exact: true }).waitFor({ timeout: TIMEOUT });
      const after = await names.allInnerTexts();
      assert.equal(after.filter((n) => n === 'Ada Customer').length, 1, `one Ada, no ghost: ${after.join(', ')}`);

      await again.getByRole('button', { name: 'Leave' }).click();
      await again.getByRole('heading', { name: 'You left the session' }).waitFor({ timeout: TIMEOUT });
      await agent.page.getByRole('heading', { name: 'The customer left' }).waitFor({ timeout: TIMEOUT });
      // Having left, the link does not put them back in silently.
      const third = await guest.context.newPage();
      await third.goto(agent.session.joinUrl);
      await third
        .getByRole('heading', { name: /This link does not open a session|Your details/ })
        .first()
        .waitFor({
          timeout: TIMEOUT,
        });
      assert.equal(await third.getByRole('button', { name: 'Resume sharing' }).count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await guest.context.close();
      await agent.context.close();
    }
  });

  test('a still screen sends (almost) nothing; typing sends a burst', async () => {
    const problems: string[] = [];
    const agent = await openConsole(problems);
    const context = await browser.newContext();
    // A scripted support workload instead of the animated fake device: a white form with text,
    // repainted every animation frame like a real screen capture; `__workload.type()` types into it.
    await context.addInitScript(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 1280;
      canvas.height = 720;
      const ctx = canvas.getContext('2d')!;
      let typed = '';
      const paint = () => {
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(0, 0, 1280, 720);
        ctx.fillStyle = '#1b1b1b';
        ctx.font = '22px sans-serif';
        ctx.fillText('Printer settings  ·  Device: HP LaserJet 4000  ·  Status: offline', 40, 60);
        for (let i = 0; i < 12; i++)
          ctx.fillText(`Option ${i + 1}: default value for setting number ${i + 1}`, 40, 120 + i * 34);
        ctx.strokeRect(40, 560, 800, 44);
        ctx.fillText(typed, 52, 590);
        requestAnimationFrame(paint);
      };
      (globalThis as unknown as { __workload: { type(t: string): void } }).__workload = {
        type(t: string) {
          typed += t;
        },
      };
      navigator.mediaDevices.getDisplayMedia = async () => {
        paint();
        return canvas.captureStream(30);
      };
    });
    const page = await context.newPage();
    watch(page, problems);
    await page.goto(agent.session.joinUrl);
    try {
      await fillJoinForms(page);
      await page.getByRole('button', { name: 'Share my screen' }).click();
      await page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
      await until(
        () => stats(agent.page),
        (s) => (s?.framesDecoded ?? 0) >= 1,
        'the first frame',
      );
      const t0 = Date.now();
      const g0 = await stats(page);
      // Let the picture settle, then watch a still screen for 4 s.
      await new Promise((r) => setTimeout(r, 1500));
      const stillStart = await stats(page);
      await new Promise((r) => setTimeout(r, 4000));
      const stillEnd = await stats(page);
      const stillFrames = stillEnd.framesSent - stillStart.framesSent;
      assert.ok(stillFrames <= 2, `a still screen sends almost nothing (${stillFrames} frames in 4 s)`);
      // Typing: every keystroke changes the screen and goes out at once.
      for (const ch of 'My printer says offline') {
        await page.evaluate(
          (c) => (globalThis as unknown as { __workload: { type(t: string): void } }).__workload.type(c),
          ch,
        );
        await new Promise((r) => setTimeout(r, 120));
      }
      const typedEnd = await stats(page);
      const typingFrames = typedEnd.framesSent - stillEnd.framesSent;
      assert.ok(typingFrames >= 12, `typing sends a burst (${typingFrames} frames for 23 keystrokes)`);
      await new Promise((r) => setTimeout(r, 4000));
      const g1 = await stats(page);
      const a1 = await stats(agent.page);
      const pixels = await canvasPixels(agent.page, [
        [1200, 700],
        [60, 580],
      ]);
      assert.ok(near(pixels.pixels[0]!, [255, 255, 255], 12), `the agent sees the white form: ${pixels.pixels[0]}`);
      const seconds = (Date.now() - t0) / 1000;
      console.log(
        `[figures] support workload (still form, typing, still): average bitrate ` +
          `${(((g1.bytesSent - g0.bytesSent) * 8) / seconds / 1000).toFixed(1)} kbit/s over ${seconds.toFixed(1)} s, ` +
          `${g1.framesSent - g0.framesSent} frames sent (${stillFrames} in 4 s still, ${typingFrames} while typing); ` +
          `glass-to-glass p50 ${percentile(a1.latencyMs, 50).toFixed(1)} ms`,
      );
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await agent.context.close();
    }
  });

  test('without MediaStreamTrackProcessor (the Firefox/Safari path) the share still reaches the agent; the agent ends it', async () => {
    const problems: string[] = [];
    const agent = await openConsole(problems);
    const context = await browser.newContext();
    await context.addInitScript(() => {
      delete (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor;
    });
    const page = await context.newPage();
    watch(page, problems);
    await page.goto(agent.session.joinUrl);
    try {
      await fillJoinForms(page);
      await page.getByRole('button', { name: 'Share my screen' }).click();
      await page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
      await until(
        () => stats(agent.page),
        (s) => (s?.framesDecoded ?? 0) >= 10,
        'frames through the fallback',
      );
      const seen = await canvasPixels(agent.page, [[640, 150]]);
      assert.ok(near(seen.pixels[0]!, [0, 135, 0]), `the source's green: ${seen.pixels[0]}`);
      assert.ok(seen.pacman > 5000);
      // The agent ends the session for everyone: a clear end on both sides.
      await agent.page.getByRole('button', { name: 'End session' }).click();
      await agent.page.getByRole('button', { name: 'Yes, end for everyone' }).click();
      await agent.page.getByRole('heading', { name: 'The session has ended' }).waitFor({ timeout: TIMEOUT });
      await page.getByRole('heading', { name: 'The session has ended' }).waitFor({ timeout: TIMEOUT });
      await page.getByText('The agent ended the session.').waitFor({ timeout: TIMEOUT });
      assert.equal(await page.getByText('Your screen is visible').count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await agent.context.close();
    }
  });

  test('an H.264-only encoder without Annex B (avcC description) still reaches the agent', async () => {
    const problems: string[] = [];
    const agent = await openConsole(problems);
    const context = await browser.newContext();
    // Pretend the browser only has H.264 with length-prefixed output (as some encoders do).
    await context.addInitScript(() => {
      const original = VideoEncoder.isConfigSupported.bind(VideoEncoder);
      VideoEncoder.isConfigSupported = async (config: VideoEncoderConfig) => {
        const onlyAvcc = config.codec.startsWith('avc1') && config.avc?.format === 'avc';
        return onlyAvcc ? original(config) : { supported: false, config };
      };
    });
    const page = await context.newPage();
    watch(page, problems);
    await page.goto(agent.session.joinUrl);
    try {
      await fillJoinForms(page);
      await page.getByRole('button', { name: 'Share my screen' }).click();
      await page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
      await until(
        () => stats(agent.page),
        (s) => (s?.framesDecoded ?? 0) >= 10,
        'H.264 frames decoded',
      );
      const [stream] = relay.registry.get(agent.session.sessionId)!.snapshot.streams;
      assert.match(stream!.codec, /^avc1\./);
      assert.ok(stream!.description, 'the avcC description travels in stream-start');
      const seen = await canvasPixels(agent.page, [[640, 150]]);
      assert.ok(near(seen.pixels[0]!, [0, 135, 0]), `the source's green: ${seen.pixels[0]}`);
      assert.ok(seen.pacman > 5000);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await agent.context.close();
    }
  });

  test('an invalid link, an unknown page and a refused sign-in are styled pages in plain words', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    watch(page, problems);
    /** The page's card: the relay's stylesheet applied (white card, sans-serif), not a bare document. */
    const card = async (heading: string) => {
      await page.getByRole('heading', { name: heading }).waitFor({ timeout: TIMEOUT });
      return page.locator('main').evaluate((el) => {
        const style = getComputedStyle(el);
        return { background: style.backgroundColor, font: style.fontFamily, text: el.textContent ?? '' };
      });
    };
    try {
      await page.goto(`${relay.url}/j/not-a-token`);
      const link = await card('This link is not valid');
      assert.equal(link.background, 'rgb(255, 255, 255)');
      assert.doesNotMatch(link.font, /^"?Times/);
      await page.goto(`${relay.url}/no-such-page`);
      assert.match((await card('Page not found')).text, /does not open anything/);
      // The agent denies the relay at the CRM's authorization page: a page that says so, not JSON.
      await page.goto(`${relay.url}/auth/salesforce?returnTo=/`);
      await page.getByRole('button', { name: 'Deny' }).click();
      const refused = await card('Sign-in did not complete');
      assert.equal(refused.background, 'rgb(255, 255, 255)');
      assert.match(refused.text, /start again from your CRM/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('axe-core finds no violations on the join page, its forms and consent, and the console', async () => {
    const problems: string[] = [];
    const agent = await openConsole(problems);
    const guest = await openGuest(agent.session.joinUrl, problems);
    const found: Record<string, string[]> = {};
    try {
      found['console, waiting'] = await axeViolations(agent.page);
      await guest.page.getByLabel(/Your name/).waitFor({ timeout: TIMEOUT });
      found['join: contact details'] = await axeViolations(guest.page);
      await guest.page.getByLabel(/Your name/).fill('Ada Customer');
      await guest.page.getByLabel(/Email address/).fill('ada.customer@example.com');
      await guest.page.getByRole('button', { name: 'Continue' }).click();
      await guest.page.getByLabel('I accept the terms of this support session').waitFor({ timeout: TIMEOUT });
      found['join: consent'] = await axeViolations(guest.page);
      const byKey = await guest.context.newPage();
      await byKey.goto(`${relay.url}/join`);
      await byKey.getByLabel('Session key').waitFor({ timeout: TIMEOUT });
      found['join: key'] = await axeViolations(byKey);
      await guest.page.getByLabel('I accept the terms of this support session').check();
      const refuse = guest.page.getByLabel('Refuse recording');
      if (await refuse.count()) await refuse.check();
      await guest.page.getByRole('button', { name: 'Share my screen' }).click();
      await guest.page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
      await agent.page.getByText('In progress', { exact: true }).waitFor({ timeout: TIMEOUT });
      found['console, in progress'] = await axeViolations(agent.page);

      // At 1280x720 the whole picture is above the fold, and a status line does not move the toolbar.
      const canvas = (await agent.page.locator('sl-screen-view canvas').boundingBox())!;
      assert.ok(canvas.y + canvas.height <= 720, `the viewer ends at ${canvas.y + canvas.height} px of 720`);
      const toolbar = agent.page.getByRole('toolbar', { name: 'Session actions' });
      const before = (await toolbar.boundingBox())!;
      await agent.page.getByLabel('Email of the agent to invite').fill('not an address');
      await agent.page.getByRole('button', { name: 'Invite agent' }).click();
      await agent.page.getByText(/Enter the colleague.s email address/).waitFor({ timeout: TIMEOUT });
      const withStatus = (await toolbar.boundingBox())!;
      assert.deepEqual(
        [withStatus.y, withStatus.height],
        [before.y, before.height],
        'the toolbar keeps its place and size',
      );
      const moved = (await agent.page.locator('sl-screen-view canvas').boundingBox())!;
      assert.equal(moved.y, canvas.y, 'the viewer does not move');
      found['console, with a status line'] = await axeViolations(agent.page);
      found['join: sharing'] = await axeViolations(guest.page);
      const all = Object.entries(found).flatMap(([where, v]) => v.map((line) => `${where}: ${line}`));
      assert.deepEqual(all, []);
      assert.deepEqual(problems, []);
    } finally {
      await guest.context.close();
      await agent.context.close();
    }
  });

  test('a browser without WebCodecs is told so in plain words', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      delete (globalThis as { VideoEncoder?: unknown }).VideoEncoder;
    });
    const page = await context.newPage();
    try {
      await page.goto(`${relay.url}/join`);
      await page.getByRole('heading', { name: 'This browser cannot share a screen' }).waitFor({ timeout: TIMEOUT });
      await page.getByText(/WebCodecs is missing\). Please update your browser/).waitFor({ timeout: TIMEOUT });
    } finally {
      await context.close();
    }
  });

  test('a wrong key gives a clear message; the right key joins; the agent emails the link', async () => {
    const problems: string[] = [];
    const agent = await openConsole(problems);
    const guest = await openGuest(`${relay.url}/join`, problems);
    try {
      const wrong = agent.session.key === '000000' ? '111111' : '000000';
      await guest.page.getByLabel('Session key').fill(wrong);
      await guest.page.getByRole('button', { name: 'Continue' }).click();
      await guest.page
        .getByText('That key does not match an active session. Check the digits with your agent and try again.')
        .waitFor({ timeout: TIMEOUT });
      await guest.page.getByLabel('Session key').fill(agent.session.key);
      await guest.page.getByRole('button', { name: 'Continue' }).click();
      await guest.page.getByRole('heading', { name: 'Your contact details' }).waitFor({ timeout: TIMEOUT });
      // The agent emails the link to the case contact through the CRM (the sandbox's outbox).
      await agent.page.getByRole('button', { name: 'Email the link to the customer' }).click();
      await agent.page.getByText(/^Join link emailed to .+@.+\.$/).waitFor({ timeout: TIMEOUT });
      assert.deepEqual(problems, []);
    } finally {
      await guest.context.close();
      await agent.context.close();
    }
  });

  test('refusing consent ends the session politely on both sides (console opened by its link, signing in)', async () => {
    const problems: string[] = [];
    const agent = await openConsole(problems, { viaConsoleLink: true });
    const guest = await openGuest(agent.session.joinUrl, problems);
    try {
      await fillJoinForms(guest.page);
      await guest.page.getByRole('button', { name: "No, don't share" }).click();
      await guest.page.getByRole('heading', { name: 'You chose not to share' }).waitFor({ timeout: TIMEOUT });
      await agent.page.getByRole('heading', { name: 'The customer declined' }).waitFor({ timeout: TIMEOUT });
      assert.equal(((await stats(agent.page)) ?? { framesDecoded: 0 }).framesDecoded, 0);
      assert.deepEqual(problems, []);
    } finally {
      await guest.context.close();
      await agent.context.close();
    }
  });
});
