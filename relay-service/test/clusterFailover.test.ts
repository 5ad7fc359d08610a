// A node dies, or is only starved, with live sessions (real redis-server, three real relay
// processes, host and guest on WebSockets, the sandbox CRM). Its sessions are taken over by another
// node (Lua claim + epoch bump in Redis) and go on there, live: host and guest reconnect through
// another node (ticket call / join lookup name the new owner's wsUrl), the host's welcome carries the
// log from before the death, and the CRM receives each session's write-back exactly once, when the
// host ends it. A starved node (SIGSTOP past its heartbeat TTL, then SIGCONT) finds it lost the
// session, drops it and writes nothing back.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from 'jsforce';
import { Redis } from 'ioredis';
import { loadConfig } from '@sightline/config';
import type { RunningSandbox } from '@sightline/crm-sandbox';
import { DEMO } from './helpers/stack.ts';
import { relayProcess, startCrm, until, type RelayProcess } from './helpers/relayProcess.ts';
import { startRedis } from './helpers/redisServer.ts';
import { signIn, type CookieJar } from './helpers/signIn.ts';
import { TestClient } from './helpers/wsClient.ts';

const SF = DEMO.salesforce;
type Rec = Record<string, unknown>;

async function post(node: RelayProcess, path: string, body: unknown, jar?: CookieJar): Promise<Rec> {
  const res = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: node.url, ...(jar ? { cookie: jar.header() } : {}) },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `${node.url}${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Rec;
}

async function crmAs(sandbox: RunningSandbox): Promise<Connection> {
  const conn = new Connection({
    oauth2: {
      loginUrl: sandbox.salesforceUrl,
      clientId: DEMO.oauthClient.clientId,
      clientSecret: DEMO.oauthClient.clientSecret,
    },
    version: loadConfig({ env: { SIGHTLINE_ENV: 'test' } }).salesforce.apiVersion,
  });
  await conn.login(SF.users.agent.username, SF.users.agent.password);
  return conn;
}

const tasksOf = async (conn: Connection, sessionId: string) =>
  (
    await conn.query<Rec>(
      `SELECT Id, Description FROM Task WHERE Sightline_Session_Id__c = '${sessionId}' AND WhatId = '${SF.cases.printer}'`,
    )
  ).records;

async function cluster(t: TestContext) {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t);
  const redis = new Redis(redisServer.url);
  t.after(() => redis.quit());
  const config = {
    redis: { url: redisServer.url },
    limits: { maxLiveSessionsPerAgent: 1000, sessionCreationsPerAgentPerMinute: 1000 },
  };
  const nodes: RelayProcess[] = [];
  for (let i = 0; i < 3; i++) nodes.push(await relayProcess(t, sandbox, config));
  await Promise.all(nodes.map((n) => n.start()));
  const { jar } = await signIn(nodes[0]!.url, 'salesforce', SF.users.agent);
  const ownerId = async (sessionId: string) => redis.hget(`sightline:own:${sessionId}`, 'node');
  const nodeOf = async (sessionId: string) => {
    const info = JSON.parse((await redis.get(`sightline:node:${(await ownerId(sessionId)) ?? ''}`)) ?? 'null') as {
      url: string;
    } | null;
    return nodes.find((n) => n.url === info?.url);
  };
  return { sandbox, redis, nodes, jar, ownerId, nodeOf, conn: await crmAs(sandbox) };
}

/** A live session: host and guest connected through the node the answers name, chat and a note logged. */
async function liveSession(via: RelayProcess, jar: CookieJar, name: string) {
  const created = await post(via, '/api/sessions', { crm: 'salesforce', recordId: SF.cases.printer }, jar);
  const sessionId = String(created.sessionId);
  const joined = await post(via, '/api/join', {
    key: created.key,
    contact: { name, email: `${name.toLowerCase().replace(' ', '.')}@failover.example` },
    acceptedTerms: true,
  });
  const ticket = await post(via, `/api/sessions/${sessionId}/ticket`, {}, jar);
  const host = await TestClient.connect(String(ticket.wsUrl), String(ticket.ticket));
  const guest = await TestClient.connect(String(joined.wsUrl), String(joined.ticket));
  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'chat', text: `${name} before the failure` });
  host.send({ type: 'note', text: `note for ${name}` });
  await host.waitFor('log', (m) => m.entry.text === `note for ${name}`);
  return { sessionId, host, guest, name, key: String(created.key), guestTicket: String(joined.ticket) };
}

type Live = Awaited<ReturnType<typeof liveSession>>;

/** A JSON POST that may fail while the cluster notices the death (the old owner is unreachable). */
async function tryPost(node: RelayProcess, path: string, body: unknown, jar?: CookieJar): Promise<Rec | null> {
  const res = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: node.url, ...(jar ? { cookie: jar.header() } : {}) },
    body: JSON.stringify(body),
  });
  return res.ok ? ((await res.json()) as Rec) : null;
}

/**
 * What the clients do when their socket closes abnormally: ask a node for the owner's wsUrl (host:
 * its ticket call; guest: the join lookup with the key it joined with), then connect there, the guest
 * with the ticket it already holds. Retried until the new owner has the session.
 */
async function reconnect(via: RelayProcess, jar: CookieJar, s: Live): Promise<{ host: TestClient; guest: TestClient }> {
  const ticket = await until(
    () => tryPost(via, `/api/sessions/${s.sessionId}/ticket`, {}, jar),
    (r) => r !== null,
    `a node to issue the host a ticket for ${s.sessionId}`,
  );
  const host = await TestClient.connect(String(ticket!.wsUrl), String(ticket!.ticket));
  const found = await tryPost(via, '/api/join/lookup', { key: s.key });
  assert.ok(found?.wsUrl, 'the join lookup names the new owner’s WebSocket URL');
  assert.equal(found.wsUrl, ticket!.wsUrl, 'host and guest are sent to the same node');
  const guest = await TestClient.connect(String(found.wsUrl), s.guestTicket);
  return { host, guest };
}

test('kill -9 of the node owning sessions: another node takes them over, log intact, one write-back each', async (t) => {
  const { nodes, jar, ownerId, nodeOf, conn } = await cluster(t);
  const live: Awaited<ReturnType<typeof liveSession>>[] = [];
  for (let i = 0; i < 6; i++) live.push(await liveSession(nodes[0]!, jar, `Guest ${i}`));
  t.after(() => live.forEach((s) => (s.host.close(), s.guest.close())));
  const victim = (await nodeOf(live[0]!.sessionId))!;
  const victimId = await ownerId(live[0]!.sessionId);
  const owned: typeof live = [];
  for (const s of live) if ((await ownerId(s.sessionId)) === victimId) owned.push(s);
  const kept = live.filter((s) => !owned.includes(s));

  const killedAt = performance.now();
  await victim.stop('SIGKILL');
  await Promise.all(owned.flatMap((s) => [s.host.closed, s.guest.closed]));
  const via = nodes.find((n) => n !== victim)!;
  const back = await Promise.all(owned.map((s) => reconnect(via, jar, s)));
  t.diagnostic(
    `${owned.length} sessions resumed on another node ${Math.round(performance.now() - killedAt)} ms after kill -9`,
  );
  t.after(() => back.forEach((c) => (c.host.close(), c.guest.close())));
  for (const [i, s] of owned.entries()) {
    const { host, guest } = back[i]!;
    assert.notEqual(await ownerId(s.sessionId), victimId, 'a live node owns it');
    const welcome = host.messages.find((m) => m.type === 'welcome');
    assert.ok(welcome?.type === 'welcome' && welcome.log, 'the host’s welcome carries the log');
    const texts = welcome.log.map((e) => e.text);
    assert.ok(texts.includes(`${s.name} before the failure`), 'the chat from before the kill');
    assert.ok(texts.includes(`note for ${s.name}`), 'the note from before the kill');
    assert.ok(
      texts.some((x) => x.startsWith('session moved to another relay node')),
      'the log says it moved',
    );
    const gw = guest.messages.find((m) => m.type === 'welcome');
    assert.ok(
      gw?.type === 'welcome' && gw.role === 'guest' && gw.log === undefined,
      'the guest is back, without the log',
    );
    // Still the same session going on: a chat line after the move reaches the host.
    guest.send({ type: 'chat', text: `${s.name} after the move` });
    await host.waitFor('log', (m) => m.entry.text === `${s.name} after the move`);
    host.send({ type: 'end' });
  }
  for (const s of owned) {
    const tasks = await until(
      () => tasksOf(conn, s.sessionId),
      (r) => r.length > 0,
      `the write-back of ${s.sessionId}`,
    );
    const description = String(tasks[0]!.Description);
    assert.match(description, new RegExp(`${s.name}: ${s.name} before the failure`), 'the log before the kill');
    assert.match(description, new RegExp(`${s.name}: ${s.name} after the move`), 'the log after the move');
    assert.match(description, /session moved to another relay node/);
    assert.match(description, /session ended \(host ended\)/);
    assert.doesNotMatch(description, /relay restarted/);
  }

  // The sessions on the other nodes never noticed; they end normally, and each is written once.
  for (const s of kept) s.host.send({ type: 'end' });
  for (const s of kept)
    await until(
      () => tasksOf(conn, s.sessionId),
      (r) => r.length > 0,
      'the ended session',
    );
  const survivors = nodes.filter((n) => n !== victim);
  await Promise.all(
    survivors.map((n) =>
      until(
        () => backlog(n),
        (b) => b === 0,
        'the write-back to drain',
      ),
    ),
  );
  for (const s of live) assert.equal((await tasksOf(conn, s.sessionId)).length, 1, `one Task for ${s.sessionId}`);
});

async function backlog(node: RelayProcess): Promise<number> {
  const res = await fetch(`${node.url}/metrics`, {
    headers: { authorization: 'Bearer metrics-token-for-tests-only-0123456789' },
  });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('sightline_writeback_backlog'));
  return Number(line?.split(' ')[1] ?? 'NaN');
}

test('a starved owner (SIGSTOP past its TTL, then SIGCONT) loses its session: one write-back, by the new owner', async (t) => {
  const { redis, nodes, jar, ownerId, nodeOf, conn } = await cluster(t);
  const s = await liveSession(nodes[0]!, jar, 'Stella Starved');
  t.after(() => (s.host.close(), s.guest.close()));
  const starved = (await nodeOf(s.sessionId))!;
  const starvedId = await ownerId(s.sessionId);
  starved.signal('SIGSTOP');
  const newOwner = await until(
    () => ownerId(s.sessionId),
    (id) => id !== starvedId,
    'another node to take the starved node’s session',
  );
  assert.ok(newOwner !== null && newOwner !== starvedId);
  starved.signal('SIGCONT');
  // Thawed, the old node finds it lost the session: it closes the sockets and drops it, writing nothing.
  await Promise.all([s.host.closed, s.guest.closed]);
  await until(
    async () => starved.output(),
    (out) => out.includes('another node'),
    'the old node to log that it dropped the session',
  );
  // The session went on on the new owner: the clients come back there, and the host ends it.
  const via = nodes.find((n) => n !== starved)!;
  const back = await reconnect(via, jar, s);
  t.after(() => (back.host.close(), back.guest.close()));
  back.host.send({ type: 'end' });
  const tasks = await until(
    () => tasksOf(conn, s.sessionId),
    (r) => r.length > 0,
    'the write-back by the new owner',
  );
  assert.match(String(tasks[0]!.Description), /Stella Starved: Stella Starved before the failure/);
  await Promise.all(
    nodes.map((n) =>
      until(
        () => backlog(n),
        (b) => b === 0,
        'the write-back to drain',
      ),
    ),
  );
  assert.equal((await tasksOf(conn, s.sessionId)).length, 1, 'exactly one Task');
  await until(
    () => redis.exists(`sightline:journal:${s.sessionId}`),
    (n) => n === 0,
    'nothing of it left in the journal',
  );
});
