// Supervision and guest presence through any node, with real processes: two relay nodes on one real
// Redis and the sandbox CRM. A session held by node A is listed, watched and taken over by the manager
// through node B, and a guest's "entering details" sent to B reaches A's host: B sends each call on to A.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { DEMO } from './helpers/stack.ts';
import { relayProcess, startCrm, type RelayProcess } from './helpers/relayProcess.ts';
import { startRedis } from './helpers/redisServer.ts';
import { signIn, type CookieJar } from './helpers/signIn.ts';
import { TestClient } from './helpers/wsClient.ts';
import { PLACEMENT_LIMITS, sessionOnEach } from './helpers/placement.ts';

const SF = DEMO.salesforce;
type Rec = Record<string, unknown>;

const call = (node: RelayProcess, method: string, path: string, jar: CookieJar | null, body?: unknown) =>
  fetch(`${node.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: node.url, ...(jar ? { cookie: jar.header() } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function ok(res: Promise<Response>): Promise<Rec> {
  const r = await res;
  const json = (await r.json()) as Rec;
  assert.ok(r.ok, `${r.url}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

test("the supervisor's list, watch and take-over, and a guest's presence, of node A's session through node B", async (t) => {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t);
  const redis = new Redis(redisServer.url);
  t.after(() => redis.quit());
  const config = { redis: { url: redisServer.url }, limits: PLACEMENT_LIMITS };
  const a = await relayProcess(t, sandbox, config);
  const b = await relayProcess(t, sandbox, config);
  await Promise.all([a.start(), b.start()]);
  const { jar } = await signIn(a.url, 'salesforce', SF.users.agent);
  const { jar: manager } = await signIn(b.url, 'salesforce', SF.users.manager);

  // A session on each node (placement weighs load, so it may take more than two); the test uses
  // A's, always through B.
  const { on, created } = await sessionOnEach(redis, [a, b], () =>
    ok(call(b, 'POST', '/api/sessions', jar, { crm: 'salesforce', recordId: SF.cases.printer })),
  );
  const held = on(a);
  const onA = String(held.sessionId);
  const hostTicket = await ok(call(b, 'POST', `/api/sessions/${onA}/ticket`, jar, {}));
  const host = await TestClient.connect(String(hostTicket.wsUrl), String(hostTicket.ticket));
  t.after(() => host.close());

  // A guest's step before joining, sent to B, reaches the host on A.
  const presence = await call(b, 'POST', '/api/join/presence', null, {
    key: held.key,
    state: 'consent',
    name: 'Jane Customer',
  });
  assert.equal(presence.status, 204, await presence.clone().text());
  await host.waitFor('presence', (m) => m.state === 'consent' && m.name === 'Jane Customer');

  // The manager's team list through B holds every session (B's own and A's).
  const listed = await ok(call(b, 'GET', '/api/supervisor/sessions', manager));
  assert.deepEqual(
    (listed.sessions as { sessionId: string }[]).map((s) => s.sessionId).sort(),
    created.map((c) => String(c.sessionId)).sort(),
  );

  // Watching through B: A checks the manager and issues the ticket, for A's socket.
  const watch = await ok(call(b, 'POST', `/api/sessions/${onA}/ticket`, manager, {}));
  const supervisor = await TestClient.connect(String(watch.wsUrl), String(watch.ticket));
  t.after(() => supervisor.close());
  assert.equal(supervisor.messages[0]?.type === 'welcome' && supervisor.messages[0].role, 'supervisor');

  // Taking over through B: the manager is A's session's host now.
  assert.deepEqual(await ok(call(b, 'POST', `/api/sessions/${onA}/take-over`, manager)), {
    sessionId: onA,
    role: 'host',
  });
  await host.waitForSession((s) => s.participants.some((p) => p.id === watch.participantId && p.role === 'host'));
  await host.waitFor('log', (m) => m.entry.text === `took over the session from ${SF.users.agent.name}`);
});
