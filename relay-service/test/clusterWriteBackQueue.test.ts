// Cluster mode's write-back through the Redis queue, with real processes: a real redis-server (with
// its append-only file, as production needs), two real relay nodes, the sandbox CRM, host and guest
// on WebSockets. A session ended on one node is written by the other while the first is frozen; a
// session ended while Redis is down is written exactly once after it is back, and live sessions go
// on during the outage; a node stopped and started again hands over what it kept.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { Connection } from 'jsforce';
import { Redis } from 'ioredis';
import { loadConfig, type ConfigInput } from '@sightline/config';
import type { RunningSandbox } from '@sightline/crm-sandbox';
import { encodeFrame } from '../src/protocol/index.ts';
import { jobIdFor, QUEUE_PREFIX, queueNameOf } from '../src/cluster/WriteBackQueue.ts';
import { DEMO } from './helpers/stack.ts';
import { relayProcess, startCrm, until, type RelayProcess } from './helpers/relayProcess.ts';
import { startRedis } from './helpers/redisServer.ts';
import { signIn, type CookieJar } from './helpers/signIn.ts';
import { VP8, vp8Chunks } from './helpers/relay.ts';
import { TestClient } from './helpers/wsClient.ts';

const SF = DEMO.salesforce;
type Rec = Record<string, unknown>;

async function post(node: RelayProcess, path: string, body: unknown, jar?: CookieJar): Promise<Response> {
  return fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: node.url, ...(jar ? { cookie: jar.header() } : {}) },
    body: JSON.stringify(body),
  });
}

async function postOk(node: RelayProcess, path: string, body: unknown, jar?: CookieJar): Promise<Rec> {
  const res = await post(node, path, body, jar);
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

const frame = (sequence: number) =>
  Buffer.from(encodeFrame({ stream: 0, sequence, keyframe: true, captureTimeMs: Date.now() }, new Uint8Array(64)));

async function metric(node: RelayProcess, name: string): Promise<number> {
  const res = await fetch(`${node.url}/metrics`, {
    headers: { authorization: 'Bearer metrics-token-for-tests-only-0123456789' },
  });
  // Summed over its labels (sightline_sessions has one line per status).
  const lines = (await res.text()).split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return lines.length ? lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0) : NaN;
}
const backlog = (node: RelayProcess) => metric(node, 'sightline_writeback_backlog');

async function cluster(t: TestContext, extra: Pick<ConfigInput, 'policy'> = {}) {
  const sandbox = await startCrm(t);
  const redisServer = await startRedis(t, { persistent: true });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  redis.on('error', () => {}); // the outage test stops Redis under it
  t.after(() => redis.disconnect());
  const config = {
    ...extra,
    redis: { url: redisServer.url },
    limits: {
      maxLiveSessionsPerAgent: 1000,
      sessionCreationsPerAgentPerMinute: 1000,
      keyframeRequestIntervalMs: 0,
    },
  };
  const nodes: RelayProcess[] = [];
  for (let i = 0; i < 2; i++) nodes.push(await relayProcess(t, sandbox, config));
  await Promise.all(nodes.map((n) => n.start()));
  const { jar } = await signIn(nodes[0]!.url, 'salesforce', SF.users.agent);
  const nodeOf = async (sessionId: string) => {
    const owner = (await redis.hget(`sightline:own:${sessionId}`, 'node')) ?? '';
    const info = JSON.parse((await redis.get(`sightline:node:${owner}`)) ?? 'null') as { url: string } | null;
    return nodes.find((n) => n.url === info?.url);
  };
  /** The lane's queue as an operator's tool opens it (its name is in the lanes set). */
  const laneQueue = async () => {
    const [lane] = await until(
      () => redis.smembers('sightline:wb:lanes'),
      (l) => l.length === 1,
      'the Salesforce org’s lane',
    );
    const q = new Queue(queueNameOf(lane!), { connection: { url: redisServer.url }, prefix: QUEUE_PREFIX });
    return q;
  };
  return { sandbox, redisServer, redis, nodes, jar, nodeOf, laneQueue, conn: await crmAs(sandbox) };
}

/** A live session: host and guest on the node the answers name, the guest sharing, a chat line logged. */
async function liveSession(via: RelayProcess, jar: CookieJar, name: string) {
  const created = await postOk(via, '/api/sessions', { crm: 'salesforce', recordId: SF.cases.printer }, jar);
  const sessionId = String(created.sessionId);
  const joined = await postOk(via, '/api/join', {
    key: created.key,
    contact: { name, email: `${name.toLowerCase().replace(' ', '.')}@queue.example` },
    acceptedTerms: true,
  });
  const ticket = await postOk(via, `/api/sessions/${sessionId}/ticket`, {}, jar);
  const host = await TestClient.connect(String(ticket.wsUrl), String(ticket.ticket));
  const guest = await TestClient.connect(String(joined.wsUrl), String(joined.ticket));
  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'stream-start', config: VP8 });
  await host.waitFor('stream-start');
  guest.send({ type: 'chat', text: `${name} says hello` });
  await host.waitFor('log', (m) => m.entry.text === `${name} says hello`);
  return { sessionId, host, guest, name };
}

/** Ends the session from the host's side and waits until its node closed both sockets. */
async function end(s: Awaited<ReturnType<typeof liveSession>>) {
  s.host.send({ type: 'end' });
  await Promise.all([s.host.closed, s.guest.closed]);
}

async function writtenOnce(conn: Connection, sessionId: string, name: string) {
  const tasks = await until(
    () => tasksOf(conn, sessionId),
    (r) => r.length > 0,
    `the write-back of ${sessionId}`,
  );
  assert.match(String(tasks[0]!.Description), new RegExp(`${name}: ${name} says hello`), 'the log is in the report');
  return tasks;
}

test('a session ended on node A is written by node B while A is frozen before its worker took it', async (t) => {
  const { redis, nodes, jar, nodeOf, laneQueue, conn } = await cluster(t);
  // A first session makes the org's lane known to both nodes' workers.
  const first = await liveSession(nodes[0]!, jar, 'Fay First');
  await end(first);
  await writtenOnce(conn, first.sessionId, 'Fay First');
  const queue = await laneQueue();
  t.after(() => queue.close());

  // Paused, the lane keeps new jobs for later: the session's job is in Redis and no worker has it.
  await queue.pause();
  // A is wherever placement put the session (by load, CPU included, not by the node asked).
  const s = await liveSession(nodes[0]!, jar, 'Sam Second');
  const a = (await nodeOf(s.sessionId))!;
  const b = nodes.find((n) => n !== a)!;
  await end(s);
  const job = await until(
    () => queue.getJob(jobIdFor(s.sessionId)),
    (j) => j !== undefined,
    'A’s hand-off of the report into the queue',
  );
  // BullMQ keeps a paused lane's jobs in its wait list: no worker takes them until it resumes.
  assert.ok(await queue.isPaused());
  assert.equal(await job!.getState(), 'waiting');
  a.signal('SIGSTOP');
  try {
    await queue.resume();
    await writtenOnce(conn, s.sessionId, 'Sam Second');
    // B logs the write once the CRM answered (and its stdout reaches us later still): wait for the line.
    const wrote = new RegExp(`"sessionId":"${s.sessionId}"[^\\n]*written to the CRM`);
    await until(
      () => Promise.resolve(b.output()),
      (out) => wrote.test(out),
      'B’s log line saying it wrote the session',
    );
    await until(
      async () => (await queue.getJob(jobIdFor(s.sessionId)))?.getState(),
      (state) => state === 'completed',
      'B to complete the job',
    );
  } finally {
    a.signal('SIGCONT');
  }
  await until(
    () => Promise.all(nodes.map(backlog)),
    (n) => n.every((x) => x === 0),
    'both nodes’ write-backs to drain',
  );
  assert.doesNotMatch(a.output(), new RegExp(`"sessionId":"${s.sessionId}"[^\\n]*written to the CRM`), 'A did not');
  assert.equal((await tasksOf(conn, s.sessionId)).length, 1, 'exactly one Task');
  assert.equal((await tasksOf(conn, first.sessionId)).length, 1, 'exactly one Task for the first session');
  assert.doesNotMatch(
    JSON.stringify(await redis.hgetall(`${QUEUE_PREFIX}:${job!.queueName}:${job!.id}`)),
    /queue\.example/,
  );
});

test('Redis down for 30 s: live sessions forward, new ones get a 503, one ended meanwhile is written once after', async (t) => {
  const { redisServer, redis, nodes, jar, nodeOf, laneQueue, conn } = await cluster(t);
  const live = await liveSession(nodes[0]!, jar, 'Lou Live');
  const ending = await liveSession(nodes[0]!, jar, 'Eve Ending');
  t.after(() => [live, ending].forEach((s) => (s.host.close(), s.guest.close())));
  live.guest.sendFrame(frame(0));
  await live.host.waitForFrames(1);
  const home = await nodeOf(live.sessionId);
  assert.ok(home);

  await redisServer.stop();
  const back = new Promise((resolve) => setTimeout(resolve, 30_000)); // the outage's length, not an assertion
  // Frames and chat still flow in the live session.
  live.guest.sendFrame(frame(1));
  await live.host.waitForFrames(2);
  live.guest.send({ type: 'chat', text: 'still here during the outage' });
  await live.host.waitFor('log', (m) => m.entry.text === 'still here during the outage');
  // A new session cannot be placed: a clear 503.
  // Asked of the node the agent signed in through (another node cannot check the sign-in without Redis).
  const refused = await post(nodes[0]!, '/api/sessions', { crm: 'salesforce', recordId: SF.cases.printer }, jar);
  assert.equal(refused.status, 503);
  assert.equal(((await refused.json()) as Rec).error, 'cluster_unavailable');
  // A session ends during the outage: its end does not wait for Redis, its report waits on its node.
  await end(ending);
  await back;

  await redisServer.start();
  await writtenOnce(conn, ending.sessionId, 'Eve Ending');
  const queue = await laneQueue();
  t.after(() => queue.close());
  await until(
    async () => (await queue.getJob(jobIdFor(ending.sessionId)))?.getState(),
    (state) => state === 'completed',
    'the job to complete',
  );
  await until(
    () => Promise.all(nodes.map(backlog)),
    (n) => n.every((x) => x === 0),
    'both nodes’ write-backs to drain',
  );
  assert.equal((await tasksOf(conn, ending.sessionId)).length, 1, 'exactly one Task');
  // The live session went on through the outage and goes on after it, on its own node: every
  // heartbeat expired during the outage, and no node took the other's sessions for that.
  live.guest.sendFrame(frame(2));
  await live.host.waitForFrames(3);
  assert.equal(await nodeOf(live.sessionId), home, 'the live session stayed on its node');
  assert.doesNotMatch(nodes.map((n) => n.output()).join('\n'), /took over the sessions of a node/);
  await end(live);
  await writtenOnce(conn, live.sessionId, 'Lou Live');
  assert.equal(await redis.exists(`sightline:own:${ending.sessionId}`), 1);
});

test('a node stopped (SIGTERM) while Redis is down keeps the report, and hands it over once started again', async (t) => {
  const { redisServer, redis, nodes, jar, nodeOf, conn } = await cluster(t);
  const s = await liveSession(nodes[0]!, jar, 'Rita Restart');
  t.after(() => (s.host.close(), s.guest.close()));
  const node = (await nodeOf(s.sessionId))!;
  const other = nodes.find((n) => n !== node)!;
  await redisServer.stop();
  await end(s);
  // The stop is bounded with Redis gone, and clean.
  const exit = await node.stop('SIGTERM');
  assert.equal(exit.code, 0, node.output());
  await redisServer.start();
  // The worst order: the end never reached Redis, so the other node takes the session over as if it
  // were live (the stopped node's heartbeat is gone) before the stopped node is back.
  await until(
    () => nodeOf(s.sessionId),
    (n) => n === other,
    'the other node to take the session over',
  );
  await node.start();
  await writtenOnce(conn, s.sessionId, 'Rita Restart');
  // The stopped node's report is the session's true end; the taker drops its ghost copy unwritten.
  await until(
    () => metric(other, 'sightline_sessions'),
    (n) => n === 0,
    'the other node to drop its copy',
  );
  assert.match(String(await redis.hget(`sightline:own:${s.sessionId}`, 'done')), /^n_/);
  await until(
    () => Promise.all(nodes.map(backlog)),
    (n) => n.every((x) => x === 0),
    'both nodes’ write-backs to drain',
  );
  assert.equal((await tasksOf(conn, s.sessionId)).length, 1, 'exactly one Task');
});

test('a recorded session ended while Redis is down: its node keeps the recording and writes it, once, when Redis is back', async (t) => {
  const { redisServer, nodes, jar, nodeOf, conn } = await cluster(t, {
    policy: { groups: { default: { recording: 'always' } } },
  });
  const s = await liveSession(nodes[0]!, jar, 'Rhea Recorded');
  t.after(() => (s.host.close(), s.guest.close()));
  s.guest.send({ type: 'consent', view: true, recording: true });
  await s.host.waitForSession((x) => x.recording === 'on');
  const chunks = vp8Chunks();
  const t0 = Date.now();
  for (const [i, c] of chunks.entries())
    s.guest.sendFrame(
      Buffer.from(
        encodeFrame({ stream: 0, sequence: i, keyframe: c.keyframe, captureTimeMs: t0 + c.timestampUs / 1000 }, c.data),
      ),
    );
  await s.host.waitForFrames(chunks.length);
  const node = (await nodeOf(s.sessionId))!;

  await redisServer.stop();
  await end(s);
  // The report waits on its node, counted, until the fence can say yes.
  await until(
    () => metric(node, 'sightline_writeback_awaiting_cluster'),
    (n) => n === 1,
    'the report to wait on its node',
  );
  await redisServer.start();
  await writtenOnce(conn, s.sessionId, 'Rhea Recorded');
  await until(
    () => Promise.all(nodes.map(backlog)),
    (n) => n.every((x) => x === 0),
    'both nodes’ write-backs to drain',
  );
  assert.equal(await metric(node, 'sightline_writeback_awaiting_cluster'), 0);
  const files = (
    await conn.query<Rec>(`SELECT Id, ContentSize FROM ContentVersion WHERE Sightline_Session_Id__c = '${s.sessionId}'`)
  ).records;
  assert.equal(files.length, 1, 'the recording, once');
  assert.ok(Number(files[0]!.ContentSize) > 1000);
  assert.equal((await tasksOf(conn, s.sessionId)).length, 1, 'exactly one Task');
  assert.match(node.output(), new RegExp(`"sessionId":"${s.sessionId}"[^\\n]*session queued for write-back`));
});
