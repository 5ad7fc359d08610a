// Cluster basics with real processes: three relay nodes on one real Redis. Nodes register and
// heartbeat; new sessions go to the least-busy node; a guest or agent who reaches a node that does
// not hold the session is sent to the one that does (its WebSocket URL), and a dead node drops out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { ConfigInput } from '@sightline/config';
import { DEMO } from './helpers/stack.ts';
import { relayProcess, startCrm, until, type RelayProcess } from './helpers/relayProcess.ts';
import { startRedis } from './helpers/redisServer.ts';
import { signIn, type CookieJar } from './helpers/signIn.ts';
import { TestClient } from './helpers/wsClient.ts';
import { encodeFrame } from '../src/protocol/index.ts';
import { VP8 } from './helpers/relay.ts';

const SESSIONS = 300;
type Rec = Record<string, unknown>;

async function post(node: RelayProcess, path: string, body: unknown, jar?: CookieJar): Promise<Rec> {
  const res = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: node.url, ...(jar ? { cookie: jar.header() } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Rec;
  assert.ok(res.ok, `${node.url}${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Live sessions a node holds, from its own metrics. */
async function sessionsOn(node: RelayProcess): Promise<number> {
  const res = await fetch(`${node.url}/metrics`, {
    headers: { authorization: 'Bearer metrics-token-for-tests-only-0123456789' },
  });
  return (await res.text())
    .split('\n')
    .filter((l) => l.startsWith('sightline_sessions{'))
    .reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
}

async function cluster(t: import('node:test').TestContext, overrides: ConfigInput = {}) {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t);
  const redis = new Redis(redisServer.url);
  redis.on('error', () => {}); // the outage test stops the server under it; its calls fail and retry
  t.after(() => redis.quit());
  const config: ConfigInput = {
    ...overrides,
    redis: { url: redisServer.url },
    limits: { maxLiveSessionsPerAgent: 1000, sessionCreationsPerAgentPerMinute: 1000 },
  };
  const nodes: RelayProcess[] = [];
  for (let i = 0; i < 3; i++) nodes.push(await relayProcess(t, sandbox, config));
  await Promise.all(nodes.map((n) => n.start()));
  // The agent signs in to each node (sign-ins are not shared yet).
  const jars = await Promise.all(
    nodes.map(async (n) => (await signIn(n.url, 'salesforce', DEMO.salesforce.users.agent)).jar),
  );
  /** The node holding a session, as Redis has it. */
  const ownerOf = async (sessionId: string) => {
    const id = await redis.get(`sightline:session:${sessionId}`);
    const info =
      id === null ? null : (JSON.parse((await redis.get(`sightline:node:${id}`)) ?? 'null') as { url: string } | null);
    return nodes.find((n) => n.url === info?.url);
  };
  return { redisServer, redis, nodes, jars, ownerOf };
}

const create = (node: RelayProcess, jar: CookieJar) =>
  post(node, '/api/sessions', { crm: 'salesforce', recordId: DEMO.salesforce.cases.printer }, jar);

test('three nodes: 300 sessions created through any node spread evenly; any node sends a join to the owner', async (t) => {
  const { nodes, jars, ownerOf } = await cluster(t);

  // Created through the nodes in turn, a few at a time.
  const created: Rec[] = [];
  for (let i = 0; i < SESSIONS; i += 6)
    created.push(
      ...(await Promise.all(Array.from({ length: 6 }, (_, j) => create(nodes[(i + j) % 3]!, jars[(i + j) % 3]!)))),
    );
  const counts = await Promise.all(nodes.map(sessionsOn));
  t.diagnostic(`sessions per node: ${counts.join(' / ')}`);
  assert.equal(
    counts.reduce((a, b) => a + b),
    SESSIONS,
    `every session lives on one node: ${counts}`,
  );
  for (const c of counts)
    assert.ok(Math.abs(c - SESSIONS / 3) <= 0.2 * (SESSIONS / 3), `within ±20% of ${SESSIONS / 3}: ${counts}`);

  // By key, through a node that does not hold the session: the guest is sent to the owner's WebSocket.
  const byKey = created[0]!;
  const owner = (await ownerOf(String(byKey.sessionId)))!;
  const [other, third] = nodes.filter((n) => n !== owner);
  const lookup = await post(other!, '/api/join/lookup', { key: byKey.key });
  assert.equal(lookup.hostName, 'Alex Agent', 'the owner answered the lookup');
  const guestJoin = await post(other!, '/api/join', {
    key: byKey.key,
    contact: { name: 'Gus Guest', email: 'gus@guest.example' },
    acceptedTerms: true,
  });
  assert.equal(guestJoin.wsUrl, `${owner.url.replace('http', 'ws')}/ws`);
  const guest = await TestClient.connect(String(guestJoin.wsUrl), String(guestJoin.ticket));
  t.after(() => guest.close());
  // The host's ticket through the third node: also the owner's.
  const hostJar = jars[nodes.indexOf(third!)]!;
  const ticket = await post(third!, `/api/sessions/${String(byKey.sessionId)}/ticket`, {}, hostJar);
  assert.equal(ticket.wsUrl, guestJoin.wsUrl);
  const host = await TestClient.connect(String(ticket.wsUrl), String(ticket.ticket));
  t.after(() => host.close());
  const welcome = host.messages.find((m) => m.type === 'welcome');
  assert.ok(welcome?.type === 'welcome');
  assert.deepEqual(welcome.session.participants.map((p) => p.displayName).sort(), ['Alex Agent', 'Gus Guest']);

  // By link, through a non-owner.
  const byLink = created[1]!;
  const linkOwner = (await ownerOf(String(byLink.sessionId)))!;
  const token = String(byLink.joinUrl).split('/j/')[1]!;
  const via = nodes.find((n) => n !== linkOwner)!;
  const linkJoin = await post(via, '/api/join', {
    token,
    contact: { name: 'Lina Link', email: 'lina@link.example' },
    acceptedTerms: true,
  });
  assert.equal(linkJoin.wsUrl, `${linkOwner.url.replace('http', 'ws')}/ws`);
  const linkGuest = await TestClient.connect(String(linkJoin.wsUrl), String(linkJoin.ticket));
  t.after(() => linkGuest.close());
  assert.ok(linkGuest.messages.some((m) => m.type === 'welcome' && m.role === 'guest'));

  // A wrong key is as unknown on every node.
  const wrong = await fetch(`${via.url}/api/join/lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: via.url },
    body: JSON.stringify({ key: '99999999999' }),
  });
  assert.equal(wrong.status, 404);
});

test('a node that stops heartbeating drops out within seconds and gets no new sessions', async (t) => {
  const { redis, nodes, jars, ownerOf } = await cluster(t);
  assert.equal((await redis.smembers('sightline:nodes')).length, 3);
  const [dead, ...alive] = nodes;
  await dead!.stop('SIGKILL');
  await until(
    async () => (await redis.keys('sightline:node:*')).length,
    (n) => n === 2,
    'the killed node to drop out',
    5000,
  );
  for (let i = 0; i < 6; i++) {
    const s = await create(alive[i % 2]!, jars[1 + (i % 2)]!);
    assert.ok(alive.includes((await ownerOf(String(s.sessionId)))!), 'placed on a live node');
  }
});

const frame = (sequence: number) =>
  Buffer.from(encodeFrame({ stream: 0, sequence, keyframe: true, captureTimeMs: Date.now() }, new Uint8Array(64)));

test('Redis stopped and started again: live sessions keep forwarding, new ones get a clear error, then all resumes', async (t) => {
  const { redisServer, redis, nodes, jars, ownerOf } = await cluster(t);
  const s = await create(nodes[0]!, jars[0]!);
  const owner = (await ownerOf(String(s.sessionId)))!;
  const other = nodes.find((n) => n !== owner)!;
  const joined = await post(other, '/api/join', {
    key: s.key,
    contact: { name: 'Ola Outage', email: 'ola@outage.example' },
    acceptedTerms: true,
  });
  const ticket = await post(owner, `/api/sessions/${String(s.sessionId)}/ticket`, {}, jars[nodes.indexOf(owner)]!);
  const host = await TestClient.connect(String(ticket.wsUrl), String(ticket.ticket));
  const guest = await TestClient.connect(String(joined.wsUrl), String(joined.ticket));
  t.after(() => {
    host.close();
    guest.close();
  });
  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'stream-start', config: VP8 });
  await host.waitFor('stream-start');
  guest.sendFrame(frame(0));
  await host.waitForFrames(1);
  // An agent signed in through the owner only (no other node has seen this login).
  const { jar: ownerOnly } = await signIn(owner.url, 'salesforce', DEMO.salesforce.users.agent);
  const me = (node: RelayProcess) => fetch(`${node.url}/api/me`, { headers: { cookie: ownerOnly.header() } });

  await redisServer.stop();
  // The session goes on: frames and chat still flow between its participants.
  guest.sendFrame(frame(1));
  await host.waitForFrames(2);
  guest.send({ type: 'chat', text: 'still here' });
  await host.waitFor('log', (m) => m.entry.text === 'still here');
  // A new session cannot be placed: a clear 503, not an internal error.
  const refused = await fetch(`${other.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: other.url, cookie: jars[nodes.indexOf(other)]!.header() },
    body: JSON.stringify({ crm: 'salesforce', recordId: DEMO.salesforce.cases.printer }),
  });
  assert.equal(refused.status, 503);
  assert.equal(((await refused.json()) as Rec).error, 'cluster_unavailable');
  // A sign-in another node cannot check now is unknown there, not wrong: 503, so the console does not
  // send the agent to sign in again; the node that has it judges it alone.
  const unchecked = await me(other);
  assert.equal(unchecked.status, 503);
  assert.equal(((await unchecked.json()) as Rec).error, 'cluster_unavailable');
  assert.equal((await me(owner)).status, 200);

  await redisServer.start(); // empty: nothing was persisted
  await until(
    async () => (await redis.smembers('sightline:nodes').catch(() => [])).length,
    (n) => n === 3,
    'the nodes to register again',
  );
  // The live session is findable through another node again, and new sessions are placed.
  await until(
    async () => (await ownerOf(String(s.sessionId)).catch(() => undefined)) === owner,
    (ok) => ok,
    'the session to be published again',
  );
  const lookup = await post(other, '/api/join/lookup', { key: s.key });
  assert.equal(lookup.hostName, 'Alex Agent');
  assert.ok((await create(other, jars[nodes.indexOf(other)]!)).sessionId);
  guest.sendFrame(frame(2));
  await host.waitForFrames(3);
});
