// The Salesforce package's components (force-app, built for the browser by
// force-app/scripts/build-browser.ts) on the local CRM sandbox's Case page, against a real relay, in
// Chromium: Start Screen Share signs the agent in and reaches the agent console, Email invite lands
// in the sandbox outbox, and the manager and a second agent (neither owns the file) list, play and
// seek the recording the relay attached to the case through the file servlet.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type Browsers } from './support/browser.ts';
import { CRM_HOST, relayBehindFront, startRelayFront } from './support/topology.ts';
import { loadConfig, policySchema } from '@sightline/config';
import { DEMO, startSandbox, type RunningSandbox } from '@sightline/crm-sandbox';
import { startRelay, type RunningRelay } from '@sightline/relay-service';
import { Recorder } from '../relay-service/src/recording/Recorder.ts';
import type { AgentIdentity, SessionReport } from '../relay-service/src/sessions/types.ts';
import { buildBrowser } from '../force-app/scripts/build-browser.ts';

const SF = DEMO.salesforce;
const CASE = SF.cases.printer;
const TIMEOUT = 20_000;
const ENCRYPTION_KEY = 'feedc0de'.repeat(8);

function tmp(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The relay's own recorder fed with real VP8 chunks from Chromium (relay-service's test fixture). */
async function recordFixture(baseName: string) {
  const bin = readFileSync(resolve(import.meta.dirname, '../relay-service/test/fixtures/vp8-320x240.bin'));
  const recorder = new Recorder({
    config: { stream: 0, codec: 'vp8', codedWidth: 320, codedHeight: 240, surface: 'browser' },
    maxBytes: 1 << 22,
    memoryBytes: 1 << 22,
    maxPackets: 10_000,
    spillDir: join(tmpdir(), 'sightline-test-spill'),
    baseName,
  });
  const t0 = Date.parse('2026-11-21T09:00:00Z');
  for (let at = 0; at < bin.length;) {
    const keyframe = bin.readUInt8(at) === 1;
    const timestampUs = bin.readDoubleBE(at + 1);
    const length = bin.readUInt32BE(at + 9);
    recorder.add(0, keyframe, t0 + timestampUs / 1000, new Uint8Array(bin.subarray(at + 13, at + 13 + length)));
    at += 13 + length;
  }
  const recording = await recorder.finish();
  assert.ok(recording, 'the fixture records');
  return recording;
}

async function signInToSandbox(page: Page, baseUrl: string, user: { username: string; password: string }) {
  await page.goto(`${baseUrl}/`);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

async function openCase(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/lightning/r/Case/${CASE}/view`);
  await page.locator('c-sightline-launcher').waitFor({ timeout: TIMEOUT });
}

/** Page errors and failed component requests fail the test that caused them. */
function watch(page: Page, problems: string[]) {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
}

test('the Sightline components on the sandbox Case page, with a real relay, in Chromium', async (t) => {
  await buildBrowser();
  const front = await startRelayFront();
  const sandboxConfig = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: {
      log: { level: 'silent' },
      relay: { publicUrl: front.url },
      sandbox: { host: CRM_HOST, salesforcePort: 0, servicenowPort: 0, dataDir: tmp(t, 'sightline-sfpkg-sandbox-') },
    },
  });
  const sandbox: RunningSandbox = await startSandbox({ config: sandboxConfig });
  t.after(() => sandbox.close());
  const relay: RunningRelay = await relayBehindFront(front, () => {
    const relayConfig = loadConfig({
      env: { SIGHTLINE_ENV: 'test' },
      overrides: {
        log: { level: 'silent' },
        relay: {
          port: 0,
          publicUrl: front.url,
          dataDir: tmp(t, 'sightline-sfpkg-relay-'),
          tokenEncryptionKey: ENCRYPTION_KEY,
        },
        salesforce: { loginUrl: sandbox.salesforceUrl, clientSecret: DEMO.oauthClient.clientSecret },
        servicenow: { instanceUrl: sandbox.servicenowUrl, clientSecret: DEMO.oauthClient.clientSecret },
      },
    });
    return startRelay({ config: relayConfig });
  });
  t.after(() => relay.close());
  sandbox.setRelayUrl(relay.url);

  const browser: Browsers = await launchChromium({
    fakeMedia: false,
    extraArgs: ['--autoplay-policy=no-user-gesture-required'],
  });
  t.after(() => browser.close());
  const problems: string[] = [];

  const agentContext: BrowserContext = await browser.newContext();
  agentContext.on('page', (p) => watch(p, problems));
  const agentPage = await agentContext.newPage();
  let joinUrl = '';

  await t.test('Start Screen Share signs the agent in to the relay and reaches the agent console', async () => {
    await signInToSandbox(agentPage, sandbox.salesforceUrl, SF.users.agent);
    await openCase(agentPage, sandbox.salesforceUrl);
    const launcher = agentPage.locator('c-sightline-launcher');
    const start = launcher.getByRole('button', { name: 'Start Screen Share' });
    await start.waitFor({ timeout: TIMEOUT });

    // First use: a 401 from the relay opens its sign-in (OAuth with the sandbox) in a new window.
    const [popup] = await Promise.all([agentContext.waitForEvent('page'), start.click()]);
    await launcher.getByText('Sign in to Sightline with your Salesforce account').waitFor({ timeout: TIMEOUT });
    await popup.getByRole('button', { name: 'Allow' }).click({ timeout: TIMEOUT });

    // Signed in: the launcher retries on its own and sends the same window to the console.
    await popup.waitForURL(new RegExp(`^${relay.url}/console/[^/?#]+$`), { timeout: TIMEOUT });
    const key = (await launcher.locator('.session-key').innerText({ timeout: TIMEOUT })).replace(/\s/g, '');
    assert.match(key, /^\d{4,12}$/);
    joinUrl = (await launcher.locator('a.join-link').getAttribute('href')) ?? '';
    assert.match(joinUrl, new RegExp(`^${relay.url}/j/[A-Za-z0-9_-]{20,64}$`));
    assert.equal((await launcher.locator('.session-status').innerText()).trim(), 'Waiting for the customer');
    // The console itself, signed in (not bounced to sign-in): it names the session's case.
    await popup.getByRole('heading', { name: /^Screen share/ }).waitFor({ timeout: TIMEOUT });
    assert.match(popup.url(), new RegExp(`^${relay.url}/console/[^/?#]+$`));
    const sessionId = popup.url().split('/').pop()!;
    assert.equal(await launcher.locator('a.console-link').getAttribute('href'), `${relay.url}/console/${sessionId}`);
    const live = relay.registry.get(sessionId);
    assert.ok(live, 'the session is live in the relay');
    assert.equal(live.snapshot.record.id, CASE);
    assert.deepEqual(problems, []);
  });

  await t.test('Email invite is sent by the org and lands in the sandbox outbox with the join link', async () => {
    const launcher = agentPage.locator('c-sightline-launcher');
    const to = launcher.getByLabel('Send the invite to');
    assert.equal(await to.inputValue(), SF.contacts.jane.email, 'prefilled with the case contact');
    await launcher.getByRole('button', { name: 'Email invite' }).click();
    await launcher
      .locator('.notice')
      .filter({ hasText: `Invite sent to ${SF.contacts.jane.email}` })
      .waitFor({ timeout: TIMEOUT });

    const outbox = await agentContext.newPage();
    await outbox.goto(`${sandbox.salesforceUrl}/outbox`);
    const links = await outbox.locator(`a[href="${joinUrl}"]`).count();
    assert.equal(links, 1, 'exactly one email carries this session join link');
    assert.ok((await outbox.content()).includes(SF.contacts.jane.email));
    await outbox.close();
    assert.deepEqual(problems, []);
  });

  await t.test("on another case's tab the utility bar lists the live session and opens its case", async () => {
    const other = SF.cases.login;
    await agentPage.goto(`${sandbox.salesforceUrl}/lightning/r/Case/${other}/view`);
    const bar = agentPage.locator('c-sightline-live-sessions');
    const item = bar.locator('li.live-session');
    await item.first().waitFor({ timeout: TIMEOUT });
    assert.equal(await item.count(), 1, 'one live session, started on the printer case');
    // This case's own launcher offers a new session: the live one belongs to another case.
    const here = agentPage.locator('c-sightline-launcher');
    await here.getByRole('button', { name: 'Start Screen Share' }).waitFor({ timeout: TIMEOUT });
    assert.equal(await here.locator('.session-key').count(), 0);
    assert.match(await item.locator('.record-link').innerText(), /00001001/);
    assert.match(
      (await item.locator('.session-key').innerText()).trim(),
      /^\d{3}( \d{1,3})+$/,
      'grouped as in the console',
    );
    await Promise.all([
      agentPage.waitForURL(`${sandbox.salesforceUrl}/lightning/r/Case/${CASE}/view`, { timeout: TIMEOUT }),
      item.locator('.record-link').click(),
    ]);
    // Back on the session's case, its launcher shows the session again (a new component, as after a tab switch).
    await agentPage.locator('c-sightline-launcher').locator('.session-key').waitFor({ timeout: TIMEOUT });
    assert.deepEqual(problems, []);
  });

  await t.test('the manager and a second agent, neither the owner, list, play and seek the recording', async () => {
    // The agent signed in to the relay in the first step, so the relay holds their CRM tokens and its
    // write-back can run as them.
    const me: AgentIdentity = {
      crm: 'salesforce',
      userId: SF.users.agent.id,
      username: SF.users.agent.username,
      displayName: SF.users.agent.name,
    };
    const sessionId = `s_e2e${Date.now()}`;
    const recording = await recordFixture('sightline-482913-2026-11-21');
    const report: SessionReport = {
      sessionId,
      record: { crm: 'salesforce', id: CASE, label: 'Printer' },
      host: { ...me, crm: 'salesforce' },
      policy: policySchema.parse({}),
      startedAt: '2026-11-21T09:00:00.000Z',
      endedAt: '2026-11-21T09:00:05.000Z',
      endReason: 'host_ended',
      durationSeconds: 5,
      attendees: [],
      log: [
        { at: '2026-11-21T09:00:00.000Z', actor: me.displayName, kind: 'created', text: 'started the session' },
        { at: '2026-11-21T09:00:01.000Z', actor: 'Jane Customer', kind: 'joined', text: 'joined' },
      ],
      recording,
    };
    relay.writeBack.accept(report);
    await relay.writeBack.drain();

    for (const viewer of [SF.users.manager, SF.users.agent2]) {
      const context = await browser.newContext();
      context.on('page', (p) => watch(p, problems));
      const page = await context.newPage();
      const ranges: number[] = [];
      page.on('response', (r) => {
        if (r.url().includes('/sfc/servlet.shepherd/version/download/')) ranges.push(r.status());
      });
      await signInToSandbox(page, sandbox.salesforceUrl, viewer);
      await openCase(page, sandbox.salesforceUrl);
      const recordings = page.locator('c-sightline-recordings');
      const item = recordings.locator('li.recording');
      await item.first().waitFor({ timeout: TIMEOUT });
      assert.equal(await item.count(), 1, `${viewer.username} lists the recording`);
      assert.equal((await item.locator('.rec-agent').innerText()).trim(), SF.users.agent.name);
      assert.match(await item.locator('.rec-log').innerText(), /started the session/);
      // Read as the browser lays it out: "Duration 1:09", not "Duration1:09"; the player bounded and the
      // log's long lines wrapped inside their column, not cut off.
      assert.match(await item.innerText(), /Duration\s+\d/);
      const layout = await item.evaluate((li) => {
        const box = (s: string) => li.querySelector(s)!.getBoundingClientRect();
        const log = li.querySelector('.rec-log')!;
        return { video: box('video.rec-video'), log: box('.rec-log'), scroll: log.scrollWidth - log.clientWidth };
      });
      assert.ok(layout.video.height <= 448, `player ${layout.video.width}x${layout.video.height}`);
      assert.ok(layout.scroll <= 1, `the log wraps (${layout.scroll} px hidden sideways)`);

      const video = item.locator('video.rec-video');
      const played = await video.evaluate(async (v: HTMLVideoElement) => {
        v.muted = true;
        await v.play();
        const wait = (what: string, done: () => boolean, event: string) =>
          new Promise<void>((ok, fail) => {
            if (done()) return ok();
            const stop = setTimeout(
              () => fail(new Error(`${what}: stuck at ${v.currentTime}s, readyState ${v.readyState}`)),
              10_000,
            );
            v.addEventListener(event, function tick() {
              if (!done()) return;
              clearTimeout(stop);
              v.removeEventListener(event, tick);
              ok();
            });
          });
        await wait('playing', () => v.currentTime > 0.5, 'timeupdate');
        v.pause();
        const duration = v.duration;
        const target = duration * 0.8;
        v.currentTime = target;
        await wait('seeking', () => !v.seeking && Math.abs(v.currentTime - target) < 0.5, 'seeked');
        return { width: v.videoWidth, height: v.videoHeight, src: v.currentSrc, duration, at: v.currentTime };
      });
      assert.deepEqual([played.width, played.height], [320, 240]);
      assert.match(played.src, /\/sfc\/servlet\.shepherd\/version\/download\/068\w+$/);
      assert.ok(Number.isFinite(played.duration), `finite duration (${played.duration})`);
      const expected = recording.durationMs / 1000;
      assert.ok(
        Math.abs(played.duration - expected) <= expected * 0.05,
        `duration ${played.duration}s within 5% of the session's ${expected}s`,
      );
      assert.ok(ranges.includes(206), `the player read byte ranges (${ranges.join(',')})`);
      await context.close();
    }
    assert.deepEqual(problems, []);
  });
});
