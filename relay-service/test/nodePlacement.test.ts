// Placement by load against a real redis-server: the heartbeat's CPU and bandwidth steer new
// sessions away from a busy node, and the exact placed count still spreads a burst.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { NodeDirectory, headroom, type NodeLoad } from '../src/cluster/NodeDirectory.ts';
import { startRedis } from './helpers/redisServer.ts';

// Runs `body` with one directory per load, then leaves and disconnects before the test's after hooks
// stop redis-server (they run in order, and a client of a stopped server retries forever).
async function withNodes(t: TestContext, loads: NodeLoad[], body: (first: NodeDirectory) => Promise<void>) {
  const server = await startRedis(t);
  const redis = new Redis(server.url);
  const nodes = loads.map(
    (load, i) =>
      new NodeDirectory({
        redis,
        id: `n${i}`,
        url: `http://127.0.0.1:${9000 + i}`,
        heartbeatMs: 60_000,
        ttlMs: 120_000,
        load: () => Promise.resolve(load),
        logger: pino({ level: 'silent' }),
      }),
  );
  try {
    for (const n of nodes) await n.start();
    await body(nodes[0]!);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.quit();
  }
}

async function placeMany(node: NodeDirectory, count: number): Promise<Map<string, number>> {
  const placed = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const { id } = await node.place();
    placed.set(id, (placed.get(id) ?? 0) + 1);
  }
  return placed;
}

test('a node reporting high CPU gets fewer new sessions, in proportion to its headroom', async (t) => {
  const idle = { sessions: 0, bytesPerSecond: 0, cpu: 0.1 };
  const busy = { sessions: 0, bytesPerSecond: 0, cpu: 0.7 };
  await withNodes(t, [idle, busy, idle], async (a) => {
    const placed = await placeMany(a, 300);
    // Headroom 0.9 : 0.3 : 0.9, so about 900/21 : 300/21 ... = 128.6 : 42.9 : 128.6.
    assert.equal((placed.get('n0') ?? 0) + (placed.get('n1') ?? 0) + (placed.get('n2') ?? 0), 300);
    assert.ok(Math.abs((placed.get('n1') ?? 0) - 43) <= 1, `busy node got ${placed.get('n1')}`);
    assert.ok(Math.abs((placed.get('n0') ?? 0) - (placed.get('n2') ?? 0)) <= 1, 'idle nodes share evenly');
  });
});

test('forwarded bandwidth counts like CPU', async (t) => {
  const quiet = { sessions: 0, bytesPerSecond: 0, cpu: 0 };
  const sending = { sessions: 0, bytesPerSecond: 100_000_000, cpu: 0 }; // 80% of 1 Gbit/s
  await withNodes(t, [quiet, sending], async (a) => {
    const placed = await placeMany(a, 60);
    assert.ok((placed.get('n1') ?? 0) <= 11, `the node near its bandwidth got ${placed.get('n1')}`);
    assert.ok((placed.get('n1') ?? 0) >= 1, 'it still takes sessions');
  });
});

test('equal load is the fewest sessions', async (t) => {
  const quiet = { sessions: 0, bytesPerSecond: 0, cpu: 0.2 };
  await withNodes(t, [quiet, quiet], async (b) => {
    const even = await placeMany(b, 10);
    assert.deepEqual([even.get('n0'), even.get('n1')], [5, 5]);
  });
});

test('headroom: the busiest resource, clamped so a saturated node can still be chosen', () => {
  assert.equal(headroom({ sessions: 3, bytesPerSecond: 0, cpu: 0 }), 1);
  assert.equal(headroom({ sessions: 3, bytesPerSecond: 0, cpu: 0.25 }), 0.75);
  assert.equal(headroom({ sessions: 3, bytesPerSecond: 50, cpu: 0.25 }, 100), 0.5);
  assert.equal(headroom({ sessions: 3, bytesPerSecond: 0, cpu: 1.6 }), 0.05);
});
