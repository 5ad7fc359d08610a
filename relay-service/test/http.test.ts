// The relay's HTTP surface against a real CRM sandbox: sign-in (PKCE + state), sessions, joining,
// CSRF/CORS, health and metrics, and logs without secrets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, startStack, TEST_METRICS_TOKEN } from './helpers/stack.ts';
import { signIn } from './helpers/signIn.ts';

const CASE = DEMO.salesforce.cases.printer;

test('sign-in round trip with PKCE and state, then /api/me, then logout', async (t) => {
  const stack = await startStack(t);
  assert.equal((await stack.api('/api/me')).status, 401);
  const { jar, final } = await signIn(stack.relay.url, 'salesforce', DEMO.salesforce.users.agent, {
    returnTo: '/console/s_abc',
  });
  assert.equal(final.status, 303);
  assert.equal(final.headers.get('location'), '/console/s_abc');
  const cookie = final.headers.getSetCookie().find((c) => c.startsWith('sightline_sid='))!;
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Lax/i);
  assert.doesNotMatch(cookie, /Secure/i, 'plain http on loopback');
  const me = await stack.api('/api/me', { jar });
  assert.equal(me.status, 200);
  const body = (await me.json()) as Record<string, unknown>;
  assert.equal(body.crm, 'salesforce');
  assert.equal(body.userId, DEMO.salesforce.users.agent.id);
  assert.equal(body.username, DEMO.salesforce.users.agent.username);
  assert.equal(body.displayName, 'Alex Agent');
  // The token exchange went through the relay's server side with a code_verifier.
  assert.ok(
    stack.sfProxy.seen.some((r) => r.method === 'POST' && r.path === '/services/oauth2/token' && r.status === 200),
  );

  const out = await stack.api('/auth/logout', { method: 'POST', jar });
  assert.equal(out.status, 204);
  jar.take(out);
  assert.equal((await stack.api('/api/me', { jar })).status, 401);
});

test('a forged or replayed state is rejected, and so is a state from another browser', async (t) => {
  const stack = await startStack(t);
  const { jar, callbackUrl } = await signIn(stack.relay.url, 'salesforce', DEMO.salesforce.users.agent, {
    complete: false,
  });
  const forged = new URL(callbackUrl);
  forged.searchParams.set('state', 'forged-state-forged-state-forged');
  const r1 = await fetch(forged, { redirect: 'manual', headers: { cookie: jar.header() } });
  assert.equal(r1.status, 403);
  assert.equal(((await r1.json()) as { error: string }).error, 'sign_in_refused');
  // The genuine state was not consumed by the forged attempt...
  const ok = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: jar.header() } });
  assert.equal(ok.status, 303);
  // ...but is spent now: a replay is refused.
  const replay = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: jar.header() } });
  assert.equal(replay.status, 403);

  const other = await signIn(stack.relay.url, 'salesforce', DEMO.salesforce.users.agent, { complete: false });
  const stolen = await fetch(other.callbackUrl, {
    redirect: 'manual',
    headers: { cookie: 'sightline_login=someone-else' },
  });
  assert.equal(stolen.status, 403);
  assert.ok(!stolen.headers.getSetCookie().some((c) => c.startsWith('sightline_sid=')));
});

test('sessions: created for a readable case, refused for an unreadable one; join by key and by link', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  const denied = await stack.api('/api/sessions', {
    method: 'POST',
    jar,
    body: { crm: 'salesforce', recordId: '500000000000999AAA' },
  });
  assert.equal(denied.status, 403);
  assert.equal(((await denied.json()) as { error: string }).error, 'record_not_readable');
  const wrongCrm = await stack.api('/api/sessions', {
    method: 'POST',
    jar,
    body: { crm: 'servicenow', recordId: 'a'.repeat(32) },
  });
  assert.equal(wrongCrm.status, 403);
  const bad = await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId: 'x' } });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { issues: { path: string }[] }).issues[0]!.path, 'recordId');

  const res = await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId: CASE } });
  assert.equal(res.status, 201);
  const created = (await res.json()) as {
    sessionId: string;
    key: string;
    joinUrl: string;
    consoleUrl: string;
    status: string;
    mayShowScreen: boolean;
  };
  assert.match(created.key, /^\d{6}$/);
  assert.equal(created.mayShowScreen, false, "the default policy keeps agents' screens to themselves");
  assert.equal(created.status, 'waiting');
  assert.ok(created.joinUrl.startsWith(`${stack.relay.url}/j/`));
  assert.equal(created.consoleUrl, `${stack.relay.url}/console/${created.sessionId}`);

  const list = (await (await stack.api(`/api/sessions?crm=salesforce&recordId=${CASE}`, { jar })).json()) as {
    sessions: { sessionId: string }[];
  };
  assert.deepEqual(
    list.sessions.map((s) => s.sessionId),
    [created.sessionId],
  );
  // The same Case by its 15-character id (as a URL or a report shows it), and in another letter case.
  for (const id of [CASE.slice(0, 15), CASE.toLowerCase()]) {
    const same = (await (await stack.api(`/api/sessions?crm=salesforce&recordId=${id}`, { jar })).json()) as {
      sessions: { sessionId: string }[];
    };
    assert.deepEqual(
      same.sessions.map((s) => s.sessionId),
      [created.sessionId],
      `listed by ${id}`,
    );
  }
  const details = (await (await stack.api(`/api/sessions/${created.sessionId}`, { jar })).json()) as {
    session: { record: { id: string; label: string } };
    mayShowScreen: boolean;
  };
  assert.equal(details.mayShowScreen, false);
  assert.match(details.session.record.label, /Case/);
  assert.equal(details.session.record.id, CASE);
  const by15 = await stack.api('/api/sessions', {
    method: 'POST',
    jar,
    body: { crm: 'salesforce', recordId: CASE.slice(0, 15) },
  });
  assert.equal(by15.status, 201, 'a session can be started from the 15-character id');
  const by15Id = ((await by15.json()) as { sessionId: string }).sessionId;
  const both = (await (await stack.api(`/api/sessions?crm=salesforce&recordId=${CASE}`, { jar })).json()) as {
    sessions: { sessionId: string }[];
  };
  assert.deepEqual(both.sessions.map((s) => s.sessionId).sort(), [created.sessionId, by15Id].sort());
  await stack.api(`/api/sessions/${by15Id}/end`, { method: 'POST', jar });
  const badChecksum = await stack.api(
    `/api/sessions?crm=salesforce&recordId=${CASE.slice(0, 12)}1${CASE.slice(13, 15)}ZZZ`,
    {
      jar,
    },
  );
  assert.equal(badChecksum.status, 400);

  const lookup = await stack.api('/api/join/lookup', { method: 'POST', body: { key: created.key } });
  assert.equal(lookup.status, 200);
  const info = (await lookup.json()) as { sessionId?: string; hostName: string; terms: string };
  assert.equal(info.sessionId, undefined, 'guests are not told the session id');
  assert.equal(info.hostName, 'Alex Agent');
  assert.ok(info.terms.length > 20);
  const token = created.joinUrl.split('/j/')[1]!;
  assert.equal((await stack.api('/api/join/lookup', { method: 'POST', body: { token } })).status, 200);
  const join = await stack.api('/api/join', {
    method: 'POST',
    body: { token, contact: { name: 'Casey Guest', email: 'casey@newco.example' }, acceptedTerms: true },
  });
  assert.equal(join.status, 201);
  const joined = (await join.json()) as { ticket: string; wsUrl: string; participantId: string };
  assert.equal(joined.wsUrl, `${stack.relay.url.replace('http', 'ws')}/ws`);
  const missing = await stack.api('/api/join', { method: 'POST', body: { token, contact: {}, acceptedTerms: true } });
  assert.equal(missing.status, 400, 'the policy requires name and email');

  const ticket = await stack.api(`/api/sessions/${created.sessionId}/ticket`, { method: 'POST', jar, body: {} });
  assert.equal(ticket.status, 200);
  assert.ok(((await ticket.json()) as { ticket: string }).ticket.length > 20);

  const end = await stack.api(`/api/sessions/${created.sessionId}/end`, { method: 'POST', jar, body: {} });
  assert.equal(end.status, 200);
  assert.equal(
    (await stack.api('/api/join/lookup', { method: 'POST', body: { token } })).status,
    404,
    'keys are one-time',
  );
});

test("an agent's live sessions across records, for the utility bar: newest first, named, only their own", async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  type Listed = { sessionId: string; role: string; record: { crm: string; id: string; label: string } };
  const list = async (query = '', who = jar) => {
    const res = await stack.api(`/api/sessions${query}`, { jar: who });
    assert.equal(res.status, 200, query);
    return ((await res.json()) as { sessions: Listed[] }).sessions;
  };
  assert.deepEqual(await list(), [], 'nothing live yet');
  const start = async (recordId: string) => {
    const res = await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId } });
    assert.equal(res.status, 201);
    return ((await res.json()) as Listed).sessionId;
  };
  const printer = await start(CASE);
  const login = await start(DEMO.salesforce.cases.login);

  const all = await list();
  assert.deepEqual(
    all.map((s) => s.sessionId),
    [login, printer],
    'both records, newest first',
  );
  assert.deepEqual(
    all.map((s) => [s.record.crm, s.record.id, s.role]),
    [
      ['salesforce', DEMO.salesforce.cases.login, 'host'],
      ['salesforce', CASE, 'host'],
    ],
  );
  assert.ok(
    all.every((s) => /Case/.test(s.record.label)),
    'each names its record',
  );
  assert.deepEqual(await list('?crm=servicenow'), [], 'filtered by CRM');
  assert.equal((await list('?crm=salesforce')).length, 2);
  const noCrm = await stack.api(`/api/sessions?recordId=${CASE}`, { jar });
  assert.equal(noCrm.status, 400, 'a record id alone is ambiguous');
  assert.equal(((await noCrm.json()) as { issues: { path: string }[] }).issues[0]!.path, 'crm');

  // Another agent of the same org sees none of them.
  const other = await signIn(stack.relay.url, 'salesforce', DEMO.salesforce.users.agent2);
  assert.deepEqual(await list('', other.jar), []);

  // An ended session leaves the list at once.
  assert.equal((await stack.api(`/api/sessions/${login}/end`, { method: 'POST', jar })).status, 200);
  assert.deepEqual(
    (await list()).map((s) => s.sessionId),
    [printer],
  );
});

test('wrong keys are rate-limited with 429 and Retry-After', async (t) => {
  const stack = await startStack(t, { limits: { wrongKeysPerSourcePerMinute: 3 } });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await stack.api('/api/join/lookup', { method: 'POST', body: { key: `00000${i}` } });
    statuses.push(res.status);
    if (res.status === 429) assert.ok(Number(res.headers.get('retry-after')) >= 1);
  }
  assert.deepEqual(statuses.slice(0, 3), [404, 404, 404]);
  assert.equal(statuses[4], 429);
});

test('the invite email goes out through the CRM as the agent, to the case contact', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  const created = (await (
    await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId: CASE } })
  ).json()) as {
    sessionId: string;
    joinUrl: string;
  };
  const res = await stack.api(`/api/sessions/${created.sessionId}/invite`, { method: 'POST', jar, body: {} });
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(((await res.json()) as { to: string[] }).to, [DEMO.salesforce.contacts.jane.email]);
  assert.ok(stack.sfProxy.seen.some((r) => r.path.endsWith('/actions/standard/emailSimple') && r.status === 200));
  const outbox = await stack.sandboxPage(stack.sandbox.salesforceUrl, '/outbox');
  assert.ok(outbox.includes(created.joinUrl.split('/j/')[1]!), 'the captured email carries the join link');
  // Logged on the case, addressed to the contact, saying who invites, what is asked and when it expires.
  const conn = await stack.salesforceAs();
  const { records } = await conn.query<{ Subject: string; TextBody: string; ToAddress: string }>(
    `SELECT Subject, TextBody, ToAddress FROM EmailMessage WHERE ParentId = '${DEMO.salesforce.cases.printer}'`,
  );
  assert.equal(records.length, 1);
  const [logged] = records;
  assert.equal(logged!.ToAddress, DEMO.salesforce.contacts.jane.email);
  assert.match(logged!.Subject, /^Screen share with Alex Agent \(Sightline Demo Support\): Case 00001001/);
  assert.match(logged!.TextBody, /^Hello Jane Customer,/);
  assert.match(logged!.TextBody, /for your name and your email address, and optionally your phone number;/);
  assert.match(logged!.TextBody, /whether you agree to share your screen/);
  assert.match(logged!.TextBody, /if the agent wants to record the session, whether you agree/);
  assert.match(logged!.TextBody, /The link expires at \d\d:\d\d UTC on \d{4}-\d\d-\d\d \(in about 10 minutes\)/);
});

test('CSRF and CORS: only JSON from the relay or a CRM origin changes state', async (t) => {
  const stack = await startStack(t, { relay: { allowedOrigins: ['https://org.lightning.example'] } });
  const jar = await stack.signInAgent();
  const body = { crm: 'salesforce', recordId: CASE };
  const evil = await stack.api('/api/sessions', { method: 'POST', jar, body, origin: 'https://evil.example' });
  assert.equal(evil.status, 403);
  const form = await fetch(`${stack.relay.url}/api/sessions`, {
    method: 'POST',
    headers: { cookie: jar.header(), origin: stack.relay.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'crm=salesforce',
  });
  assert.equal(form.status, 415);
  const noOrigin = await fetch(`${stack.relay.url}/api/sessions`, {
    method: 'POST',
    headers: { cookie: jar.header(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(noOrigin.status, 403);
  const fromCrm = await stack.api('/api/sessions', {
    method: 'POST',
    jar,
    body,
    origin: 'https://org.lightning.example',
  });
  assert.equal(fromCrm.status, 201);
  assert.equal(fromCrm.headers.get('access-control-allow-origin'), 'https://org.lightning.example');
  assert.equal(fromCrm.headers.get('access-control-allow-credentials'), null, 'CORS without credentials');

  const preflight = (origin: string) =>
    fetch(`${stack.relay.url}/api/sessions`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
  assert.equal((await preflight(stack.sfProxy.url)).status, 204, 'the Salesforce origin may call');
  const denied = await preflight('https://evil.example');
  assert.equal(denied.status, 403);
  assert.equal(denied.headers.get('access-control-allow-origin'), null);
  const csp = fromCrm.headers.get('content-security-policy')!;
  assert.match(csp, /frame-ancestors 'self' [^;]*https:\/\/org\.lightning\.example/);
  assert.doesNotMatch(csp, /evil/);
  assert.equal(fromCrm.headers.get('referrer-policy'), 'no-referrer');
});

test('healthz and metrics, including the write-back backlog', async (t) => {
  const stack = await startStack(t);
  const health = await stack.api('/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' }, 'liveness only, nothing about the load');
  for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TEST_METRICS_TOKEN}x`, TEST_METRICS_TOKEN]) {
    const res = await stack.api('/metrics', { headers: authorization ? { authorization } : {} });
    assert.equal(res.status, 401, `metrics with ${authorization}`);
    assert.doesNotMatch(await res.text(), /sightline_/);
  }
  const metrics = await stack.api('/metrics', { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type')!, /text\/plain/);
  const text = await metrics.text();
  assert.match(text, /sightline_writeback_backlog 0/);
  assert.match(text, /sightline_writeback_awaiting_sign_in 0/);
  assert.match(text, /sightline_writeback_failed 0/);
  assert.match(text, /sightline_sessions\{status="waiting"\}/);
  assert.match(text, /sightline_frames_forwarded_total/);
});

test('errors are JSON with error and message; unknown API paths are 404', async (t) => {
  const stack = await startStack(t);
  const res = await stack.api('/api/nothing-here', { method: 'POST', body: {} });
  assert.equal(res.status, 401);
  const jar = await stack.signInAgent();
  const notFound = await stack.api('/api/nothing-here', { jar });
  assert.equal(notFound.status, 404);
  assert.deepEqual(Object.keys((await notFound.json()) as object).sort(), ['error', 'message']);
  const badJson = await fetch(`${stack.relay.url}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{',
  });
  assert.equal(badJson.status, 400);
  assert.equal(((await badJson.json()) as { error: string }).error, 'bad_request');
});

test('logs carry no tokens, cookies, tickets, keys or join links', async (t) => {
  const stack = await startStack(t);
  const { jar } = await signIn(stack.relay.url, 'salesforce', DEMO.salesforce.users.agent);
  const created = (await (
    await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId: CASE } })
  ).json()) as { sessionId: string; key: string; joinUrl: string };
  const token = created.joinUrl.split('/j/')[1]!;
  await fetch(created.joinUrl); // the page path itself carries the token
  const joined = (await (
    await stack.api('/api/join', {
      method: 'POST',
      body: { key: created.key, contact: { name: 'Lou Logs', email: 'lou@logs.example' }, acceptedTerms: true },
    })
  ).json()) as { ticket: string };
  const agentTicket = (await (
    await stack.api(`/api/sessions/${created.sessionId}/ticket`, { method: 'POST', jar, body: {} })
  ).json()) as { ticket: string };
  await stack.api(`/api/sessions/${created.sessionId}/end`, { method: 'POST', jar, body: {} });
  await stack.relay.writeBack.drain();

  const logs = stack.logs.text;
  assert.ok(stack.logs.lines.length > 10, 'debug logging was on');
  const secrets = {
    sid: jar.cookies.get('sightline_sid')!,
    joinToken: token,
    guestTicket: joined.ticket,
    agentTicket: agentTicket.ticket,
    clientSecret: DEMO.oauthClient.clientSecret,
  };
  for (const [name, secret] of Object.entries(secrets)) assert.ok(!logs.includes(secret), `${name} is not logged`);
  assert.doesNotMatch(logs, new RegExp(`(?<!\\d)${created.key}(?!\\d)`), 'the session key is not logged');
  assert.doesNotMatch(logs, /Bearer |00D[A-Za-z0-9]{12,15}!/, 'no access token');
  assert.doesNotMatch(logs, /code_verifier|refresh_token"?:"[^[]/);
  assert.ok(!logs.includes('lou@logs.example'), 'no contact details');
});

test('an agent invited from the console gets the console link by email through the CRM', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  const created = (await (
    await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId: CASE } })
  ).json()) as { sessionId: string; consoleUrl: string };
  const host = {
    crm: 'salesforce' as const,
    userId: DEMO.salesforce.users.agent.id,
    username: 'x',
    displayName: 'Alex Agent',
  };
  stack.relay.registry.notifyInvite(created.sessionId, DEMO.salesforce.users.manager.email, host, 'i'.repeat(32));
  let outbox = '';
  for (let i = 0; i < 50 && !outbox.includes(created.consoleUrl); i++) {
    await new Promise((ok) => setTimeout(ok, 50));
    outbox = await stack.sandboxPage(stack.sandbox.salesforceUrl, '/outbox');
  }
  assert.ok(outbox.includes(`${created.consoleUrl}#invitation=${'i'.repeat(32)}`), 'the link carries the invitation');
  assert.ok(outbox.includes(DEMO.salesforce.users.manager.email));
});
