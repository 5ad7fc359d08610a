import { createElement } from 'lwc';
import SightlineLauncher from 'c/sightlineLauncher';
import { getRecord } from 'lightning/uiRecordApi';
import getSettings from '@salesforce/apex/SightlineSettingsController.getSettings';

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

const json = (status, body) => ({
  ok: status >= 200 && status < 300,
  status,
  text: () => Promise.resolve(JSON.stringify(body)),
});
// Lets wire emissions, promise chains and re-renders settle (a few microtask turns).
const flush = () => Array.from({ length: 5 }).reduce((p) => p.then(() => undefined), Promise.resolve());

/** Routes fetch by "METHOD path" to queued responses, failing loudly on anything unexpected. */
function fakeRelay(routes) {
  global.fetch = jest.fn((url, init = {}) => {
    const key = `${init.method || 'GET'} ${url.replace(RELAY, '')}`;
    const queue = routes[key];
    if (!queue || queue.length === 0) return Promise.reject(new Error(`unexpected ${key}`));
    return Promise.resolve(queue.length > 1 ? queue.shift() : queue[0]);
  });
}

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
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    jest.useRealTimers();
    delete global.fetch;
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

  it('starts a session with credentials, opens the console and shows key, link and status', async () => {
    fakeRelay({ [ACTIVE]: [json(200, [])], 'POST /api/sessions': [json(201, SESSION)] });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    $(el, 'lightning-button.start').click();
    await flush();

    const post = global.fetch.mock.calls.find(([, init]) => init && init.method === 'POST');
    expect(post[0]).toBe(`${RELAY}/api/sessions`);
    expect(post[1].credentials).toBe('include');
    expect(JSON.parse(post[1].body)).toEqual({ crm: 'salesforce', recordId: CASE_ID });
    expect(window.open).toHaveBeenCalledWith(SESSION.consoleUrl, 'sightline_console');
    expect($(el, '.session-key').textContent).toBe('482913');
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

  it('signs the agent in on a 401, then retries and opens the console in the same window', async () => {
    jest.useFakeTimers();
    fakeRelay({
      [ACTIVE]: [json(401, { error: 'unauthorized', message: 'sign in' })],
      'POST /api/sessions': [json(401, { error: 'unauthorized', message: 'sign in' }), json(201, SESSION)],
      'GET /api/me': [json(401, { error: 'unauthorized', message: 'sign in' }), json(200, { userId: '005x' })],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(el, '.error')).toBeNull(); // signed out is not an error
    $(el, 'lightning-button.start').click();
    await flush();
    expect(window.open).toHaveBeenCalledWith(
      `${RELAY}/auth/salesforce?returnTo=${encodeURIComponent('/api/me')}`,
      'sightline_console',
    );
    expect($(el, '.signing-in')).not.toBeNull();
    jest.advanceTimersByTime(2000); // still signed out
    await flush();
    expect($(el, '.session')).toBeNull();
    jest.advanceTimersByTime(2000); // signed in now
    await flush();
    await flush();
    expect(window.open).toHaveBeenLastCalledWith(SESSION.consoleUrl, 'sightline_console');
    expect($(el, '.session-key').textContent).toBe('482913');
    expect($(el, '.signing-in')).toBeNull();
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
    expect(call[1].credentials).toBe('include');
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
