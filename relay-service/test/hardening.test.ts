// The relay against an outsider, over real HTTP: key guessing from many source addresses bound on
// 127.0.0.0/8 (a right key is still admitted during the flood), X-Forwarded-For believed only from the
// configured proxies, CSRF judged by the configured public origin (not the Host header the sender
// picks), framing refused on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { DEMO, startStack } from './helpers/stack.ts';

const CASE = DEMO.salesforce.cases.printer;

/** One HTTP call from a chosen loopback source address, with any headers (Host included). */
function call(
  url: string,
  path: string,
  { from = '127.0.0.1', body, headers = {} }: { from?: string; body?: unknown; headers?: Record<string, string> },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const u = new URL(path, url);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: data === undefined ? 'GET' : 'POST',
        localAddress: from,
        agent: false,
        headers: {
          ...(data === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }),
          origin: url,
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on('error', fail);
    req.end(data);
  });
}

async function startSession(stack: Awaited<ReturnType<typeof startStack>>) {
  const jar = await stack.signInAgent();
  const res = await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId: CASE } });
  assert.equal(res.status, 201);
  return (await res.json()) as { sessionId: string; key: string };
}

test('key guessing from 200 source addresses: per-source limits hold, the right key still gets in', async (t) => {
  const stack = await startStack(t, { limits: { wrongKeysPerSourcePerMinute: 5 } });
  const { key } = await startSession(stack);
  const wrongs = (n: number) => String((Number(key) + 1 + n) % 10 ** key.length).padStart(key.length, '0');
  const statuses = new Map<number, number>();
  let guesses = 0;
  // 200 addresses x 6 guesses each: the first 5 of each are judged, the 6th refused with 429.
  const flood = Array.from({ length: 200 }, async (_, a) => {
    const from = `127.0.${1 + Math.floor(a / 250)}.${2 + (a % 250)}`;
    for (let i = 0; i < 6; i++) {
      const res = await call(stack.relay.url, '/api/join/lookup', { from, body: { key: wrongs(a * 6 + i) } });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      guesses++;
    }
  });
  // The customer, from an address of its own, during the flood.
  const during = (async () => {
    await new Promise((r) => setTimeout(r, 50));
    return call(stack.relay.url, '/api/join/lookup', { from: '127.0.9.9', body: { key } });
  })();
  await Promise.all(flood);
  const customer = await during;
  assert.equal(customer.status, 200, `the right key is admitted during the flood (${customer.text})`);
  assert.equal(guesses, 1200);
  assert.equal(statuses.get(404), 200 * 5, 'five wrong keys judged per source');
  assert.equal(statuses.get(429), 200, 'then refused');
  // And after it: still in, from yet another address.
  assert.equal((await call(stack.relay.url, '/api/join/lookup', { from: '127.0.9.10', body: { key } })).status, 200);
});

test('random keys grow with the number of live sessions', async (t) => {
  const stack = await startStack(t, { limits: { keySpacePerLiveSession: 100_000, maxLiveSessionsPerAgent: 50 } });
  const host = {
    crm: 'salesforce' as const,
    userId: DEMO.salesforce.users.agent.id,
    username: DEMO.salesforce.users.agent.username,
    displayName: 'Alex Agent',
  };
  const record = { crm: 'salesforce' as const, id: CASE, label: 'Case' };
  const { policyFor } = await import('../src/http/AppContext.ts');
  const policy = policyFor(stack.config, host.username);
  const lengths: number[] = [];
  for (let i = 0; i < 20; i++) lengths.push(stack.relay.registry.create({ host, record, policy }).key!.length);
  // With up to 9 other live keys, 6 digits (a guess hits at most 1 in 100,000); from 10 on, 7.
  assert.deepEqual(lengths.slice(0, 10), Array(10).fill(6));
  assert.deepEqual(lengths.slice(10), Array(10).fill(7));
});

test('X-Forwarded-For counts only from a configured proxy', async (t) => {
  const direct = await startStack(t, { limits: { wrongKeysPerSourcePerMinute: 3 } });
  await startSession(direct);
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await call(direct.relay.url, '/api/join/lookup', {
      from: '127.0.0.7',
      body: { key: '999999' },
      headers: { 'x-forwarded-for': `203.0.113.${i}` },
    });
    statuses.push(res.status);
  }
  assert.deepEqual(statuses, [404, 404, 404, 429, 429, 429], 'one machine stays one source whatever it claims');

  const behindProxy = await startStack(t, {
    relay: { trustedProxies: ['127.0.0.8'] },
    limits: { wrongKeysPerSourcePerMinute: 3 },
  });
  await startSession(behindProxy);
  const viaProxy: number[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await call(behindProxy.relay.url, '/api/join/lookup', {
      from: '127.0.0.8',
      body: { key: '999999' },
      headers: { 'x-forwarded-for': `203.0.113.${i}` },
    });
    viaProxy.push(res.status);
  }
  assert.deepEqual(viaProxy, [404, 404, 404, 404, 404, 404], 'the trusted proxy names each client');
  // Production trusts no forwarded header unless its operators list their proxies.
  const production = JSON.parse(readFileSync(new URL('../../config/production.json', import.meta.url), 'utf8')) as {
    relay: Record<string, unknown>;
  };
  assert.deepEqual(production.relay.trustedProxies, []);
  assert.equal(production.relay.trustProxy, undefined);
});

test('CSRF compares Origin with the public origin, not Host; no page can be framed', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  const evil = await call(stack.relay.url, '/api/sessions', {
    body: { crm: 'salesforce', recordId: CASE },
    headers: { cookie: jar.header(), origin: 'http://evil.example', host: 'evil.example' },
  });
  assert.equal(evil.status, 403, 'Origin and Host both the attacker’s');
  assert.match(evil.text, /forbidden_origin/);
  for (const path of ['/join', '/console/s_abcdefgh12', '/api/me', '/healthz']) {
    const res = await call(stack.relay.url, path, { headers: { cookie: jar.header() } });
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors/, `${path} has frame-ancestors`);
    assert.ok(['DENY', 'SAMEORIGIN'].includes(String(res.headers['x-frame-options'])), `${path} X-Frame-Options`);
  }
  const page = await call(stack.relay.url, '/join', {});
  assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(page.headers['x-frame-options'], 'DENY');
});
