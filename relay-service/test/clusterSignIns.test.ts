// Sign-ins shared through Redis, with real processes: two relay nodes on one real Redis and the
// sandbox CRM. An agent who signed in through node A only creates a session through node B, gets its
// ticket there, and the session's write-back runs on the node that holds it with the CRM tokens the
// agent gave A. Redis holds the agent's row sealed, and a sign-out through A holds on B.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import { loadConfig } from '@sightline/config';
import { DEMO } from './helpers/stack.ts';
import { relayProcess, startCrm, until, type RelayProcess } from './helpers/relayProcess.ts';
import { startRedis } from './helpers/redisServer.ts';
import { landWindow, signIn, type CookieJar } from './helpers/signIn.ts';
import { TestClient } from './helpers/wsClient.ts';
import { PLACEMENT_LIMITS, sessionOnEach } from './helpers/placement.ts';

const SF = DEMO.salesforce;
type Rec = Record<string, unknown>;

async function call(node: RelayProcess, method: string, path: string, jar: CookieJar, body?: unknown) {
  return fetch(`${node.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: node.url, cookie: jar.header() },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function ok(res: Promise<Response>): Promise<Rec> {
  const r = await res;
  const json = (await r.json()) as Rec;
  assert.ok(r.ok, `${r.url}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

test('signed in through node A only: create, ticket and write-back work through node B; sign-out holds on B', async (t) => {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t);
  const redis = new Redis(redisServer.url);
  t.after(() => redis.quit());
  const config = { redis: { url: redisServer.url }, limits: PLACEMENT_LIMITS };
  const a = await relayProcess(t, sandbox, config);
  const b = await relayProcess(t, sandbox, config);
  await Promise.all([a.start(), b.start()]);

  const { jar } = await signIn(a.url, 'salesforce', SF.users.agent);
  const me = await ok(call(b, 'GET', '/api/me', jar));
  assert.equal(me.displayName, 'Alex Agent', 'node B knows the agent signed in through A');

  // Sessions through B until one is held by B (placement weighs load, so it may take more than two).
  const { on } = await sessionOnEach(redis, [a, b], () =>
    ok(call(b, 'POST', '/api/sessions', jar, { crm: 'salesforce', recordId: SF.cases.printer })),
  );
  const onB = on(b);
  const sessionId = String(onB.sessionId);

  const ticket = await ok(call(b, 'POST', `/api/sessions/${sessionId}/ticket`, jar, {}));
  const host = await TestClient.connect(String(ticket.wsUrl), String(ticket.ticket));
  t.after(() => host.close());
  host.send({ type: 'note', text: 'shared sign-in note' });
  await host.waitFor('log', (m) => m.entry.text === 'shared sign-in note');
  host.send({ type: 'end' });
  await host.waitFor('ended');

  // B writes the Task with the agent's CRM tokens, which it only has through Redis.
  const conn = new Connection({
    oauth2: {
      loginUrl: sandbox.salesforceUrl,
      clientId: DEMO.oauthClient.clientId,
      clientSecret: DEMO.oauthClient.clientSecret,
    },
    version: loadConfig({ env: { SIGHTLINE_ENV: 'test' } }).salesforce.apiVersion,
  });
  await conn.login(SF.users.agent.username, SF.users.agent.password);
  const tasks = await until(
    async () =>
      (await conn.query<Rec>(`SELECT Id, Description FROM Task WHERE Sightline_Session_Id__c = '${sessionId}'`))
        .records,
    (r) => r.length > 0,
    'the Task written by node B',
  );
  assert.equal(tasks.length, 1);
  assert.match(String(tasks[0]!.Description), /Alex Agent \[private note\]: shared sign-in note/);
  assert.doesNotMatch(b.output(), /has not signed in to the relay/, 'B never lacked the tokens');

  // In Redis the agent's row is sealed: neither the name nor the instance URL can be read there.
  const agentKeys = await redis.keys('sightline:agent:*');
  assert.equal(agentKeys.length, 1);
  const sealed = (await redis.getBuffer(agentKeys[0]!))!.toString('latin1');
  for (const clear of ['Alex Agent', SF.users.agent.username, sandbox.salesforceUrl, 'refreshToken'])
    assert.ok(!sealed.includes(clear), `"${clear}" is not readable in Redis`);

  // Signed out through A: B refuses the same cookie.
  assert.equal((await call(a, 'POST', '/auth/logout', jar)).status, 204);
  const after = await call(b, 'GET', '/api/me', jar);
  assert.equal(after.status, 401, 'signed out on every node');
  assert.equal(((await after.json()) as Rec).error, 'unauthenticated');
});

const ORG = 'https://org.lightning.example';
type Tokens = { accessToken: string; refreshToken: string };

async function fromComponent(node: RelayProcess, path: string, { bearer, body }: { bearer?: string; body?: unknown }) {
  return fetch(`${node.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      origin: ORG,
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

test('relay credentials from node A work on node B: bearer, refresh rotation, sign-out', async (t) => {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t);
  const config = { redis: { url: redisServer.url }, relay: { allowedOrigins: [ORG] } };
  const a = await relayProcess(t, sandbox, config);
  const b = await relayProcess(t, sandbox, config);
  await Promise.all([a.start(), b.start()]);

  // The component's hand-off, all on A.
  const req = (await ok(
    fromComponent(a, '/auth/requests', { body: { crm: 'salesforce', userId: SF.users.agent.id } }),
  )) as {
    requestId: string;
    secret: string;
    signInUrl: string;
  };
  const waiting = ok(fromComponent(a, `/auth/requests/${req.requestId}/wait`, { body: { secret: req.secret } }));
  const window = await signIn(a.url, 'salesforce', SF.users.agent, { startUrl: req.signInUrl });
  // The window lands on its last page, which hands the result to the component.
  await landWindow(a.url, window.final, window.jar);
  const first = (await waiting).tokens as Tokens;

  // B takes A's bearer, and creates a session with it.
  const me = await ok(fromComponent(b, '/api/me', { bearer: first.accessToken }));
  assert.equal(me.username, SF.users.agent.username);
  const created = await fromComponent(b, '/api/sessions', {
    bearer: first.accessToken,
    body: { crm: 'salesforce', recordId: SF.cases.printer },
  });
  assert.equal(created.status, 201, await created.clone().text());

  // Refreshed on B; the successor works on A, and A's refresh token is now spent everywhere.
  const second = (await ok(fromComponent(b, '/auth/token', { body: { refreshToken: first.refreshToken } }))) as Tokens;
  assert.notEqual(second.refreshToken, first.refreshToken);
  assert.equal(
    (await ok(fromComponent(a, '/api/me', { bearer: second.accessToken }))).username,
    SF.users.agent.username,
  );
  // Presented again within the grace period (two tabs): a successor, from either node, same grant.
  const parallel = (await ok(
    fromComponent(a, '/auth/token', { body: { refreshToken: first.refreshToken } }),
  )) as Tokens;
  assert.notEqual(parallel.refreshToken, second.refreshToken);

  // Signed out on A with the bearer: the whole grant ends on B too.
  assert.equal((await fromComponent(a, '/auth/signout', { bearer: second.accessToken, body: {} })).status, 204);
  for (const token of [first.accessToken, second.accessToken, parallel.accessToken])
    assert.equal((await fromComponent(b, '/api/me', { bearer: token })).status, 401);
  const refused = await fromComponent(b, '/auth/token', { body: { refreshToken: parallel.refreshToken } });
  assert.equal(refused.status, 401);
  assert.equal(((await refused.json()) as Rec).error, 'sign_in_required');
});

test('an OAuth sign-in started on node A completes on node B, once', async (t) => {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t);
  const a = await relayProcess(t, sandbox, { redis: { url: redisServer.url } });
  // Both nodes answer for one public URL (a load balancer's), so the CRM's callback is the same.
  const b = await relayProcess(t, sandbox, { redis: { url: redisServer.url }, relay: { publicUrl: a.url } });
  await Promise.all([a.start(), b.start()]);

  const { jar, callbackUrl } = await signIn(a.url, 'salesforce', SF.users.agent, { complete: false });
  const back = new URL(callbackUrl);
  assert.equal(back.origin, a.url);
  const onB = `${b.url}${back.pathname}${back.search}`;
  const done = await fetch(onB, { redirect: 'manual', headers: { cookie: jar.header() } });
  assert.equal(done.status, 303, await done.clone().text());
  jar.take(done);
  for (const node of [a, b]) assert.equal((await ok(call(node, 'GET', '/api/me', jar))).displayName, 'Alex Agent');

  // The state was used up on B: the same callback on A is refused.
  const replay = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: jar.header() } });
  assert.equal(replay.status, 403);
  assert.match(await replay.text(), /unknown or already used state/);
});

test("a component's sign-in hand-off spread over three nodes: request, window, callback and landing each on another", async (t) => {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t);
  const redis = new Redis(redisServer.url);
  t.after(() => redis.quit());
  const a = await relayProcess(t, sandbox, { redis: { url: redisServer.url }, relay: { allowedOrigins: [ORG] } });
  // One public URL (A's, standing for a load balancer's): the window's and the CRM's links name it.
  const shared = { redis: { url: redisServer.url }, relay: { allowedOrigins: [ORG], publicUrl: a.url } };
  const b = await relayProcess(t, sandbox, shared);
  const c = await relayProcess(t, sandbox, shared);
  await Promise.all([a.start(), b.start(), c.start()]);
  const on = (node: RelayProcess, url: string) => `${node.url}${new URL(url).pathname}${new URL(url).search}`;

  // The component asks A and waits on B, before the window even opens.
  const req = (await ok(
    fromComponent(a, '/auth/requests', { body: { crm: 'salesforce', userId: SF.users.agent.id } }),
  )) as { requestId: string; secret: string; signInUrl: string };
  assert.equal(new URL(req.signInUrl).origin, a.url);
  const waiting = ok(fromComponent(b, `/auth/requests/${req.requestId}/wait`, { body: { secret: req.secret } }));
  // The window starts on B, the CRM sends it back to C, and it lands on A (page and beacon).
  const { jar, callbackUrl } = await signIn(b.url, 'salesforce', SF.users.agent, {
    startUrl: on(b, req.signInUrl),
    complete: false,
  });
  const back = await fetch(on(c, callbackUrl), { redirect: 'manual', headers: { cookie: jar.header() } });
  assert.equal(back.status, 303, await back.clone().text());
  assert.equal(back.headers.get('location'), `/auth/done?request=${req.requestId}`);
  jar.take(back);
  assert.match(await landWindow(a.url, back, jar), /You are signed in to Sightline[\s\S]*Alex Agent/);

  const answer = await waiting;
  assert.equal(answer.status, 'signed_in', JSON.stringify(answer));
  const tokens = answer.tokens as Tokens;
  assert.equal(
    (await ok(fromComponent(c, '/api/me', { bearer: tokens.accessToken }))).username,
    SF.users.agent.username,
  );
  const again = await fromComponent(c, `/auth/requests/${req.requestId}/wait`, { body: { secret: req.secret } });
  assert.equal(again.status, 404, 'the outcome is handed out once, whichever node is asked');
  assert.deepEqual(await redis.keys('sightline:signin:*'), [], 'nothing of the request is left in Redis');

  // A window link whose request is gone is refused on any node.
  const stale = await fetch(on(c, req.signInUrl), { redirect: 'manual' });
  assert.equal(stale.status, 410);

  // A flood of requests spread over the nodes gets one budget (30 a minute per source, one used above).
  const statuses: number[] = [];
  for (let i = 0; i < 33; i++) {
    const node = [a, b, c][i % 3]!;
    statuses.push(
      (await fromComponent(node, '/auth/requests', { body: { crm: 'salesforce', userId: SF.users.agent.id } })).status,
    );
  }
  assert.equal(statuses.filter((s) => s === 201).length, 29, statuses.join(' '));
  assert.ok(
    statuses.slice(29).every((s) => s === 429),
    statuses.join(' '),
  );
});
