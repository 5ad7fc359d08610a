// The "Start Screen Share" UI action's client script in a vm, with the form (g_form, g_scratchpad),
// window.open, fetch and timers stubbed: it creates the session on the relay and turns the window
// it opened into the agent console, signing in first when the relay says 401.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const script = readFileSync(new URL('../src/fluent/ui-action/start-screen-share.client.js', import.meta.url), 'utf8');
const RELAY = 'http://relay.test';
const SYS_ID = '1ac1de17000000000000000000000001';

type Reply = { status: number; body?: unknown } | Error;

function form(routes: Record<string, Reply[]>, over: { relayUrl?: string; popups?: boolean } = {}) {
  const errors: string[] = [];
  const calls: { method: string; url: string; body: unknown; credentials: string }[] = [];
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  const win = { closed: false, location: { href: 'about:blank' }, close: () => (win.closed = true) };
  const fetch = async (url: string, init: { method: string; body?: string; credentials: string }) => {
    calls.push({
      method: init.method,
      url,
      body: init.body ? JSON.parse(init.body) : undefined,
      credentials: init.credentials,
    });
    const queue = routes[`${init.method} ${url.slice(RELAY.length)}`];
    const reply = queue && (queue.length > 1 ? queue.shift()! : queue[0]!);
    if (!reply) throw new Error(`unexpected call ${init.method} ${url}`);
    if (reply instanceof Error) throw reply;
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), { status: reply.status });
  };
  const context = vm.createContext({
    g_scratchpad: { x_sightline_share_relay_url: over.relayUrl ?? `${RELAY}/` },
    g_form: { getUniqueValue: () => SYS_ID, addErrorMessage: (m: string) => errors.push(m) },
    window: { open: () => (over.popups === false ? null : win) },
    fetch,
    setInterval: (fn: () => void) => {
      timers.set(nextTimer, fn);
      return nextTimer++;
    },
    clearInterval: (id: number) => timers.delete(id),
  });
  vm.runInContext(script, context);
  const click = () => vm.runInContext('sightlineStartScreenShare()', context) as unknown;
  const tick = async () => {
    for (const fn of [...timers.values()]) fn();
    await settle();
  };
  return { click, tick, errors, calls, win, timers };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};
const SESSION = {
  sessionId: 's_1',
  consoleUrl: `${RELAY}/console/s_1`,
  joinUrl: `${RELAY}/j/x`,
  key: '1',
  status: 'waiting',
};

describe('Start Screen Share UI action', () => {
  test('signed in: creates the session for the incident and opens its console', async () => {
    const f = form({ 'POST /api/sessions': [{ status: 201, body: SESSION }] });
    assert.equal(f.click(), false, 'the form is not submitted');
    await settle();
    assert.deepEqual(f.calls, [
      {
        method: 'POST',
        url: `${RELAY}/api/sessions`,
        body: { crm: 'servicenow', recordId: SYS_ID },
        credentials: 'include',
      },
    ]);
    assert.equal(f.win.location.href, `${RELAY}/console/s_1`);
    assert.deepEqual(f.errors, []);
  });

  test('not signed in: the window signs in first, then becomes the console', async () => {
    const f = form({
      'POST /api/sessions': [
        { status: 401, body: { error: 'unauthorized', message: 'sign in' } },
        { status: 201, body: SESSION },
      ],
      'GET /api/me': [{ status: 401 }, { status: 200, body: { crm: 'servicenow' } }],
    });
    f.click();
    await settle();
    assert.equal(f.win.location.href, `${RELAY}/auth/servicenow?returnTo=%2Fapi%2Fme`);
    await f.tick();
    assert.equal(f.win.location.href, `${RELAY}/auth/servicenow?returnTo=%2Fapi%2Fme`);
    await f.tick();
    assert.equal(f.win.location.href, `${RELAY}/console/s_1`);
    assert.equal(f.timers.size, 0);
    assert.deepEqual(f.errors, []);
  });

  test('a sign-in window closed early ends the wait with a message', async () => {
    const f = form({ 'POST /api/sessions': [{ status: 401 }], 'GET /api/me': [{ status: 401 }] });
    f.click();
    await settle();
    f.win.closed = true;
    await f.tick();
    assert.deepEqual(f.errors, ['Sightline: sign-in was not completed.']);
    assert.equal(f.timers.size, 0);
  });

  test('errors: relay refusal, unreachable relay, bad answer, no relay URL, blocked pop-up', async () => {
    const refused = form({
      'POST /api/sessions': [{ status: 403, body: { error: 'forbidden', message: 'You cannot read this incident' } }],
    });
    refused.click();
    await settle();
    assert.deepEqual(refused.errors, ['Sightline: You cannot read this incident']);
    assert.equal(refused.win.closed, true);

    const down = form({ 'POST /api/sessions': [new TypeError('fetch failed')] });
    down.click();
    await settle();
    assert.deepEqual(down.errors, ['Sightline: the relay is unreachable']);

    const odd = form({
      'POST /api/sessions': [{ status: 201, body: { ...SESSION, consoleUrl: 'javascript:alert(1)' } }],
    });
    odd.click();
    await settle();
    assert.deepEqual(odd.errors, ['Sightline: the relay answered an unexpected shape']);
    assert.equal(odd.win.location.href, 'about:blank');

    const unset = form({}, { relayUrl: '' });
    unset.click();
    assert.match(unset.errors[0]!, /relay URL \(x_sightline_share.relay_url\) is not configured/);
    assert.equal(unset.calls.length, 0);

    const blocked = form({}, { popups: false });
    blocked.click();
    assert.match(blocked.errors[0]!, /allow pop-ups/);
    assert.equal(blocked.calls.length, 0);
  });
});
