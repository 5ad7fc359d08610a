// The people pages in real Chromium: sign in through the form, the case page's module script runs
// under the page's CSP and calls /services/data with the UI session, a WebM recorded by Chromium's own
// MediaRecorder plays in the Files list, and a signed-in user authorizes the relay with one click.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type Browsers } from '../../e2e-tests/support/browser.ts';
import { CRM_HOST, startRelayFront, type RelayFront } from '../../e2e-tests/support/topology.ts';
import { DEMO } from '../src/index.ts';
import { passwordToken, pkce, startTestSandbox, type TestSandbox } from './helpers.ts';

const printer = DEMO.salesforce.cases.printer;
const MOUNT_SCRIPT = `
const mount = document.getElementById('sightline-mount');
const q = encodeURIComponent("SELECT Subject FROM Case WHERE Id = '" + mount.dataset.recordId + "'");
const read = await fetch('/services/data/v' + mount.dataset.apiVersion + '/query?q=' + q).then((r) => r.json());
const write = await fetch('/services/data/v62.0/sobjects/Lead', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ LastName: 'From Page', Company: 'Browser' }) });
mount.dataset.subject = read.records[0].Subject;
mount.dataset.writeStatus = String(write.status);
`;

describe('people pages in Chromium', () => {
  let t: TestSandbox;
  let build: string;
  let browser: Browsers;
  let front: RelayFront;
  let page: Page;
  let callback: Server;
  let callbackUrl: string;
  let received: URL | undefined;
  let relay: Server;
  let relayUrl: string;
  let sessionRequest: unknown;

  before(async () => {
    build = await mkdtemp(join(tmpdir(), 'sightline-build-'));
    await writeFile(join(build, 'case-page.js'), MOUNT_SCRIPT);
    t = await startTestSandbox({ host: CRM_HOST }, undefined, build);
    callback = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/auth/salesforce/callback') received = url;
      res.end('callback reached');
    });
    await new Promise<void>((ok) => callback.listen(0, '127.0.0.1', ok));
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/auth/salesforce/callback`;
    relay = createServer((req, res) => {
      const cors = {
        'Access-Control-Allow-Origin': t.sandbox.servicenowUrl,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Headers': 'Content-Type, Accept',
        'Access-Control-Allow-Methods': 'GET, POST',
      };
      if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
      // The UI action opens the relay's ServiceNow sign-in with the record to start on; the relay
      // creates the session after sign-in and turns the window into the console.
      const url = new URL(req.url ?? '/', 'http://relay');
      if (req.method === 'GET' && url.pathname === '/auth/servicenow') {
        sessionRequest = { crm: 'servicenow', recordId: url.searchParams.get('start') };
        return void res.writeHead(302, { location: '/console/s-42' }).end();
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('<title>console</title>agent console');
    });
    await new Promise<void>((ok) => relay.listen(0, '127.0.0.1', ok));
    // The relay's site: https://relay.localhost behind the test TLS front, as in every browser test.
    front = await startRelayFront();
    front.forwardTo(`http://127.0.0.1:${(relay.address() as AddressInfo).port}`);
    relayUrl = front.url;
    t.sandbox.setRelayUrl(relayUrl);
    browser = await launchChromium({
      fakeMedia: false,
    });
    const context = await browser.newContext();
    page = context.pages()[0] ?? (await context.newPage());
  });
  after(async () => {
    await browser?.close();
    await front?.close();
    await new Promise((ok) => callback.close(ok));
    await new Promise((ok) => relay.close(ok));
    await t.close();
    await rm(build, { recursive: true, force: true });
  });

  test('sign in, the mount script runs under CSP and uses the UI session', async () => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${t.sandbox.salesforceUrl}/lightning/r/Case/${printer}/view`);
    await page.fill('input[name=username]', DEMO.salesforce.users.manager.username);
    await page.fill('input[name=password]', DEMO.salesforce.users.manager.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`**/lightning/r/Case/${printer}/view`);
    const mount = page.locator('#sightline-mount');
    await mount.and(page.locator('[data-write-status]')).waitFor({ state: 'attached', timeout: 10_000 });
    assert.equal(await mount.getAttribute('data-subject'), 'Label printer stops after every job');
    assert.equal(await mount.getAttribute('data-write-status'), '201');
    assert.deepEqual(errors, []);
  });

  test('a WebM recorded by Chromium plays from the Files list', async () => {
    const base64 = await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 160;
      canvas.height = 120;
      const ctx = canvas.getContext('2d')!;
      const recorder = new MediaRecorder(canvas.captureStream(10), { mimeType: 'video/webm' });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((r) => (recorder.onstop = r));
      recorder.start();
      for (let i = 0; i < 10; i++) {
        ctx.fillStyle = `hsl(${i * 36} 80% 50%)`;
        ctx.fillRect(0, 0, 160, 120);
        await new Promise((r) => setTimeout(r, 100));
      }
      recorder.stop();
      await stopped;
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
      let s = '';
      for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    });
    const token = await passwordToken(t.sandbox.salesforceUrl);
    const res = await fetch(`${t.sandbox.salesforceUrl}/services/data/v62.0/sobjects/ContentVersion`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        Title: 'Recorded in Chromium',
        PathOnClient: 'chromium.webm',
        VersionData: base64,
        FirstPublishLocationId: printer,
      }),
    });
    assert.equal(res.status, 201);
    await page.reload();
    const duration = await page
      .locator('#files video')
      .first()
      .evaluate(
        (v: HTMLVideoElement) =>
          new Promise<number>((resolve, reject) => {
            if (v.readyState >= 1) return resolve(v.duration);
            v.addEventListener('loadedmetadata', () => resolve(v.duration));
            v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code}`)));
          }),
      );
    assert.ok(duration > 0, `the video has a duration (${duration})`);
  });

  test('a signed-in user authorizes the relay with one click (state and PKCE kept)', async () => {
    const { challenge } = pkce();
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: DEMO.oauthClient.clientId,
      redirect_uri: callbackUrl,
      state: 'relay-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    await page.goto(`${t.sandbox.salesforceUrl}/services/oauth2/authorize?${q}`);
    assert.match((await page.textContent('main')) ?? '', /Signed in as Morgan Manager/);
    await page.click('button[value=allow]');
    await page.waitForURL(`${callbackUrl}**`);
    assert.equal(received?.searchParams.get('state'), 'relay-state');
    assert.match(received?.searchParams.get('code') ?? '', /^[\w-]{40,}$/);
  });

  test("ServiceNow incident page runs the app's Start Screen Share UI action against the relay", async () => {
    const sn = t.sandbox.servicenowUrl;
    const incident = DEMO.servicenow.incidents.vpn.id;
    await page.goto(`${sn}/incident.do?sys_id=${incident}`);
    await page.fill('input[name=username]', DEMO.servicenow.users.agent.username);
    await page.fill('input[name=password]', DEMO.servicenow.users.agent.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`**/incident.do?sys_id=${incident}`);
    const [popup] = await Promise.all([page.context().waitForEvent('page'), page.click('#sightline-start')]);
    await popup.waitForURL(`${relayUrl}/console/s-42`);
    assert.deepEqual(sessionRequest, { crm: 'servicenow', recordId: incident });
    assert.equal(await page.textContent('#sightline-messages'), '');
    await popup.close();
  });
});
