// The relay's own console keeps a first-party login cookie: on a public https relay SameSite=None;
// Secure, loopback http keeps Lax. The CRM-embedded components use bearer tokens (handoff.test.ts), and
// CORS never allows credentials. CSRF rests on the Origin allow-list and the JSON content type, on
// every state-changing route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { loadConfig } from '@sightline/config';
import { startSandbox } from '@sightline/crm-sandbox';
import { cookiePolicyFor, SESSION_COOKIE } from '../src/auth/cookies.ts';
import type { AppContext } from '../src/http/AppContext.ts';
import { createApp } from '../src/http/createApp.ts';
import { startRelay } from '../src/index.ts';
import { createMetrics } from '../src/metrics.ts';
import { signIn } from './helpers/signIn.ts';
import { DEMO, startStack, TEST_KEY } from './helpers/stack.ts';
import { tmpDir } from './helpers/tmp.ts';

const PUBLIC = 'https://relay.sightline.example';
const ORG = 'https://org.lightning.example';
const CASE = DEMO.salesforce.cases.printer;

const cookieLine = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

test('cookie policy: SameSite=None; Secure on a public https relay, Lax on loopback or http', () => {
  assert.deepEqual(cookiePolicyFor(PUBLIC), { secure: true, sessionSameSite: 'none' });
  assert.deepEqual(cookiePolicyFor('https://127.0.0.1:8443'), { secure: true, sessionSameSite: 'lax' });
  assert.deepEqual(cookiePolicyFor('https://localhost'), { secure: true, sessionSameSite: 'lax' });
  assert.deepEqual(cookiePolicyFor('https://[::1]:8443'), { secure: true, sessionSameSite: 'lax' });
  assert.deepEqual(cookiePolicyFor('http://relay.internal.example'), { secure: false, sessionSameSite: 'lax' });
  assert.deepEqual(cookiePolicyFor(undefined), { secure: false, sessionSameSite: 'lax' });
});

test('a public https relay sets sightline_sid SameSite=None; Secure and CORS for the CRM origin carries no credentials', async (t) => {
  // The sandbox accepts <relay.publicUrl>/auth/... as the relay's redirect URI.
  const sandbox = await startSandbox({
    config: loadConfig({
      env: { SIGHTLINE_ENV: 'test' },
      overrides: { relay: { publicUrl: PUBLIC }, sandbox: { dataDir: tmpDir(t, 'sightline-sandbox-') } },
    }),
  });
  t.after(() => sandbox.close());
  const config = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: {
      log: { level: 'silent' },
      relay: { dataDir: tmpDir(t), tokenEncryptionKey: TEST_KEY, publicUrl: PUBLIC, allowedOrigins: [ORG] },
      salesforce: { loginUrl: sandbox.salesforceUrl, clientSecret: DEMO.oauthClient.clientSecret },
      servicenow: { instanceUrl: sandbox.servicenowUrl, clientSecret: DEMO.oauthClient.clientSecret },
    },
  });
  const relay = await startRelay({ config });
  t.after(() => relay.close());
  assert.equal(relay.url, PUBLIC);

  // The CRM sends the browser back to the public URL; here that is the listening address.
  const { jar, callbackUrl } = await signIn(relay.listenUrl, 'salesforce', DEMO.salesforce.users.agent, {
    complete: false,
  });
  assert.ok(callbackUrl.startsWith(`${PUBLIC}/auth/salesforce/callback?`));
  const back = new URL(callbackUrl);
  const final = await fetch(`${relay.listenUrl}${back.pathname}${back.search}`, {
    redirect: 'manual',
    headers: { cookie: jar.header() },
  });
  assert.equal(final.status, 303, await final.clone().text());
  jar.take(final);
  const sid = cookieLine(final, SESSION_COOKIE);
  assert.ok(sid, 'the login session cookie is set');
  assert.match(sid, /; SameSite=None/i);
  assert.match(sid, /; Secure/i);
  assert.match(sid, /; HttpOnly/i);

  const call = (path: string, origin: string, body: unknown = {}) =>
    fetch(`${relay.listenUrl}${path}`, {
      method: 'POST',
      headers: { cookie: jar.header(), origin, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  // The launcher on the org's Lightning domain, cross-site with credentials.
  const created = await call('/api/sessions', ORG, { crm: 'salesforce', recordId: CASE });
  assert.equal(created.status, 201, await created.clone().text());
  assert.equal(created.headers.get('access-control-allow-origin'), ORG);
  assert.equal(
    created.headers.get('access-control-allow-credentials'),
    null,
    'CORS without credentials: a browser neither sends nor exposes the cookie cross-site',
  );
  // Another site carrying the same cookie is refused.
  const evil = await call('/api/sessions', 'https://evil.example', { crm: 'salesforce', recordId: CASE });
  assert.equal(evil.status, 403);
  assert.equal(((await evil.json()) as { error: string }).error, 'forbidden_origin');
  // The relay's own pages as the browser sees them (https, behind the proxy) may change state.
  const { sessionId } = (await created.json()) as { sessionId: string };
  assert.equal((await call(`/api/sessions/${sessionId}/end`, PUBLIC)).status, 200);
  const logout = await call('/auth/logout', PUBLIC);
  assert.equal(logout.status < 400, true, `logout answered ${logout.status}`);
  const cleared = cookieLine(logout, SESSION_COOKIE);
  assert.ok(
    cleared && /; SameSite=None/i.test(cleared) && /; Secure/i.test(cleared),
    'cleared with the same attributes',
  );
});

test('on loopback http the login cookie stays SameSite=Lax without Secure', async (t) => {
  const stack = await startStack(t);
  const { final } = await signIn(stack.relay.url, 'salesforce', DEMO.salesforce.users.agent);
  const sid = cookieLine(final, SESSION_COOKIE)!;
  assert.match(sid, /; SameSite=Lax/i);
  assert.doesNotMatch(sid, /; Secure/i);
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route the relay's app declares (nested routers included), method and path. */
function routesOf(stack: Layer[]): { method: string; path: string }[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = layer.route.path;
      return Object.keys(layer.route.methods).map((m) => ({ method: m.toUpperCase(), path }));
    }
    return layer.handle?.stack ? routesOf(layer.handle.stack) : [];
  });
}

test('every state-changing route refuses a foreign Origin, a cookie without Origin, and a non-JSON body', async (t) => {
  const stack = await startStack(t, { relay: { allowedOrigins: [ORG] } });
  const jar = await stack.signInAgent();
  // The routes as declared (a new POST route is checked without editing this test).
  const ctx = {
    config: stack.config,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    cookies: cookiePolicyFor(undefined),
    publicUrl: () => stack.relay.url,
    registry: stack.relay.registry,
  } as unknown as AppContext;
  const app = createApp(ctx) as unknown as { router: { stack: Layer[] } };
  const changing = routesOf(app.router.stack).filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
  const paths = changing.map((r) => `${r.method} ${r.path}`);
  for (const known of ['POST /api/sessions', 'POST /api/sessions/:id/end', 'POST /api/join', 'POST /auth/logout'])
    assert.ok(paths.includes(known), `found ${known} among ${paths.join(', ')}`);
  // Plus paths no route declares (pages, unknown API): the checks come before routing.
  const targets = [
    ...changing.map((r) => ({ method: r.method === '_ALL' ? 'POST' : r.method, path: r.path })),
    { method: 'POST', path: '/console/s_abcdefgh12' },
    { method: 'PUT', path: '/api/sessions' },
    { method: 'DELETE', path: '/api/sessions/s_abcdefgh12' },
  ].map((r) => ({ ...r, path: r.path.replace(/:[A-Za-z]+/g, 's_abcdefgh12') }));

  for (const { method, path } of targets) {
    const url = `${stack.relay.url}${path}`;
    const json = { 'content-type': 'application/json' };
    const foreign = await fetch(url, {
      method,
      headers: { ...json, cookie: jar.header(), origin: 'https://evil.example' },
      body: '{}',
    });
    assert.equal(foreign.status, 403, `${method} ${path} from a foreign origin`);
    assert.equal(((await foreign.json()) as { error: string }).error, 'forbidden_origin');
    const noOrigin = await fetch(url, {
      method,
      headers: { ...json, cookie: jar.header(), 'sec-fetch-site': 'cross-site' },
      body: '{}',
    });
    assert.equal(noOrigin.status, 403, `${method} ${path} with the cookie and no Origin`);
    const form = await fetch(url, {
      method,
      headers: { cookie: jar.header(), origin: stack.relay.url, 'content-type': 'text/plain' },
      body: '{"crm":"salesforce"}',
    });
    assert.equal(form.status, 415, `${method} ${path} with a text/plain body`);
  }
  // Still signed in and able to act from an allowed origin: the refusals changed nothing.
  const ok = await stack.api('/api/sessions', {
    method: 'POST',
    jar,
    origin: ORG,
    body: { crm: 'salesforce', recordId: CASE },
  });
  assert.equal(ok.status, 201);
});
