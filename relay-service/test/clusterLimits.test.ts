// Rate limits hold across relay nodes: two relay processes share one real Redis (redis.url), and a
// client spreading its tries over both gets the budget one node gives, not one per node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ConfigInput } from '@sightline/config';
import { DEMO } from './helpers/stack.ts';
import { relayProcess, startCrm, type RelayProcess } from './helpers/relayProcess.ts';
import { startRedis } from './helpers/redisServer.ts';
import { signIn, type CookieJar } from './helpers/signIn.ts';

const WRONG_KEYS = 5;
const CREATIONS = 3;
const LIMITS: ConfigInput['limits'] = {
  wrongKeysPerSourcePerMinute: WRONG_KEYS,
  sessionCreationsPerAgentPerMinute: CREATIONS,
  maxLiveSessionsPerAgent: 50,
};

const post = (node: RelayProcess, path: string, body: unknown, jar?: CookieJar) =>
  fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: node.url, ...(jar ? { cookie: jar.header() } : {}) },
    body: JSON.stringify(body),
  }).then(async (res) => {
    await res.body?.cancel();
    return res.status;
  });

/** A guesser's wrong keys, one try after the other, round-robin over `nodes`; returns the statuses. */
async function guess(nodes: RelayProcess[], tries: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < tries; i++)
    statuses.push(await post(nodes[i % nodes.length]!, '/api/join/lookup', { key: String(10_000_000 + i) }));
  return statuses;
}

const judged = (statuses: number[]) => statuses.filter((s) => s === 404).length;

test('a key guesser spread over two nodes sharing Redis gets the same budget as on one node', async (t) => {
  const sandbox = await startCrm(t);
  const redis = await startRedis(t);
  const single = await relayProcess(t, sandbox, { limits: LIMITS });
  const a = await relayProcess(t, sandbox, { limits: LIMITS, redis: { url: redis.url } });
  const b = await relayProcess(t, sandbox, { limits: LIMITS, redis: { url: redis.url } });
  await Promise.all([single.start(), a.start(), b.start()]);

  const alone = await guess([single], 4 * WRONG_KEYS);
  assert.equal(judged(alone), WRONG_KEYS, `one node judges ${WRONG_KEYS} wrong keys: ${alone}`);
  const spread = await guess([a, b], 4 * WRONG_KEYS);
  assert.equal(judged(spread), judged(alone), `two nodes judge as many as one: ${spread}`);
  assert.deepEqual(spread.slice(WRONG_KEYS), Array(3 * WRONG_KEYS).fill(429), 'then both refuse');
});

test('session creations per agent and the join endpoint budget count across nodes', async (t) => {
  const sandbox = await startCrm(t);
  const redis = await startRedis(t);
  const nodes = [
    await relayProcess(t, sandbox, { limits: LIMITS, redis: { url: redis.url } }),
    await relayProcess(t, sandbox, { limits: LIMITS, redis: { url: redis.url } }),
  ];
  await Promise.all(nodes.map((n) => n.start()));
  // Sign-ins are still per node: the agent signs in to each.
  const jars = await Promise.all(
    nodes.map(async (n) => (await signIn(n.url, 'salesforce', DEMO.salesforce.users.agent)).jar),
  );
  const created: number[] = [];
  for (let i = 0; i < 3 * CREATIONS; i++) {
    const n = i % 2;
    created.push(
      await post(nodes[n]!, '/api/sessions', { crm: 'salesforce', recordId: DEMO.salesforce.cases.printer }, jars[n]),
    );
  }
  assert.deepEqual(created, [...Array(CREATIONS).fill(201), ...Array(2 * CREATIONS).fill(429)]);

  // The join endpoints allow a source 60 lookups a minute, wherever they land (unknown links, not keys).
  const links: number[] = [];
  for (let i = 0; i < 64; i++)
    links.push(await post(nodes[i % 2]!, '/api/join/lookup', { token: randomBytes(18).toString('base64url') }));
  assert.deepEqual(links, [...Array(60).fill(404), ...Array(4).fill(429)]);
});
