// An agent's session calls through any node, with real processes: two relay nodes on one real Redis
// and the sandbox CRM. Details, the agent's live list, invite and end of a session held by node A all
// work through node B, which sends them on to A with the agent's own cookie; A authenticates the
// agent itself and does not take a node's word for who is asking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import { FROM_NODE_HEADER } from '../src/cluster/forwardToOwner.ts';
import { clusterBearer } from '../src/cluster/nodeCalls.ts';
import { DEMO, TEST_KEY } from './helpers/stack.ts';
import { relayProcess, startCrm, until, type RelayProcess } from './helpers/relayProcess.ts';
import { startRedis } from './helpers/redisServer.ts';
import { signIn, type CookieJar } from './helpers/signIn.ts';
import { TestClient } from './helpers/wsClient.ts';
import { PLACEMENT_LIMITS, sessionOnEach } from './helpers/placement.ts';
import { handOffResponseSchema, joinResponseSchema } from '../src/protocol/index.ts';

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

const idsOf = (list: Rec) => (list.sessions as { sessionId: string }[]).map((s) => s.sessionId).sort();

test("details, list, invite and end of node A's session through node B; A authenticates the agent itself", async (t) => {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t);
  const redis = new Redis(redisServer.url);
  t.after(() => redis.quit());
  const config = { redis: { url: redisServer.url }, limits: PLACEMENT_LIMITS };
  const a = await relayProcess(t, sandbox, config);
  const b = await relayProcess(t, sandbox, config);
  await Promise.all([a.start(), b.start()]);
  const { jar } = await signIn(a.url, 'salesforce', SF.users.agent);

  // A session on each node (placement weighs load, so it may take more than two).
  const { on, created } = await sessionOnEach(redis, [a, b], () =>
    ok(call(b, 'POST', '/api/sessions', jar, { crm: 'salesforce', recordId: SF.cases.printer })),
  );
  const onA = String(on(a).sessionId);
  const all = created.map((c) => String(c.sessionId)).sort();

  // Details through B come from A.
  const details = await ok(call(b, 'GET', `/api/sessions/${onA}`, jar));
  assert.equal(details.sessionId, onA);
  assert.equal((details.session as Rec).id, onA);
  assert.equal(details.role, 'host');
  // The agent's live list, through either node, holds every session.
  for (const node of [a, b]) assert.deepEqual(idsOf(await ok(call(node, 'GET', '/api/sessions', jar))), all);
  // The invite goes out through the CRM from A.
  const invited = await ok(call(b, 'POST', `/api/sessions/${onA}/invite`, jar, { to: ['pat@customer.example'] }));
  assert.deepEqual(invited, { sent: true, to: ['pat@customer.example'] });
  // Its log line reaches this process through A's stdout pipe, after (not with) the answer.
  await until(
    () => Promise.resolve(a.output()),
    (out) => /invitation emailed through the CRM/.test(out),
    "A's log line for the invitation",
  );
  assert.doesNotMatch(b.output(), /invitation emailed through the CRM/);

  // A node's bearer says who sent the call, not who the agent is: without the agent's cookie, 401.
  const bearer = clusterBearer(new TokenCipher(Buffer.from(TEST_KEY, 'hex')));
  const noAgent = await fetch(`${a.url}/api/sessions/${onA}`, { headers: { [FROM_NODE_HEADER]: `Bearer ${bearer}` } });
  assert.equal(noAgent.status, 401);
  // A wrong node bearer skips nothing: the cookie without its Origin is refused as cross-site.
  const forged = await fetch(`${a.url}/api/sessions/${onA}/end`, {
    method: 'POST',
    headers: { [FROM_NODE_HEADER]: 'Bearer not-the-cluster-bearer', cookie: jar.header() },
  });
  assert.equal(forged.status, 403);
  assert.equal(((await forged.json()) as Rec).error, 'forbidden_origin');

  // Ended through B: gone on A, and from the list on both.
  assert.deepEqual(await ok(call(b, 'POST', `/api/sessions/${onA}/end`, jar, {})), { sessionId: onA, status: 'ended' });
  assert.equal((await call(a, 'GET', `/api/sessions/${onA}`, jar)).status, 404);
  assert.equal((await call(b, 'GET', `/api/sessions/${onA}`, jar)).status, 404);
  const left = all.filter((id) => id !== onA);
  for (const node of [a, b]) assert.deepEqual(idsOf(await ok(call(node, 'GET', '/api/sessions', jar))), left);
});

test('the desktop hand-off through a node that does not hold the session: code, lookup and join reach the owner', async (t) => {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t);
  const redis = new Redis(redisServer.url);
  t.after(() => redis.quit());
  const config = { redis: { url: redisServer.url }, limits: PLACEMENT_LIMITS };
  const a = await relayProcess(t, sandbox, config);
  const b = await relayProcess(t, sandbox, config);
  await Promise.all([a.start(), b.start()]);
  const { jar } = await signIn(a.url, 'salesforce', SF.users.agent);
  const { on } = await sessionOnEach(redis, [a, b], () =>
    ok(call(a, 'POST', '/api/sessions', jar, { crm: 'salesforce', recordId: SF.cases.printer })),
  );
  const held = on(a);
  const token = new URL(String(held.joinUrl)).pathname.split('/').pop()!;

  // The join page asks B (by the link's token); A holds the session, so A issues the code.
  const handOff = handOffResponseSchema.parse(await ok(call(b, 'POST', '/api/desktop/handoff', null, { token })));
  // The app reaches B again: lookup and join go on to A, whose WebSocket the answer names.
  const lookup = await ok(call(b, 'POST', '/api/desktop/lookup', null, { code: handOff.code }));
  assert.equal(lookup.hostName, 'Alex Agent');
  const contact = { name: 'Casey Customer', email: 'casey@customer.example' };
  const joined = joinResponseSchema.parse(
    await ok(call(b, 'POST', '/api/desktop/join', null, { code: handOff.code, contact, acceptedTerms: true })),
  );
  assert.equal(joined.wsUrl, `${a.url.replace('http', 'ws')}/ws`);
  const guest = await TestClient.connect(joined.wsUrl, joined.ticket);
  t.after(() => guest.close());
  assert.ok(
    guest.messages.some((m) => m.type === 'welcome' && m.role === 'guest'),
    'the guest is in, on A',
  );
  // Spent, whichever node is asked.
  for (const node of [a, b])
    assert.equal((await call(node, 'POST', '/api/desktop/lookup', null, { code: handOff.code })).status, 404);
  assert.equal((await redis.keys('sightline:handoff:*')).length, 1, 'Redis holds the code as a keyed hash');
  assert.ok(!(await redis.keys('*')).some((k) => k.includes(handOff.code)));
});
