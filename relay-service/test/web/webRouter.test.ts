// The pages router on a real HTTP server: pages, strict headers, the sign-in redirect, and the
// bundles rollup builds on first use (into a temp cache dir).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { loadConfig, type ConfigInput } from '@sightline/config';
import { createWebRouter } from '../../web/server.ts';

async function startPages(t: import('node:test').TestContext, overrides: ConfigInput = {}) {
  const distDir = await mkdtemp(join(tmpdir(), 'sightline-web-'));
  const config = loadConfig({ env: { SIGHTLINE_ENV: 'test' }, overrides });
  const app = express();
  app.use(await createWebRouter({ config, distDir }));
  const server = createServer(app);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    await rm(distDir, { recursive: true, force: true });
  });
  return { base, distDir };
}

test('join pages, console redirect and bundles with a strict CSP', { timeout: 120_000 }, async (t) => {
  const { base, distDir } = await startPages(t);

  const join = await fetch(`${base}/join`);
  assert.equal(join.status, 200);
  const html = await join.text();
  assert.match(html, /<script type="module" src="\/static\/join.js"><\/script>/);
  const csp = join.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/, 'no inline styles');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:\\d+`));
  assert.equal(join.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(join.headers.get('cache-control'), 'no-store');

  const token = 'Abcdefghij_klmnopqrst-123';
  // A phone shares its camera from the join pages only; no page gets the microphone.
  assert.equal(
    join.headers.get('permissions-policy'),
    'display-capture=(self), camera=(self), microphone=(), geolocation=()',
  );
  const linkPage = await fetch(`${base}/j/${token}`);
  assert.match(linkPage.headers.get('permissions-policy') ?? '', /camera=\(self\)/);
  const byLink = await linkPage.text();
  assert.match(byLink, new RegExp(`data-token="${token}"`));
  const badLink = await fetch(`${base}/j/%3Cscript%3E`);
  assert.equal(badLink.status, 404);
  assert.match(await badLink.text(), /This link is not valid/);

  const anonymous = await fetch(`${base}/console/s_123?crm=servicenow`, { redirect: 'manual' });
  assert.match(anonymous.headers.get('permissions-policy') ?? '', /camera=\(\)/, 'no camera on the console');
  assert.equal(anonymous.status, 302);
  assert.equal(anonymous.headers.get('location'), '/auth/servicenow?returnTo=%2Fconsole%2Fs_123');
  // Both CRMs configured and none named: the agent chooses.
  const choose = await fetch(`${base}/console/s_123`, { redirect: 'manual' });
  assert.equal(choose.status, 200);
  const chooser = await choose.text();
  assert.match(chooser, /href="\/auth\/salesforce\?returnTo=%2Fconsole%2Fs_123"/);
  assert.match(chooser, /href="\/auth\/servicenow\?returnTo=%2Fconsole%2Fs_123"/);
  const signedIn = await fetch(`${base}/console/s_123`, { headers: { cookie: 'a=b; sightline_sid=x' } });
  assert.equal(signedIn.status, 200);
  assert.match(await signedIn.text(), /data-session-id="s_123" data-crm=""/);
  const again = await fetch(`${base}/console/s_123?signin=choose`, { headers: { cookie: 'sightline_sid=expired' } });
  assert.match(await again.text(), /Sign in to open the console/);

  for (const file of ['join.js', 'console.js', 'page.css']) {
    const res = await fetch(`${base}/static/${file}`);
    assert.equal(res.status, 200, file);
    assert.match(res.headers.get('content-type') ?? '', file.endsWith('.js') ? /javascript/ : /css/);
    const body = await res.text();
    if (file === 'join.js') assert.match(body, /sl-join-app/);
  }
  assert.equal((await fetch(`${base}/static/nope.js`)).status, 404);
  // One cached build, reused by the next router on the same folder.
  const builds = (await readdir(distDir)).filter((n) => n.startsWith('build-'));
  assert.equal(builds.length, 1);
});

test('with one CRM configured the console goes straight to its sign-in', { timeout: 120_000 }, async (t) => {
  const { base } = await startPages(t, { servicenow: { enabled: false } });
  const res = await fetch(`${base}/console/s_9`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/auth/salesforce?returnTo=%2Fconsole%2Fs_9');
  const page = await fetch(`${base}/console/s_9`, { headers: { cookie: 'sightline_sid=x' } });
  assert.match(await page.text(), /data-crm="salesforce"/);
});
