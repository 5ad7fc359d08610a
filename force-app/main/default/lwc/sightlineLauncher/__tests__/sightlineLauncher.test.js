import { createElement } from 'lwc';
import SightlineLauncher from 'c/sightlineLauncher';
import { getRecord } from 'lightning/uiRecordApi';
import getSettings from '@salesforce/apex/SightlineSettingsController.getSettings';
import { resetForTests } from 'c/sightlineRelayApi';
import { fakeRelay as fakeRelayAt, flush, json, storeKey, tokens } from '../../../../../test/jest-utils/fakeRelay';

jest.mock('@salesforce/customPermission/Sightline_Start_Sessions', () => ({ default: true }), { virtual: true });
jest.mock(
  '@salesforce/apex/SightlineSettingsController.getSettings',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);

const RELAY = 'https://relay.test';
const CASE_ID = '500000000000001AAA';
const SESSION = {
  sessionId: 'ses_1',
  key: '482913',
  joinUrl: `${RELAY}/j/tok_abcdefghijklmnopqrstuv`,
  consoleUrl: `${RELAY}/console/ses_1`,
  status: 'waiting',
  expiresAt: '2026-11-21T10:10:00.000Z',
};
const CASE_RECORD = {
  apiName: 'Case',
  id: CASE_ID,
  fields: { Contact: { value: { fields: { Email: { value: 'ada@customer.example' } } } } },
};

const STORE_KEY = storeKey(RELAY);
const NO_DELIVERIES = { awaitingSignIn: 0, failed: [] };
const TOKENS = tokens;

/** The relay, with a stored sign-in renewing and an empty delivery report unless the test says otherwise. */
const fakeRelay = (routes) => fakeRelayAt(RELAY, { 'GET /api/me/deliveries': [json(200, NO_DELIVERIES)], ...routes });

function mount() {
  const el = createElement('c-sightline-launcher', { is: SightlineLauncher });
  el.recordId = CASE_ID;
  document.body.appendChild(el);
  return el;
}
const $ = (el, sel) => el.shadowRoot.querySelector(sel);
const ACTIVE = `GET /api/sessions?crm=salesforce&recordId=${CASE_ID}`;

describe('c-sightline-launcher', () => {
  beforeEach(() => {
    window.open = jest.fn();
    window.localStorage.setItem(STORE_KEY, JSON.stringify({ refreshToken: 'slrt_0' }));
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    jest.useRealTimers();
    delete global.fetch;
    window.localStorage.clear();
    resetForTests();
  });

  it('shows a spinner until the settings arrive, then the Start button', async () => {
    fakeRelay({ [ACTIVE]: [json(200, [])] });
    const el = mount();
    await flush();
    expect($(el, 'lightning-spinner')).not.toBeNull();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(el, 'lightning-spinner')).toBeNull();
    expect($(el, 'lightning-button.start').label).toBe('c.Sightline_Start_Screen_Share');
    expect($(el, '.session')).toBeNull();
  });

  it('reports missing settings', async () => {
    const el = mount();
    getSettings.error({ message: 'Sightline is not configured' });
    await flush();
    expect($(el, '.settings-error').textContent).toContain('Sightline is not configured');
    expect($(el, 'lightning-button.start')).toBeNull();
  });

  it('starts a session with a bearer token and no cookie, opens the console and shows key, link and status', async () => {
    fakeRelay({ [ACTIVE]: [json(200, [])], 'POST /api/sessions': [json(201, SESSION)] });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    $(el, 'lightning-button.start').click();
    await flush();

    const post = global.fetch.mock.calls.find(
      ([url, init]) => url === `${RELAY}/api/sessions` && init.method === 'POST',
    );
    expect(post[1].credentials).toBe('omit');
    expect(post[1].headers.Authorization).toBe('Bearer slat_1');
    const renew = global.fetch.mock.calls.find(([url]) => url === `${RELAY}/auth/token`);
    expect(JSON.parse(renew[1].body)).toEqual({ refreshToken: 'slrt_0' });
    expect(JSON.parse(window.localStorage.getItem(STORE_KEY))).toEqual({ refreshToken: 'slrt_1' });
    expect(JSON.parse(post[1].body)).toEqual({ crm: 'salesforce', recordId: CASE_ID });
    expect(window.open).toHaveBeenCalledWith(SESSION.consoleUrl, 'sightline_console');
    expect($(el, '.session-key').textContent).toBe('482 913');
    expect($(el, '.join-link').href).toBe(SESSION.joinUrl);
    expect($(el, '.session-status').textContent).toBe('c.Sightline_Status_Waiting');
    expect($(el, '.console-link').href).toBe(SESSION.consoleUrl);
    expect($(el, 'lightning-button.start')).toBeNull();
  });

  it('shows an active session on load and follows its live status', async () => {
    jest.useFakeTimers();
    fakeRelay({
      [ACTIVE]: [json(200, [SESSION]), json(200, { sessions: [{ ...SESSION, status: 'in_progress' }] })],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(el, '.session-status').textContent).toBe('c.Sightline_Status_Waiting');
    jest.advanceTimersByTime(5000);
    await flush();
    expect($(el, '.session-status').textContent).toBe('c.Sightline_Status_In_Progress');
  });

  it('clears the session when the relay reports it ended', async () => {
    jest.useFakeTimers();
    fakeRelay({ [ACTIVE]: [json(200, [SESSION]), json(200, [])] });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(el, '.session')).not.toBeNull();
    jest.advanceTimersByTime(5000);
    await flush();
    expect($(el, '.session')).toBeNull();
    expect($(el, 'lightning-button.start')).not.toBeNull();
  });

  it('first sign-in: the request is made before the click, the window opens in it, the result comes from the relay', async () => {
    window.localStorage.clear();
    // Lightning Web Security: window.open returns a stand-in with close, focus and postMessage only.
    const touched = [];
    const standIn = new Proxy(
      { close: jest.fn(), focus: jest.fn(), postMessage: jest.fn() },
      {
        get(target, prop) {
          if (!['close', 'focus', 'postMessage'].includes(prop)) throw new Error(`touched window.${String(prop)}`);
          touched.push(prop);
          return target[prop];
        },
        set(_t, prop) {
          throw new Error(`set window.${String(prop)}`);
        },
        has(_t, prop) {
          throw new Error(`probed window.${String(prop)}`);
        },
      },
    );
    window.open = jest.fn(() => standIn);
    let signedIn;
    const waitAnswer = new Promise((resolve) => (signedIn = resolve));
    const REQUEST = {
      requestId: 'r'.repeat(24),
      secret: 'the-secret',
      signInUrl: `${RELAY}/auth/salesforce?request=${'r'.repeat(24)}`,
      expiresAt: new Date(Date.now() + 600000).toISOString(),
    };
    fakeRelay({
      'POST /auth/requests': [json(201, REQUEST)],
      [`POST /auth/requests/${REQUEST.requestId}/wait`]: [waitAnswer],
      'POST /api/sessions': [json(201, SESSION)],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(el, '.error')).toBeNull(); // signed out is not an error
    const created = global.fetch.mock.calls.find(([url]) => url === `${RELAY}/auth/requests`);
    expect(JSON.parse(created[1].body)).toEqual({ crm: 'salesforce', userId: expect.any(String) });
    expect(global.fetch.mock.calls.some(([url]) => url.includes('/api/sessions'))).toBe(false);

    $(el, 'lightning-button.start').click();
    // Synchronously inside the click: no await before window.open.
    expect(window.open).toHaveBeenCalledWith(REQUEST.signInUrl, 'sightline_console');
    expect(REQUEST.signInUrl).not.toContain(REQUEST.secret);
    await flush();
    expect($(el, '.signing-in')).not.toBeNull();
    const wait = global.fetch.mock.calls.find(([url]) => url.endsWith('/wait'));
    expect(JSON.parse(wait[1].body)).toEqual({ secret: 'the-secret' });
    signedIn(json(200, { status: 'signed_in', tokens: TOKENS(7) }));
    await flush();
    await flush();
    const post = global.fetch.mock.calls.find(
      ([url, init]) => url === `${RELAY}/api/sessions` && init.method === 'POST',
    );
    expect(post[1].headers.Authorization).toBe('Bearer slat_7');
    expect(window.open).toHaveBeenLastCalledWith(SESSION.consoleUrl, 'sightline_console');
    expect($(el, '.session-key').textContent).toBe('482 913');
    expect($(el, '.signing-in')).toBeNull();
    expect(JSON.parse(window.localStorage.getItem(STORE_KEY))).toEqual({ refreshToken: 'slrt_7' });
    expect(touched).toEqual([]); // the code never looked at the window it opened
  });

  it('before a first sign-in, Start Screen Share is disabled until the sign-in request is ready', async () => {
    window.localStorage.clear();
    let prepared;
    const answer = new Promise((resolve) => (prepared = resolve));
    const REQUEST = {
      requestId: 'q'.repeat(24),
      secret: 'the-secret',
      signInUrl: `${RELAY}/auth/salesforce?request=${'q'.repeat(24)}`,
      expiresAt: new Date(Date.now() + 600000).toISOString(),
    };
    fakeRelay({ 'POST /auth/requests': [answer] });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    // A click now could not open the sign-in window inside the click: the button says so by being disabled.
    expect($(el, 'lightning-button.start').disabled).toBe(true);
    prepared(json(201, REQUEST));
    await flush();
    expect($(el, 'lightning-button.start').disabled).toBe(false);
    $(el, 'lightning-button.start').click();
    expect(window.open).toHaveBeenCalledWith(REQUEST.signInUrl, 'sightline_console');
  });

  it('an expired relay sign-in asks for one click; sign-out forgets the credential', async () => {
    fakeRelay({
      'POST /auth/token': [json(401, { error: 'sign_in_required', message: 'sign in' })],
      'POST /auth/requests': [
        json(201, {
          requestId: 'q'.repeat(24),
          secret: 's',
          signInUrl: `${RELAY}/auth/salesforce?request=${'q'.repeat(24)}`,
          expiresAt: new Date(Date.now() + 600000).toISOString(),
        }),
      ],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    await flush();
    expect(window.localStorage.getItem(STORE_KEY)).toBeNull();
    expect(global.fetch.mock.calls.some(([url]) => url === `${RELAY}/auth/requests`)).toBe(true);
    expect($(el, 'lightning-button.sign-out')).toBeNull();
  });

  it('signs out from the launcher: the grant is revoked on the relay and forgotten here', async () => {
    fakeRelay({
      [ACTIVE]: [json(200, [])],
      'POST /auth/signout': [json(204, null)],
      'POST /auth/requests': [
        json(201, {
          requestId: 'z'.repeat(24),
          secret: 's',
          signInUrl: `${RELAY}/auth/salesforce?request=${'z'.repeat(24)}`,
          expiresAt: new Date(Date.now() + 600000).toISOString(),
        }),
      ],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    $(el, 'lightning-button.sign-out').click();
    await flush();
    const out = global.fetch.mock.calls.find(([url]) => url === `${RELAY}/auth/signout`);
    expect(JSON.parse(out[1].body)).toEqual({ refreshToken: 'slrt_1' });
    expect(out[1].headers.Authorization).toBe('Bearer slat_1');
    expect(window.localStorage.getItem(STORE_KEY)).toBeNull();
    expect($(el, 'lightning-button.sign-out')).toBeNull();
  });

  it('tells the agent what waits for a new sign-in and what could not be delivered', async () => {
    fakeRelay({
      [ACTIVE]: [json(200, [])],
      'GET /api/me/deliveries': [
        json(200, {
          awaitingSignIn: 2,
          failed: [
            {
              sessionId: 's_1',
              crm: 'salesforce',
              recordId: CASE_ID,
              what: 'activity',
              reason: 'the record no longer exists',
              since: '2026-11-21T10:00:00.000Z',
            },
          ],
        }),
      ],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    await flush();
    expect($(el, '.awaiting-sign-in').textContent).toBe(
      'c.Sightline_Sign_In_Again_Before 2 c.Sightline_Sign_In_Again_After',
    );
    expect($(el, '.failed-delivery').textContent).toBe('the record no longer exists');
  });

  it('shows the relay error message when a session cannot be created', async () => {
    fakeRelay({
      [ACTIVE]: [json(200, [])],
      'POST /api/sessions': [json(403, { error: 'forbidden', message: 'You cannot read this case' })],
    });
    const el = mount();
    const toasts = jest.fn();
    el.addEventListener('lightning__showtoast', toasts);
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    $(el, 'lightning-button.start').click();
    await flush();
    expect($(el, '.error').textContent).toBe('You cannot read this case');
    expect(toasts.mock.calls[0][0].detail.variant).toBe('error');
    expect(window.open).not.toHaveBeenCalled();
  });

  it('rejects a malformed session from the relay', async () => {
    fakeRelay({ [ACTIVE]: [json(200, [])], 'POST /api/sessions': [json(201, { sessionId: 'x' })] });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    $(el, 'lightning-button.start').click();
    await flush();
    expect($(el, '.error').textContent).toContain('unexpected session shape');
    expect(window.open).not.toHaveBeenCalled();
  });

  it('emails the invite to the case contact through the relay', async () => {
    fakeRelay({
      [ACTIVE]: [json(200, [SESSION])],
      'POST /api/sessions/ses_1/invite': [json(200, { sent: true, to: ['ada@customer.example'] })],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    getRecord.emit(CASE_RECORD);
    await flush();
    expect($(el, 'lightning-input.invite-to').value).toBe('ada@customer.example');
    $(el, 'lightning-button.invite').click();
    await flush();
    const call = global.fetch.mock.calls.find(([url]) => url.endsWith('/invite'));
    expect(call[1].credentials).toBe('omit');
    expect(call[1].headers.Authorization).toBe('Bearer slat_1');
    expect(JSON.parse(call[1].body)).toEqual({ to: ['ada@customer.example'] });
    expect($(el, '.notice').textContent).toBe('c.Sightline_Invite_Sent ada@customer.example');
  });

  it('sends to typed addresses and refuses invalid or too many', async () => {
    fakeRelay({
      [ACTIVE]: [json(200, [SESSION])],
      'POST /api/sessions/ses_1/invite': [json(202, {})],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    const input = $(el, 'lightning-input.invite-to');
    const type = async (value) => {
      input.value = value;
      input.dispatchEvent(new CustomEvent('change'));
      await flush();
    };
    await type('not-an-email');
    $(el, 'lightning-button.invite').click();
    await flush();
    expect($(el, '.error').textContent).toBe('c.Sightline_Invalid_Email');
    await type('a@x.io,b@x.io,c@x.io,d@x.io,e@x.io,f@x.io');
    $(el, 'lightning-button.invite').click();
    await flush();
    expect($(el, '.error').textContent).toBe('c.Sightline_Too_Many_Recipients');
    expect(global.fetch.mock.calls.some(([url]) => url.endsWith('/invite'))).toBe(false);

    await type('grace@x.io; linus@y.org');
    getRecord.emit(CASE_RECORD); // the contact's email arriving later does not overwrite typing
    $(el, 'lightning-button.invite').click();
    await flush();
    const call = global.fetch.mock.calls.find(([url]) => url.endsWith('/invite'));
    expect(JSON.parse(call[1].body)).toEqual({ to: ['grace@x.io', 'linus@y.org'] });
    expect($(el, '.error')).toBeNull();
  });

  it('shows why an invite failed', async () => {
    fakeRelay({
      [ACTIVE]: [json(200, [SESSION])],
      'POST /api/sessions/ses_1/invite': [json(502, { error: 'crm_error', message: 'emailSimple failed' })],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    getRecord.emit(CASE_RECORD);
    await flush();
    $(el, 'lightning-button.invite').click();
    await flush();
    expect($(el, '.error').textContent).toBe('emailSimple failed');
    expect($(el, '.notice')).toBeNull();
  });

  it('after a console tab switch tears it down, a new launcher shows the live session again', async () => {
    fakeRelay({
      [ACTIVE]: [json(200, { sessions: [SESSION] }), json(200, { sessions: [{ ...SESSION, status: 'in_progress' }] })],
    });
    const first = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(first, '.session-key').textContent).toBe('482 913');
    document.body.removeChild(first); // the agent switches to another console tab

    const back = mount(); // ...and back: Lightning builds the record page component anew
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(back, 'lightning-button.start')).toBeNull();
    expect($(back, '.session-key').textContent).toBe('482 913');
    expect($(back, '.session-status').textContent).toBe('c.Sightline_Status_In_Progress');
    expect(window.open).not.toHaveBeenCalled();
  });

  it('a launcher kept but disconnected by the console asks the relay again when it is reattached', async () => {
    fakeRelay({
      [ACTIVE]: [json(200, { sessions: [] }), json(200, { sessions: [SESSION] })],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(el, 'lightning-button.start')).not.toBeNull();
    document.body.removeChild(el);
    // Meanwhile the agent started the session from the utility bar's case tab; back on this tab:
    document.body.appendChild(el);
    await flush();
    expect($(el, '.session-key').textContent).toBe('482 913');
  });

  it('stops polling when removed from the page', async () => {
    jest.useFakeTimers();
    fakeRelay({ [ACTIVE]: [json(200, [SESSION])] });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    const calls = global.fetch.mock.calls.length;
    document.body.removeChild(el);
    jest.advanceTimersByTime(20000);
    await flush();
    expect(global.fetch.mock.calls.length).toBe(calls);
  });
});
