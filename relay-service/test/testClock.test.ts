// The end-to-end suite's test clock: mounted only in the test environment with SIGHTLINE_TEST_CLOCK=1,
// validated, loopback only, and moving it 10 minutes expires a session nobody joined.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { loadConfig } from '@sightline/config';
import type { SessionReport } from '../src/sessions/types.ts';
import { startRelay, type RunningRelay } from '../src/index.ts';
import { isLoopback } from '../src/http/testClock.ts';
import { HOST, RECORD, logger, policy } from './helpers/core.ts';
import { TEST_KEY } from './helpers/stack.ts';
import { tmpDir } from './helpers/tmp.ts';

const FLAG = { SIGHTLINE_TEST_CLOCK: '1' };

async function relay(
  t: TestContext,
  env: 'test' | 'development' | 'production',
  processEnv: NodeJS.ProcessEnv,
  host = '127.0.0.1',
): Promise<RunningRelay> {
  const config = loadConfig({
    env: { SIGHTLINE_ENV: env },
    overrides: {
      log: { level: 'silent' },
      relay: {
        host,
        port: 0,
        dataDir: tmpDir(t),
        tokenEncryptionKey: TEST_KEY,
        ...(env === 'production' ? { publicUrl: 'https://relay.example.com' } : {}),
      },
    },
  });
  const running = await startRelay({ config, logger, env: processEnv });
  t.after(() => running.close());
  return running;
}

const advance = (base: string, body: unknown) =>
  fetch(`${base}/__test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('not mounted without the flag, or outside the test environment', async (t) => {
  for (const [env, processEnv] of [
    ['test', {}],
    ['test', { SIGHTLINE_TEST_CLOCK: '0' }],
    ['development', FLAG],
    ['production', FLAG],
  ] as const) {
    const running = await relay(t, env, processEnv);
    const res = await advance(running.listenUrl, { advanceMs: 1000 });
    assert.equal(res.status, 404, `${env} ${JSON.stringify(processEnv)}`);
  }
});

test('advancing 10 minutes expires a waiting session; the session ends as expired', async (t) => {
  const running = await relay(t, 'test', FLAG);
  const reports: SessionReport[] = [];
  running.registry.on('ended', (r) => reports.push(r));
  const created = running.registry.create({ host: HOST, record: RECORD, policy: policy() });
  assert.equal(created.status, 'waiting');

  const early = await advance(running.listenUrl, { advanceMs: 9 * 60_000 });
  assert.equal(early.status, 200);
  assert.equal(((await early.json()) as { offsetMs: number }).offsetMs, 9 * 60_000);
  assert.equal(running.registry.get(created.sessionId)?.snapshot.status, 'waiting', 'still waiting at 9 minutes');

  const res = await advance(running.listenUrl, { advanceMs: 60_000 });
  assert.equal(res.status, 200);
  await new Promise((r) => setTimeout(r, 50)); // the report is emitted once the session's end settles
  assert.equal(running.registry.get(created.sessionId), undefined, 'the registry holds nothing of it');
  assert.deepEqual(
    reports.map((r) => [r.sessionId, r.endReason]),
    [[created.sessionId, 'expired']],
  );
});

test('the body is validated: a positive whole number of ms, at most one day, nothing else', async (t) => {
  const running = await relay(t, 'test', FLAG);
  for (const body of [
    {},
    { advanceMs: 0 },
    { advanceMs: -5 },
    { advanceMs: 1.5 },
    { advanceMs: '600000' },
    { advanceMs: 86_400_001 },
    { advanceMs: 1000, extra: true },
  ]) {
    const res = await advance(running.listenUrl, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    const err = (await res.json()) as { error: string; message: string };
    assert.equal(err.error, 'bad_request');
    assert.match(err.message, /invalid clock advance/);
  }
  assert.equal((await advance(running.listenUrl, { advanceMs: 86_400_000 })).status, 200);
});

test('refuses callers that are not on loopback', async (t) => {
  assert.ok(isLoopback('127.0.0.1') && isLoopback('127.8.9.10') && isLoopback('::1') && isLoopback('::ffff:127.0.0.1'));
  for (const a of ['10.0.0.1', '192.0.2.2', '::ffff:10.0.0.1', 'fd00::2', '::', '0.0.0.0', undefined]) {
    assert.equal(isLoopback(a), false, String(a));
  }
  // Through a real socket from this machine's own non-loopback address, when it has one.
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!external) return;
  const running = await relay(t, 'test', FLAG, '0.0.0.0');
  const port = new URL(running.listenUrl).port;
  const res = await advance(`http://${external}:${port}`, { advanceMs: 1000 });
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { error: string }).error, 'forbidden');
  assert.equal((await advance(running.listenUrl, { advanceMs: 1000 })).status, 200);
});
