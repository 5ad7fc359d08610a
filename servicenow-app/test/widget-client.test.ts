// The widget's client controller under the harness: stubbed relay ($http), time ($interval),
// windows ($window), c.server and spUtil. States: idle, starting, signing_in, active, ended.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runClientController, settle, type HttpConfig, type HttpReply } from './harness/runClientController.ts';
import { widgetSource } from './harness/widgetSource.ts';

const { clientScript } = widgetSource();
const RELAY = 'http://relay.test';
const SYS_ID = '1ac1de17000000000000000000000001';
const SESSION = {
  sessionId: 's_1',
  key: '123456',
  joinUrl: `${RELAY}/j/tok_abcdefghijklmnopqrstuv`,
  consoleUrl: `${RELAY}/console/s_1`,
  status: 'waiting',
  expiresAt: '2026-11-21T03:10:00.000Z',
};

const baseData = (over: Record<string, unknown> = {}) => ({
  canStart: true,
  canReview: true,
  relayUrl: RELAY,
  recordingPolicy: 'host',
  pollSeconds: 3,
  record: {
    table: 'incident',
    sys_id: SYS_ID,
    number: 'INC0010001',
    shortDescription: 'VPN',
    contactEmail: 'jane@acme.example',
  },
  recordings: [],
  sessions: [],
  skippedNotes: 0,
  error: null,
  ...over,
});

type Route = (config: HttpConfig) => HttpReply | undefined;

/** A relay stub: the first route that answers wins; an unrouted call fails the test. */
function relay(...routes: Route[]) {
  return (config: HttpConfig): HttpReply => {
    for (const r of routes) {
      const reply = r(config);
      if (reply) return reply;
    }
    throw new Error(`unexpected relay call ${config.method} ${config.url}`);
  };
}
const on =
  (method: string, path: string | RegExp, reply: HttpReply | (() => HttpReply)): Route =>
  (config) => {
    const url = config.url.slice(RELAY.length);
    const hit = typeof path === 'string' ? url === path : path.test(url);
    if (config.method !== method || !hit) return undefined;
    return typeof reply === 'function' ? reply() : reply;
  };
const noActive = on('GET', `/api/sessions?crm=servicenow&recordId=${SYS_ID}`, { status: 200, data: [] });

describe('widget client controller', () => {
  test('on load it looks for the agent\'s running session; a 401 only marks "not signed in"', async () => {
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        on('GET', `/api/sessions?crm=servicenow&recordId=${SYS_ID}`, {
          status: 401,
          data: { error: 'unauthorized', message: 'sign in' },
        }),
      ),
    });
    await settle();
    assert.equal(w.http.length, 1);
    assert.equal(w.http[0]!.withCredentials, true);
    assert.equal(w.c.signedIn, false);
    assert.equal(w.c.state, 'idle');
    assert.equal(w.c.error, null);
    assert.equal((w.c.invite as { to: string }).to, 'jane@acme.example');
  });

  test('on load it resumes a running session and follows its status', async () => {
    let status = 'in_progress';
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        on('GET', `/api/sessions?crm=servicenow&recordId=${SYS_ID}`, { status: 200, data: { sessions: [SESSION] } }),
        on('GET', '/api/sessions/s_1', () => ({
          status: 200,
          // The relay's shape: the session description plus its live snapshot.
          data: {
            ...SESSION,
            status,
            session: {
              id: 's_1',
              key: '123456',
              status,
              participants: [{ id: 'p1', displayName: 'Jane', connected: true }],
            },
          },
        })),
      ),
    });
    await settle();
    assert.equal(w.c.state, 'active');
    assert.equal((w.c.session as { key: string }).key, '123456');
    w.interval.advance(3000);
    await settle();
    assert.equal((w.c.statusLabel as () => string)(), 'In progress');
    assert.deepEqual(
      (w.c.participants as { displayName: string }[]).map((p) => p.displayName),
      ['Jane'],
    );
    status = 'customer_absent';
    w.interval.advance(3000);
    await settle();
    assert.equal((w.c.statusLabel as () => string)(), 'Customer absent');
  });

  test("Start Screen Share creates the session with the record and the host's recording choice", async () => {
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(noActive, on('POST', '/api/sessions', { status: 201, data: SESSION })),
    });
    await settle();
    w.c.recordRequested = true;
    const pending = (w.c.start as () => Promise<void>)();
    assert.equal(w.c.state, 'starting');
    assert.equal((w.c.start as () => unknown)(), null, 'a second click while starting does nothing');
    await pending;
    const post = w.http.find((h) => h.method === 'POST')!;
    assert.deepEqual(post.data, { crm: 'servicenow', recordId: SYS_ID, record: true });
    assert.equal(post.withCredentials, true);
    assert.equal(w.c.state, 'active');
    assert.deepEqual({ ...(w.c.session as object) }, SESSION);
    assert.equal((w.c.statusLabel as () => string)(), 'Waiting for the customer');
  });

  test('with recording policy "always" the widget leaves the choice to the relay', async () => {
    const w = runClientController({
      script: clientScript,
      data: baseData({ recordingPolicy: 'always' }),
      http: relay(noActive, on('POST', '/api/sessions', { status: 201, data: SESSION })),
    });
    await settle();
    await (w.c.start as () => Promise<void>)();
    assert.deepEqual(w.http.find((h) => h.method === 'POST')!.data, { crm: 'servicenow', recordId: SYS_ID });
  });

  test('a 401 opens the relay sign-in, waits for /api/me, closes the window and starts', async () => {
    let signedIn = false;
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        noActive,
        on('POST', '/api/sessions', () =>
          signedIn
            ? { status: 201, data: SESSION }
            : { status: 401, data: { error: 'unauthorized', message: 'sign in' } },
        ),
        on('GET', '/api/me', () =>
          signedIn ? { status: 200, data: { crm: 'servicenow', userId: 'u' } } : { status: 401 },
        ),
      ),
    });
    await settle();
    await (w.c.start as () => Promise<void>)();
    assert.equal(w.c.state, 'signing_in');
    assert.equal(w.opened.length, 1);
    assert.equal(w.opened[0]!.url, `${RELAY}/auth/servicenow?returnTo=%2Fapi%2Fme`);
    w.interval.advance(1000);
    await settle();
    assert.equal(w.c.state, 'signing_in');
    signedIn = true;
    w.interval.advance(1000);
    await settle();
    assert.equal(w.opened[0]!.window.closed, true);
    assert.equal(w.c.state, 'active');
    assert.equal(w.c.signedIn, true);
    assert.equal(w.http.filter((h) => h.method === 'POST').length, 2);
  });

  test('sign-in errors: a blocked pop-up, a window closed before signing in', async () => {
    const unauthorized = on('POST', '/api/sessions', { status: 401 });
    const blocked = runClientController({
      script: clientScript,
      data: baseData(),
      popupsAllowed: false,
      http: relay(noActive, unauthorized),
    });
    await settle();
    await (blocked.c.start as () => Promise<void>)();
    assert.equal(blocked.c.state, 'idle');
    assert.match(String(blocked.c.error), /Allow pop-ups/);

    const closed = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(noActive, unauthorized, on('GET', '/api/me', { status: 401 })),
    });
    await settle();
    await (closed.c.start as () => Promise<void>)();
    closed.opened[0]!.window.closed = true;
    closed.interval.advance(1000);
    await settle();
    assert.equal(closed.c.state, 'idle');
    assert.equal(closed.c.error, 'Sign-in was not completed.');
    assert.equal(closed.interval.active, 0);
  });

  test('relay errors become messages; an unexpected answer is not trusted', async () => {
    const cases: [HttpReply, RegExp][] = [
      [
        { status: 403, data: { error: 'forbidden', message: 'You cannot read INC0010001' } },
        /You cannot read INC0010001/,
      ],
      [{ status: 403 }, /not allowed/],
      [{ status: -1 }, /unreachable/],
      [{ status: 500 }, /HTTP 500/],
      [{ status: 201, data: { ...SESSION, joinUrl: 'javascript:alert(1)' } }, /unexpected session shape/],
    ];
    for (const [reply, message] of cases) {
      const w = runClientController({
        script: clientScript,
        data: baseData(),
        http: relay(noActive, on('POST', '/api/sessions', reply)),
      });
      await settle();
      await (w.c.start as () => Promise<void>)();
      assert.equal(w.c.state, 'idle');
      assert.equal(w.c.session, null);
      assert.match(String(w.c.error), message);
    }
  });

  test('the invite goes to the relay for one valid address and reports back', async () => {
    let inviteReply: HttpReply = { status: 202, data: { sent: true } };
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        noActive,
        on('POST', '/api/sessions', { status: 201, data: SESSION }),
        on('POST', '/api/sessions/s_1/invite', () => inviteReply),
      ),
    });
    await settle();
    await (w.c.start as () => Promise<void>)();
    const invite = w.c.invite as { to: string; error: string | null; sentTo: string | null };
    invite.to = 'not an address';
    assert.equal((w.c.sendInvite as () => unknown)(), null);
    assert.equal(invite.error, 'Enter one email address.');
    invite.to = ' jane@acme.example ';
    await (w.c.sendInvite as () => Promise<void>)();
    assert.deepEqual(w.http.at(-1)!.data, { to: ['jane@acme.example'] });
    assert.equal(invite.sentTo, 'jane@acme.example');
    assert.deepEqual(w.messages, [{ kind: 'info', text: 'Invitation sent to jane@acme.example' }]);
    inviteReply = { status: 502, data: { error: 'crm_error', message: 'ServiceNow refused the email' } };
    await (w.c.sendInvite as () => Promise<void>)();
    assert.equal(invite.error, 'ServiceNow refused the email');
  });

  test('End session, then the widget re-reads the record until the write-back noted this session', async () => {
    let noted = false;
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        noActive,
        on('POST', '/api/sessions', { status: 201, data: SESSION }),
        on('POST', '/api/sessions/s_1/end', { status: 204 }),
      ),
      server: async () => ({
        data: baseData({
          recordings: noted ? [{ sys_id: 'a'.repeat(32), fileName: 'sightline-s_1.webm', url: '/x' }] : [],
          sessions: noted ? [{ sessionId: 's_1', attendees: [] }] : [],
        }),
      }),
    });
    await settle();
    await (w.c.start as () => Promise<void>)();
    await (w.c.end as () => Promise<void>)();
    assert.equal(w.c.state, 'ended');
    assert.equal((w.c.session as { status: string }).status, 'ended');
    w.interval.advance(3000);
    await settle();
    assert.deepEqual(w.serverCalls, [{ action: 'refresh', table: 'incident', sys_id: SYS_ID }]);
    assert.equal((w.c.data.sessions as unknown[]).length, 0);
    noted = true;
    w.interval.advance(3000);
    await settle();
    assert.equal((w.c.data.recordings as unknown[]).length, 1);
    assert.equal((w.c.data.sessions as unknown[]).length, 1);
    assert.equal(w.interval.active, 0, 'polling stops once the session is noted');
  });

  test('a session the relay no longer knows (404) has ended', async () => {
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        noActive,
        on('POST', '/api/sessions', { status: 201, data: SESSION }),
        on('GET', '/api/sessions/s_1', { status: 404 }),
      ),
    });
    await settle();
    await (w.c.start as () => Promise<void>)();
    w.interval.advance(3000);
    await settle();
    assert.equal(w.c.state, 'ended');
  });

  test('managers and errored records make no relay calls; $destroy stops every timer', async () => {
    const manager = runClientController({ script: clientScript, data: baseData({ canStart: false }), http: relay() });
    await settle();
    assert.equal(manager.http.length, 0);
    assert.equal((manager.c.start as () => unknown)(), null);

    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        noActive,
        on('POST', '/api/sessions', { status: 201, data: SESSION }),
        on('GET', '/api/sessions/s_1', { status: 200, data: { status: 'waiting' } }),
      ),
    });
    await settle();
    await (w.c.start as () => Promise<void>)();
    assert.equal(w.interval.active, 1);
    w.destroy();
    assert.equal(w.interval.active, 0);
  });
});
