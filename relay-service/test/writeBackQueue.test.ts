// The cluster write-back queue on a real redis-server: two queue instances with their own connections
// stand for two nodes (the relay processes are not wired to it yet).
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import { WriteBackQueue, jobIdFor, type Outcome, type QueuedSession } from '../src/cluster/WriteBackQueue.ts';
import { startRedis } from './helpers/redisServer.ts';

const cipher = new TokenCipher(Buffer.alloc(32, 9));

const session = (sessionId: string): QueuedSession => ({
  sessionId,
  writes: [
    {
      kind: 'lead',
      discriminator: 'ada@example.com',
      crm: 'salesforce',
      userId: '005A',
      recordId: '500A',
      payload: { email: 'ada@example.com' },
    },
  ],
});

function node(url: string, process: (s: QueuedSession, lane: string) => Promise<Outcome>) {
  return new WriteBackQueue({ redisUrl: url, cipher, process, lanesEveryMs: 100 });
}

test('a session queued by node A is written once by node B, and a second enqueue is a no-op', async (t) => {
  const redis = await startRedis(t);
  const written = new EventEmitter();
  const calls: string[] = [];
  const a = node(redis.url, () => Promise.reject(new Error('A never runs the job')));
  const lane = a.laneOf('salesforce', 'https://acme.my.salesforce.com');
  assert.equal(await a.enqueue(lane, session('sA')), true);
  await a.close(); // A stops before any worker of its own took the job (it had none started)

  const b = node(redis.url, (s) => {
    calls.push(s.sessionId);
    written.emit('done', s.sessionId);
    return Promise.resolve({ done: true });
  });
  const done = once(written, 'done');
  try {
    await b.start();
    assert.deepEqual(await done, ['sA']);
    // B (taking A's session over) queues it again: nothing new runs.
    assert.equal(await b.enqueue(lane, session('sA')), false);
    const raw = new Redis(redis.url);
    const keys = await raw.keys(`sightline-bull:wb-${lane}:${jobIdFor('sA')}`);
    assert.equal(keys.length, 1);
    const data = await raw.hget(keys[0]!, 'data');
    raw.disconnect();
    assert.ok(data && !data.includes('ada@example.com'), 'the job data is sealed');
    assert.deepEqual(calls, ['sA']);
  } finally {
    await b.close();
  }
});

test('one org failing does not delay another org', async (t) => {
  const redis = await startRedis(t);
  const events = new EventEmitter();
  let failing = 0;
  const q = node(redis.url, (s) => {
    if (s.sessionId.startsWith('bad')) {
      failing++;
      events.emit('failing');
      return Promise.resolve({ done: false, retryAt: Date.now() + 60_000 });
    }
    events.emit('written', s.sessionId);
    return Promise.resolve({ done: true });
  });
  try {
    await q.start();
    const bad = q.laneOf('salesforce', 'https://down.my.salesforce.com');
    const good = q.laneOf('salesforce', 'https://up.my.salesforce.com');
    const badSeen = once(events, 'failing');
    for (let i = 0; i < 8; i++) await q.enqueue(bad, session(`bad${i}`));
    await badSeen;
    const written = once(events, 'written');
    await q.enqueue(good, session('good1'));
    assert.deepEqual(await written, ['good1']);
    assert.ok(failing >= 1 && failing <= 8, 'each failing session ran at most once, then waits delayed');
  } finally {
    await q.close();
  }
});

test('Redis stopped and started again: an enqueue made during the outage lands, and the workers resume', async (t) => {
  const redis = await startRedis(t);
  const events = new EventEmitter();
  const q = node(redis.url, (s) => {
    events.emit('written', s.sessionId);
    return Promise.resolve({ done: true });
  });
  try {
    await q.start();
    const lane = q.laneOf('servicenow', 'https://acme.service-now.com');
    const first = once(events, 'written');
    await q.enqueue(lane, session('before'));
    assert.deepEqual(await first, ['before']);
    await redis.stop();
    // The enqueue waits for Redis (no error, nothing lost in this process); the caller keeps its own copy meanwhile.
    const pending = q.enqueue(lane, session('during'));
    const written = once(events, 'written');
    await redis.start();
    assert.equal(await pending, true);
    assert.deepEqual(await written, ['during']);
  } finally {
    await q.close();
  }
});
