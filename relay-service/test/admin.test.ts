// The relay's admin API: only an org access token the org's identity endpoint accepts, of the org the
// relay serves, whose user holds Sightline_Admin; refusals are counted per source and rate-limited;
// input validated; every call logged without the token.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminConfigSchema, adminStatusSchema } from '../src/protocol/index.ts';
import { DEMO, startStack } from './helpers/stack.ts';

const users = DEMO.salesforce.users;

async function tokenFor(loginUrl: string, user: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: user.username,
      password: user.password,
      client_id: DEMO.oauthClient.clientId,
      client_secret: DEMO.oauthClient.clientSecret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

test('admin API: identity checked against the org, Sightline_Admin required, validated, rate-limited', async (t) => {
  const stack = await startStack(t, { salesforce: { orgId: DEMO.salesforce.orgId } });
  const call = (path: string, token: string | null, init: RequestInit = {}) =>
    fetch(`${stack.relay.url}${path}`, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) },
    });
  const manager = await tokenFor(stack.sandbox.salesforceUrl, users.manager);
  const sales = await tokenFor(stack.sandbox.salesforceUrl, users.sales);

  const status = await call('/admin/status', manager);
  assert.equal(status.status, 200);
  const body = adminStatusSchema.parse(await status.json());
  assert.deepEqual([body.liveSessions, body.writeback.backlog, body.writeback.failed], [0, 0, []]);
  const config = adminConfigSchema.parse(await (await call('/admin/config', manager)).json());
  assert.equal(config.salesforce.orgId, DEMO.salesforce.orgId);
  assert.ok(config.allowedOrigins.includes(new URL(stack.config.salesforce.loginUrl).origin));

  const none = await call('/admin/status', null);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer');
  assert.equal((await call('/admin/status', 'not-a-token-the-org-knows-0000')).status, 401);
  const notAdmin = await call('/admin/status', sales);
  assert.equal(notAdmin.status, 403);
  assert.match(((await notAdmin.json()) as { message: string }).message, /lacks the Sightline_Admin custom permission/);

  const bad = await call('/admin/writebacks/retry', manager, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: "x' OR 1=1", extra: true }),
  });
  assert.equal(bad.status, 400);
  const retry = await call('/admin/writebacks/retry', manager, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: 's_nothing' }),
  });
  assert.deepEqual(await retry.json(), { retried: 0 });
  assert.equal((await call('/admin/nothing', manager)).status, 404);

  // A source that keeps presenting refused tokens is cut off before they reach the org.
  let last = 0;
  for (let i = 0; i < 12; i++) last = (await call('/admin/status', `bogus-token-${i}-00000000000000`)).status;
  assert.equal(last, 429);
  assert.equal((await call('/admin/status', manager)).status, 429, 'the cut-off holds for the source');

  const logs = stack.logs.text;
  assert.match(logs, /"admin":"morgan\.manager@sightline\.demo".*"path":"\/admin\/status"/);
  assert.match(logs, /admin request refused/);
  assert.ok(!logs.includes(manager) && !logs.includes(sales), 'tokens never reach the log');
});

test('admin API: a token of another org than the one configured is refused', async (t) => {
  const stack = await startStack(t, { salesforce: { orgId: '00D000000000042AAA' } });
  const token = await tokenFor(stack.sandbox.salesforceUrl, users.manager);
  const res = await fetch(`${stack.relay.url}/admin/status`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 403);
  assert.match(((await res.json()) as { message: string }).message, /serves org 00D000000000042AAA/);
});
