// The widget's client controller under the harness: stubbed relay ($http), time ($interval),
// windows ($window), c.server and spUtil. States: idle, starting, signing_in, active, ended.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  runClientController as runWidget,
  settle,
  type ClientOptions,
  type HttpConfig,
  type HttpReply,
} from './harness/runClientController.ts';
import { widgetSource } from './harness/widgetSource.ts';

const { clientScript, template } = widgetSource();
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

type Route = (config: HttpConfig) => HttpReply | Promise<HttpReply> | undefined;

const TOKENS = (n: number) => ({
  accessToken: `slat_${n}`,
  refreshToken: `slrt_${n}`,
  expiresIn: 900,
  agent: { crm: 'servicenow', userId: 'u1', username: 'alex.agent', displayName: 'Alex Agent' },
});

/** The widget with a relay sign-in stored in the instance's localStorage unless told otherwise. */
const runClientController = (o: ClientOptions) => runWidget({ storedRefreshToken: 'slrt_0', ...o });

/**
 * A relay stub: the first route that answers wins; an unrouted call fails the test. Renewing the
 * stored sign-in and the delivery report answer by default.
 */
function relay(...routes: Route[]) {
  const defaults: Route[] = [
    on('POST', '/auth/token', { status: 200, data: TOKENS(1) }),
    on('GET', '/api/me/deliveries', { status: 200, data: { awaitingSignIn: 0, failed: [] } }),
  ];
  return (config: HttpConfig): HttpReply | Promise<HttpReply> => {
    for (const r of [...routes, ...defaults]) {
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
const REQUEST = {
  requestId: 'r'.repeat(24),
  secret: 'the-secret',
  signInUrl: `${RELAY}/auth/servicenow?request=${'r'.repeat(24)}`,
  expiresAt: new Date(Date.now() + 600_000).toISOString(),
};
const prepared = on('POST', '/auth/requests', { status: 201, data: REQUEST });
const noActive = on('GET', `/api/sessions?crm=servicenow&recordId=${SYS_ID}`, { status: 200, data: [] });

describe('widget client controller', () => {
  test('on load it looks for the agent\'s running session; a 401 only marks "not signed in"', async () => {
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        prepared,
        on('POST', '/auth/token', { status: 401, data: { error: 'sign_in_required', message: 'sign in' } }),
      ),
    });
    await settle();
    assert.deepEqual(
      w.http.map((h) => `${h.method} ${h.url.slice(RELAY.length)}`),
      ['POST /auth/token', 'POST /auth/requests'],
    );
    assert.equal(w.http[0]!.withCredentials, false);
    assert.equal(w.storage.size, 0, 'the refused refresh token is forgotten');
    assert.equal(w.c.signedIn, false);
    assert.equal(w.c.signInReady, true, 'the sign-in request is prepared: the button may open the window');
    assert.equal(w.c.state, 'idle');
    assert.equal(w.c.error, null);
    assert.equal((w.c.invite as { to: string }).to, 'jane@acme.example');
  });

  test('Start Screen Share stays disabled until the sign-in request is prepared (a click must open the window at once)', async () => {
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        on('POST', '/auth/requests', { status: 503, data: { error: 'unavailable', message: 'The relay is busy.' } }),
        on('POST', '/auth/token', { status: 401, data: { error: 'sign_in_required', message: 'sign in' } }),
      ),
    });
    await settle();
    assert.equal(w.c.signedIn, false);
    assert.equal(w.c.signInReady, false);
    assert.match(template, /ng-disabled="[^"]*\(c\.signedIn === false && !c\.signInReady\)/);
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
    const post = w.http.find((h) => h.method === 'POST' && h.url.endsWith('/api/sessions'))!;
    assert.deepEqual(post.data, { crm: 'servicenow', recordId: SYS_ID, record: true });
    assert.equal(post.withCredentials, false);
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
    assert.deepEqual(w.http.find((h) => h.method === 'POST' && h.url.endsWith('/api/sessions'))!.data, {
      crm: 'servicenow',
      recordId: SYS_ID,
    });
  });

  test('first sign-in: the request is made on load, the click opens the window, the result comes from the relay', async () => {
    // The long poll: the relay answers when the sign-in completes.
    let complete: (r: HttpReply) => void = () => {};
    const answer = new Promise<HttpReply>((resolve) => (complete = resolve));
    const w = runClientController({
      script: clientScript,
      data: baseData({ userId: 'u1'.padEnd(32, '0') }),
      storedRefreshToken: '',
      http: relay(
        prepared,
        (config) => (config.url.endsWith(`/auth/requests/${REQUEST.requestId}/wait`) ? answer : undefined),
        on('POST', '/api/sessions', { status: 201, data: SESSION }),
        noActive,
      ),
    });
    await settle();
    assert.equal(w.c.signedIn, false);
    assert.deepEqual(w.http[0]!.data, { crm: 'servicenow', userId: 'u1'.padEnd(32, '0') });
    (w.c.start as () => void)(); // the click: the window opens synchronously
    assert.equal(w.opened.length, 1);
    assert.equal(w.opened[0]!.url, REQUEST.signInUrl);
    assert.equal(w.c.state, 'signing_in');
    await settle();
    const waits = w.http.filter((h) => h.url.endsWith('/wait'));
    assert.ok(waits.length >= 1);
    assert.deepEqual(waits[0]!.data, { secret: 'the-secret' });
    complete({ status: 200, data: { status: 'signed_in', tokens: TOKENS(7) } });
    await settle();
    await settle();
    assert.equal(w.c.state, 'active');
    assert.equal(w.c.signedIn, true);
    const post = w.http.find((h) => h.url === `${RELAY}/api/sessions` && h.method === 'POST')!;
    assert.equal(post.headers!.Authorization, 'Bearer slat_7');
    assert.equal(post.withCredentials, false);
    assert.deepEqual(JSON.parse(w.storage.get(`sightline.relay:${RELAY}`)!), { refreshToken: 'slrt_7' });
    assert.ok(!w.opened[0]!.url.includes('the-secret'));
  });

  test('sign-in errors: a blocked pop-up, a sign-in as someone else; sign-out forgets the credential', async () => {
    const blocked = runClientController({
      script: clientScript,
      data: baseData(),
      popupsAllowed: false,
      storedRefreshToken: '',
      http: relay(prepared),
    });
    await settle();
    (blocked.c.start as () => void)();
    await settle();
    assert.equal(blocked.c.state, 'idle');
    assert.match(String(blocked.c.error), /Allow pop-ups/);

    const wrong = runClientController({
      script: clientScript,
      data: baseData(),
      storedRefreshToken: '',
      http: relay(
        prepared,
        on('POST', `/auth/requests/${REQUEST.requestId}/wait`, {
          status: 200,
          data: { status: 'failed', error: 'wrong_user', message: 'You signed in as someone else.' },
        }),
      ),
    });
    await settle();
    (wrong.c.start as () => void)();
    await settle();
    assert.equal(wrong.c.state, 'idle');
    assert.equal(wrong.c.error, 'You signed in as someone else.');

    const out = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(noActive, prepared, on('POST', '/auth/signout', { status: 204 })),
    });
    await settle();
    assert.equal(out.c.signedIn, true);
    await (out.c.signOut as () => Promise<void>)();
    await settle();
    const signout = out.http.find((h) => h.url.endsWith('/auth/signout'))!;
    assert.deepEqual(signout.data, { refreshToken: 'slrt_1' });
    assert.equal(signout.headers!.Authorization, 'Bearer slat_1');
    assert.equal(out.storage.size, 0);
    assert.equal(out.c.signedIn, false);
  });

  test('the agent is told what waits for a new sign-in and what was not delivered', async () => {
    const w = runClientController({
      script: clientScript,
      data: baseData(),
      http: relay(
        noActive,
        on('GET', '/api/me/deliveries', {
          status: 200,
          data: { awaitingSignIn: 2, failed: [{ sessionId: 's_1', reason: 'the incident no longer exists' }] },
        }),
      ),
    });
    await settle();
    assert.deepEqual(JSON.parse(JSON.stringify(w.c.deliveries)), {
      awaitingSignIn: 2,
      failed: [{ sessionId: 's_1', reason: 'the incident no longer exists' }],
    });
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
