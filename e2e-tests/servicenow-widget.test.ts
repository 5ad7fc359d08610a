// The ServiceNow story in Chromium, with the Sightline widget as an admin installs it (its own
// template, client controller and server script, on AngularJS 1.8) against the real relay and the
// local CRM sandbox: the agent starts a session on an incident from the widget (signing in to the
// relay through ServiceNow OAuth the first time), sees key, link and status, emails the invite; a
// customer joins from the link and shares; the agent ends it; the incident then carries the work
// note with the log and the attendees and the recording as an attachment, written as the agent,
// and the widget shows both (attendees with contact details, the recording playable).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type Browsers } from './support/browser.ts';
import { CRM_HOST, relayBehindFront, startRelayFront } from './support/topology.ts';
import { z } from 'zod';
import { loadConfig } from '@sightline/config';
import { DEMO, startSandbox, type RunningSandbox } from '@sightline/crm-sandbox';
import { startRelay, type RunningRelay } from '@sightline/relay-service';
import { startWidgetHost, type WidgetHost } from './servicenow-widget/widgetHost.ts';

// Generous: the suite shares a small machine with other browser and benchmark runs.
const TIMEOUT = 45_000;
const AGENT = DEMO.servicenow.users.agent;
const INCIDENT = DEMO.servicenow.incidents.vpn;
const CUSTOMER = { name: 'Grace Hopper', email: 'grace.hopper@navy.example', phone: '+1 202 555 0142' };

const journalSchema = z.object({
  result: z.array(z.object({ value: z.string(), sys_created_by: z.string(), element: z.string() })),
});
const attachmentsSchema = z.object({
  result: z.array(
    z.object({ sys_id: z.string(), file_name: z.string(), size_bytes: z.string(), sys_created_by: z.string() }),
  ),
});
const tokenSchema = z.object({ access_token: z.string() });
const emailSchema = z.object({ result: z.array(z.object({ recipients: z.string(), body_text: z.string() })) });

let dir: string;
let sandbox: RunningSandbox;
let relay: RunningRelay;
let host: WidgetHost;
let browser: Browsers;
let token: string;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = TIMEOUT): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

async function snGet<T>(schema: z.ZodType<T>, path: string): Promise<T> {
  const res = await fetch(sandbox.servicenowUrl + path, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  assert.equal(res.status, 200, `GET ${path}`);
  return schema.parse(await res.json());
}

async function newPage(name: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  contexts.push(context);
  context.on('page', (p) => watch(name, p));
  const page = await context.newPage();
  return { context, page };
}

function watch(name: string, page: Page): void {
  page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-sn-widget-'));
  const front = await startRelayFront();
  const sandboxConfig = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: {
      relay: { publicUrl: front.url },
      sandbox: { host: CRM_HOST, salesforcePort: 0, servicenowPort: 0, dataDir: join(dir, 'sandbox') },
    },
  });
  sandbox = await startSandbox({ config: sandboxConfig });
  const tokenRes = await fetch(`${sandbox.servicenowUrl}/oauth_token.do`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: AGENT.username,
      password: AGENT.password,
      client_id: DEMO.oauthClient.clientId,
      client_secret: DEMO.oauthClient.clientSecret,
    }),
  });
  token = tokenSchema.parse(await tokenRes.json()).access_token;

  // The portal page: the widget's server script runs as the agent's instance session.
  host = await startWidgetHost({
    backend: { baseUrl: sandbox.servicenowUrl, headers: { authorization: `Bearer ${token}` } },
    user: {
      userId: AGENT.id,
      userName: AGENT.username,
      roles: ['itil', 'x_sightline_share.agent'],
      properties: {
        'x_sightline_share.relay_url': 'pending',
        'x_sightline_share.recording': 'host',
        // The sandbox's Attachment API (the platform's own default is /sys_attachment.do?sys_id=).
        'x_sightline_share.attachment_url': `${sandbox.servicenowUrl}/api/now/attachment/{sys_id}/file`,
      },
    },
  });

  relay = await relayBehindFront(front, () => {
    const config = loadConfig({
      env: { SIGHTLINE_ENV: 'test' },
      overrides: {
        log: { level: 'warn' },
        relay: {
          port: 0,
          publicUrl: front.url,
          dataDir: join(dir, 'relay'),
          tokenEncryptionKey: '0123456789abcdef'.repeat(4),
          allowedOrigins: [host.origin],
        },
        salesforce: { loginUrl: sandbox.salesforceUrl, clientSecret: DEMO.oauthClient.clientSecret },
        servicenow: { instanceUrl: sandbox.servicenowUrl, clientSecret: DEMO.oauthClient.clientSecret },
        writeBack: { retry: { baseMs: 50, maxMs: 500 }, tickMs: 1000 },
      },
    });
    return startRelay({ config });
  });
  sandbox.setRelayUrl(relay.url);
  host.setRelayUrl(relay.url);

  browser = await launchChromium({
    extraArgs: ['--auto-select-desktop-capture-source=Entire screen'],
  });
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await relay?.close();
  await host?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ServiceNow widget, as the agent and the customer use it', { timeout: 300_000 }, () => {
  let agent: { context: BrowserContext; page: Page };
  let agentConsole: Page;
  let joinUrl = '';
  let key = '';

  test('the agent starts a session from the widget on the incident, signing in to the relay first', async () => {
    agent = await newPage('agent');
    const { page, context } = agent;
    // Signed in to the instance (the sandbox's ServiceNow UI), as an agent on the incident form is.
    await page.goto(`${sandbox.servicenowUrl}/`);
    await page.getByLabel('Username').fill(AGENT.username);
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: /log in/i }).click();
    await page.waitForLoadState('networkidle');

    await page.goto(`${host.url}/sp?table=incident&sys_id=${INCIDENT.id}`);
    const widget = page.locator('.sightline-share');
    await widget.getByText(INCIDENT.number).waitFor({ timeout: TIMEOUT });
    await widget.getByLabel('Record this session').check();

    const popup = context.waitForEvent('page', { timeout: TIMEOUT });
    await widget.getByRole('button', { name: 'Start Screen Share' }).click();
    const signIn = await popup;
    await widget.locator('.sightline-signing-in').waitFor({ timeout: TIMEOUT });
    // The sandbox's OAuth page: already signed in to the instance, the agent only allows access.
    await signIn.getByRole('button', { name: 'Allow' }).click();

    await widget.locator('.sightline-key').waitFor({ timeout: 60_000 });
    await until(
      () => Promise.resolve(signIn.isClosed() ? 'closed' : signIn.url()),
      (state) => state === 'closed',
      'the sign-in window to close',
    );
    key = (await widget.locator('.sightline-key').innerText()).trim();
    joinUrl = (await widget.locator('a.sightline-join-link').getAttribute('href')) ?? '';
    assert.match(key, /^\d{6}$/);
    assert.ok(joinUrl.startsWith(`${relay.url}/j/`), joinUrl);
    assert.equal((await widget.locator('.sightline-status').innerText()).trim(), 'Waiting for the customer');

    // The agent console for watching the customer's screen, opened from the widget.
    const consoleWindow = context.waitForEvent('page', { timeout: TIMEOUT });
    await widget.getByRole('button', { name: 'Open agent console' }).click();
    agentConsole = await consoleWindow;
    await agentConsole.waitForURL(new RegExp(`${relay.url}/console/s_`), { timeout: TIMEOUT });
    await agentConsole.getByText('Waiting for the customer', { exact: true }).first().waitFor({ timeout: TIMEOUT });
    assert.deepEqual(problems, []);
  });

  test('the agent emails the invite through ServiceNow', async () => {
    assert.ok(key, 'the first step started a session');
    const widget = agent.page.locator('.sightline-share');
    await widget.getByLabel('Invite by email').fill(CUSTOMER.email);
    await widget.getByRole('button', { name: 'Send invite' }).click();
    await widget.locator('.sightline-invite-sent').getByText(`Sent to ${CUSTOMER.email}`).waitFor({ timeout: TIMEOUT });
    await agent.page.locator('.sp-message-info').getByText(`Invitation sent to ${CUSTOMER.email}`).waitFor();
    // ServiceNow sent it (sys_email on the incident), carrying the join link and the key.
    const emails = await snGet(
      emailSchema,
      `/api/now/table/sys_email?sysparm_query=${encodeURIComponent(`recipientsLIKE${CUSTOMER.email}`)}`,
    );
    assert.equal(emails.result.length, 1);
    assert.ok(emails.result[0]!.body_text.includes(joinUrl), 'the email carries the join link');
    assert.ok(emails.result[0]!.body_text.includes(key), 'the email carries the key');
  });

  test('the customer joins from the link and shares; the widget follows the status', async () => {
    const { page } = await newPage('customer');
    await page.goto(joinUrl);
    await page.getByRole('heading', { name: 'Your contact details' }).waitFor({ timeout: TIMEOUT });
    await page.getByLabel(/^Your name/).fill(CUSTOMER.name);
    await page.getByLabel(/^Email address/).fill(CUSTOMER.email);
    const phone = page.getByLabel(/^Phone number/);
    if (await phone.count()) await phone.fill(CUSTOMER.phone);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('I accept the terms of this support session').check();
    await page.getByLabel('Allow recording').check();
    await page.getByRole('button', { name: 'Share my screen' }).click();
    await page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });

    const widget = agent.page.locator('.sightline-share');
    await until(
      () => widget.locator('.sightline-status').innerText(),
      (s) => s.trim() === 'In progress',
      'the widget to show the session in progress',
    );
    await widget.locator('.sightline-participant').getByText(CUSTOMER.name).waitFor({ timeout: TIMEOUT });
    await agentConsole.getByText('In progress', { exact: true }).first().waitFor({ timeout: TIMEOUT });
    // A few seconds of screen for the recording.
    await new Promise((r) => setTimeout(r, 3000));
  });

  test('the agent ends it; the incident gets the work note and the recording, and the widget shows them', async () => {
    const widget = agent.page.locator('.sightline-share');
    await widget.getByRole('button', { name: 'End session' }).click();
    await widget.locator('.sightline-status').getByText('Ended').waitFor({ timeout: TIMEOUT });

    // In ServiceNow, as the agent: the work note with the log and the attendees, the recording.
    const notes = await until(
      () =>
        snGet(
          journalSchema,
          `/api/now/table/sys_journal_field?sysparm_query=${encodeURIComponent(`element_id=${INCIDENT.id}^element=work_notes`)}`,
        ),
      (n) => n.result.some((r) => r.value.includes(CUSTOMER.email)),
      'the session work note on the incident',
      60_000,
    );
    const note = notes.result.find((r) => r.value.includes(CUSTOMER.email))!;
    assert.equal(note.sys_created_by, AGENT.username, 'written as the agent');
    assert.ok(!note.value.includes(key), 'the session key stays out of the work note');
    assert.match(note.value, /Log:/);
    assert.match(note.value, new RegExp(CUSTOMER.name));
    const files = await until(
      () =>
        snGet(
          attachmentsSchema,
          `/api/now/attachment?sysparm_query=${encodeURIComponent(`table_name=incident^table_sys_id=${INCIDENT.id}`)}`,
        ),
      (f) => f.result.some((a) => a.file_name.startsWith('sightline-')),
      'the recording attached to the incident',
      60_000,
    );
    const recording = files.result.find((a) => a.file_name.startsWith('sightline-'))!;
    assert.equal(recording.sys_created_by, AGENT.username, 'uploaded as the agent');
    assert.ok(Number(recording.size_bytes) > 1000, `recording has content (${recording.size_bytes} bytes)`);

    // The widget re-reads the record: the attendees with their contact details, the recording playable.
    const guest = widget.locator('tr.sightline-attendee').filter({ hasText: CUSTOMER.name });
    await guest.waitFor({ timeout: 60_000 });
    assert.equal((await guest.locator('.sightline-attendee-email').innerText()).trim(), CUSTOMER.email);
    assert.equal((await guest.locator('.sightline-attendee-phone').innerText()).trim(), CUSTOMER.phone);
    await widget.locator('tr.sightline-attendee').filter({ hasText: AGENT.name }).waitFor();

    const video = widget.locator('.sightline-recording video').first();
    await video.waitFor({ timeout: TIMEOUT });
    assert.equal(
      await video.getAttribute('src'),
      `${sandbox.servicenowUrl}/api/now/attachment/${recording.sys_id}/file`,
    );
    const state = await until(
      () =>
        video.evaluate((v: HTMLVideoElement) => ({
          readyState: v.readyState,
          error: v.error?.message ?? null,
          width: v.videoWidth,
        })),
      (s) => s.error !== null || (s.readyState >= 1 && s.width > 0),
      'the recording to load in the widget',
    );
    assert.equal(state.error, null, 'the browser decodes the recording');
    assert.ok(state.width > 0);
    assert.deepEqual(problems, []);
  });

  test('on the incident form, Start Screen Share signs a new agent browser in and opens the console', async () => {
    const { page, context } = await newPage('agent on the incident form');
    await page.goto(`${sandbox.servicenowUrl}/`);
    await page.getByLabel('Username').fill(AGENT.username);
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: /log in/i }).click();
    await page.waitForLoadState('networkidle');

    const other = DEMO.servicenow.incidents.email;
    await page.goto(`${host.url}/incident.do?sys_id=${other.id}`);
    const popup = context.waitForEvent('page', { timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Start Screen Share' }).click();
    const win = await popup;
    // No relay sign-in in this browser yet: the window shows ServiceNow's OAuth page first.
    await win.getByRole('button', { name: 'Allow' }).click({ timeout: TIMEOUT });
    await win.waitForURL(new RegExp(`^${relay.url}/console/s_[A-Za-z0-9_-]+$`), { timeout: 60_000 });
    await win.getByText('Waiting for the customer', { exact: true }).first().waitFor({ timeout: TIMEOUT });
    const sessionId = new URL(win.url()).pathname.split('/').pop()!;
    const live = relay.registry.get(sessionId);
    assert.ok(live, 'the relay holds the new session');
    assert.equal(live.snapshot.record.id, other.id);
    assert.equal(live.host.username, AGENT.username);
    assert.equal(await page.locator('.form-error').count(), 0);
    await relay.registry.end(sessionId, 'host_ended', AGENT.name);
    assert.deepEqual(problems, []);
  });
});
