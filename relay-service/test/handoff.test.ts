// The CRM components' way in, without any cookie: a sign-in request made before the click, the CRM's
// OAuth page in a window that carries only the request id, the result collected with the component's
// secret, then bearer calls, silent renewal with a rotating refresh token, sign-out, and one browser
// signed in with Salesforce and ServiceNow at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { RelayCredentials } from '../src/auth/RelayCredentials.ts';
import { landWindow, signIn } from './helpers/signIn.ts';
import { DEMO, startStack, type Stack } from './helpers/stack.ts';
import { tmpDir } from './helpers/tmp.ts';

const ORG = 'https://org.lightning.example';
const SF = DEMO.salesforce;
const SN = DEMO.servicenow;

interface Tokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  agent: { crm: string; userId: string; displayName: string };
}

/** A call as the component makes it: JSON, the CRM page's Origin, no cookie, maybe a bearer. */
const call = (
  stack: Stack,
  path: string,
  {
    body,
    bearer,
    method = 'POST',
    origin = ORG,
  }: { body?: unknown; bearer?: string; method?: string; origin?: string } = {},
) =>
  fetch(`${stack.relay.url}${path}`, {
    method,
    headers: {
      origin,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

async function createRequest(stack: Stack, crm: 'salesforce' | 'servicenow', userId: string) {
  const res = await call(stack, '/auth/requests', { body: { crm, userId } });
  assert.equal(res.status, 201, await res.clone().text());
  assert.equal(res.headers.get('access-control-allow-origin'), ORG);
  assert.equal(res.headers.get('access-control-allow-credentials'), null);
  return (await res.json()) as { requestId: string; secret: string; signInUrl: string };
}

const wait = (stack: Stack, requestId: string, secret: string) =>
  call(stack, `/auth/requests/${requestId}/wait`, { body: { secret } });

/** The whole hand-off as the component and its window do it; returns the relay tokens. */
async function signInFromComponent(stack: Stack, crm: 'salesforce' | 'servicenow'): Promise<Tokens> {
  const user = crm === 'salesforce' ? SF.users.agent : SN.users.agent;
  const req = await createRequest(stack, crm, user.id);
  const waiting = wait(stack, req.requestId, req.secret); // long poll, before the window even opens
  const { final, jar } = await signIn(stack.relay.url, crm, user, { startUrl: req.signInUrl });
  assert.equal(final.status, 303);
  assert.equal(final.headers.get('location'), `/auth/done?request=${req.requestId}`);
  await landWindow(stack.relay.url, final, jar);
  const answer = (await (await waiting).json()) as { status: string; tokens: Tokens };
  assert.equal(answer.status, 'signed_in');
  return answer.tokens;
}

test('hand-off: request, window, result by secret; bearer calls with no cookie; nothing secret in a URL', async (t) => {
  const stack = await startStack(t, { relay: { allowedOrigins: [ORG] } });
  const req = await createRequest(stack, 'salesforce', SF.users.agent.id.slice(0, 15));
  const url = new URL(req.signInUrl);
  assert.deepEqual([...url.searchParams.keys()], ['request'], 'the window URL carries the request id only');
  assert.ok(!req.signInUrl.includes(req.secret));
  // Someone who only saw the window's URL cannot collect the result.
  const { final, jar } = await signIn(stack.relay.url, 'salesforce', SF.users.agent, { startUrl: req.signInUrl });
  assert.equal(final.status, 303);
  assert.ok(!final.headers.get('location')!.includes('token'));
  assert.equal((await wait(stack, req.requestId, 'not-the-secret')).status, 404);
  // The window lands on its last page; only then is the result handed to the component.
  assert.match(await landWindow(stack.relay.url, final, jar), /You are signed in to Sightline[\s\S]*Alex Agent/);
  const answer = (await (await wait(stack, req.requestId, req.secret)).json()) as { status: string; tokens: Tokens };
  assert.equal(answer.status, 'signed_in');
  assert.equal(answer.tokens.agent.userId, SF.users.agent.id);
  assert.equal(answer.tokens.expiresIn, 900);
  assert.equal((await wait(stack, req.requestId, req.secret)).status, 404, 'the result is handed out once');
  // The window shows a page, not JSON, and the console keeps its first-party cookie.
  const done = await fetch(`${stack.relay.url}/auth/done`, { headers: { cookie: jar.header() } });
  assert.match(await done.text(), /You are signed in to Sightline[\s\S]*Alex Agent/);
  // The component's calls: bearer, CORS without credentials.
  const created = await call(stack, '/api/sessions', {
    bearer: answer.tokens.accessToken,
    body: { crm: 'salesforce', recordId: SF.cases.printer },
  });
  assert.equal(created.status, 201, await created.clone().text());
  assert.equal(created.headers.get('access-control-allow-credentials'), null);
  const me = await call(stack, '/api/me', { method: 'GET', bearer: answer.tokens.accessToken });
  assert.equal(((await me.json()) as { username: string }).username, SF.users.agent.username);
  const bogus = await call(stack, '/api/me', { method: 'GET', bearer: 'slat_nope' });
  assert.equal(bogus.status, 401);
  assert.equal(((await bogus.json()) as { error: string }).error, 'token_expired');
  const preflight = await fetch(`${stack.relay.url}/api/sessions`, {
    method: 'OPTIONS',
    headers: {
      origin: ORG,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get('access-control-allow-headers')!, /authorization/);
  assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
  assert.ok(!stack.logs.text.includes(answer.tokens.accessToken) && !stack.logs.text.includes(req.secret));
});

test('a sign-in as another CRM user does not complete the request; foreign origins and floods are refused', async (t) => {
  const stack = await startStack(t, { relay: { allowedOrigins: [ORG] } });
  const req = await createRequest(stack, 'salesforce', SF.users.manager.id);
  await signIn(stack.relay.url, 'salesforce', SF.users.agent, { startUrl: req.signInUrl });
  const answer = (await (await wait(stack, req.requestId, req.secret)).json()) as { status: string; error: string };
  assert.deepEqual([answer.status, answer.error], ['failed', 'wrong_user']);
  const foreign = await call(stack, '/auth/requests', {
    origin: 'https://evil.example',
    body: { crm: 'salesforce', userId: SF.users.agent.id },
  });
  assert.equal(foreign.status, 403);
  const expired = await fetch(`${stack.relay.url}/auth/salesforce?request=${'A'.repeat(24)}`, { redirect: 'manual' });
  assert.equal(expired.status, 410);
  let limited = 0;
  for (let i = 0; i < 35; i++)
    if (
      (await call(stack, '/auth/requests', { body: { crm: 'salesforce', userId: SF.users.agent.id } })).status === 429
    )
      limited++;
  assert.ok(limited >= 5, `requests beyond the per-source limit are refused (${limited})`);
});

test('silent renewal rotates the refresh token; sign-out ends the grant; Salesforce and ServiceNow side by side', async (t) => {
  const stack = await startStack(t, { relay: { allowedOrigins: [ORG] } });
  const sf = await signInFromComponent(stack, 'salesforce');
  const sn = await signInFromComponent(stack, 'servicenow');
  // Both CRMs in one browser: each component holds its own bearer; no "signed in with the other CRM".
  const snSession = await call(stack, '/api/sessions', {
    bearer: sn.accessToken,
    body: { crm: 'servicenow', recordId: SN.incidents.vpn.id },
  });
  assert.equal(snSession.status, 201, await snSession.clone().text());
  const sfSession = await call(stack, '/api/sessions', {
    bearer: sf.accessToken,
    body: { crm: 'salesforce', recordId: SF.cases.printer },
  });
  assert.equal(sfSession.status, 201);

  const renewed = await call(stack, '/auth/token', { body: { refreshToken: sf.refreshToken } });
  assert.equal(renewed.status, 200);
  const next = (await renewed.json()) as Tokens;
  assert.notEqual(next.refreshToken, sf.refreshToken);
  assert.notEqual(next.accessToken, sf.accessToken);
  assert.equal((await call(stack, '/api/me', { method: 'GET', bearer: next.accessToken })).status, 200);

  const out = await call(stack, '/auth/signout', {
    bearer: next.accessToken,
    body: { refreshToken: next.refreshToken },
  });
  assert.equal(out.status, 204);
  assert.equal((await call(stack, '/api/me', { method: 'GET', bearer: next.accessToken })).status, 401);
  assert.equal((await call(stack, '/auth/token', { body: { refreshToken: next.refreshToken } })).status, 401);
  assert.equal(
    (await call(stack, '/api/me', { method: 'GET', bearer: sn.accessToken })).status,
    200,
    'ServiceNow is untouched',
  );
});

test('relay credentials: bearer expiry, refresh idle time, grace for parallel refreshes, reuse kills the grant', (t) => {
  let now = 1_000_000;
  const creds = new RelayCredentials(openDatabase(tmpDir(t), 'creds.db'), {
    times: { accessTtlMs: 60_000, refreshIdleMs: 3_600_000, grantMaxMs: 7_200_000, reuseGraceMs: 5_000 },
    now: () => now,
  });
  const first = creds.issue('salesforce', SF.users.agent.id);
  assert.deepEqual(creds.resolve(first.accessToken), { crm: 'salesforce', userId: SF.users.agent.id });
  now += 60_001;
  assert.equal(creds.resolve(first.accessToken), null, 'the bearer lives a minute here');
  const a = creds.refresh(first.refreshToken)!;
  now += 1_000;
  const b = creds.refresh(first.refreshToken);
  assert.ok(b, 'a second tab refreshing with the same token within the grace period gets its own successor');
  assert.ok(creds.resolve(a.accessToken) && creds.resolve(b.accessToken));
  now += 10_000;
  assert.equal(creds.refresh(first.refreshToken), null, 'reuse after the grace period looks like theft');
  assert.equal(creds.resolve(a.accessToken), null, 'and the whole grant died');
  assert.equal(creds.refresh(b.refreshToken), null);

  const idle = creds.issue('servicenow', SN.users.agent.id);
  now += 3_600_001;
  assert.equal(creds.refresh(idle.refreshToken), null, 'an unused refresh token dies after the idle time');
  const longLived = creds.issue('salesforce', SF.users.agent.id);
  let token = longLived.refreshToken;
  for (let i = 0; i < 3; i++) {
    now += 3_000_000;
    const r = creds.refresh(token);
    if (i < 2) token = r!.refreshToken;
    else assert.equal(r, null, 'the grant ends at its maximum age however often it is renewed');
  }
});

test("the CRM form button's window: sign in with ?start=<record>, the session is created and the window becomes the console", async (t) => {
  const stack = await startStack(t);
  const { final } = await signIn(stack.relay.url, 'servicenow', SN.users.agent, {
    startUrl: `${stack.relay.url}/auth/servicenow?start=${SN.incidents.vpn.id}`,
  });
  assert.equal(final.status, 303);
  const id = /^\/console\/(s_[A-Za-z0-9_-]+)$/.exec(final.headers.get('location') ?? '')?.[1];
  assert.ok(id, `redirected to the console (${final.headers.get('location')})`);
  const live = stack.relay.registry.get(id)!;
  assert.equal(live.snapshot.record.id, SN.incidents.vpn.id);
  assert.equal(live.host.username, SN.users.agent.username);
  const bad = await fetch(`${stack.relay.url}/auth/servicenow?start=not-a-record`, { redirect: 'manual' });
  assert.equal(bad.status, 400);
});
