import { createElement } from 'lwc';
import SightlineLiveSessions from 'c/sightlineLiveSessions';
import getSettings from '@salesforce/apex/SightlineSettingsController.getSettings';
import { resetForTests } from 'c/sightlineRelayApi';
import { getNavigatedTo, resetNavigation } from 'lightning/navigation';
import { callsTo, fakeRelay as fakeRelayAt, flush, json, storeKey } from '../../../../../test/jest-utils/fakeRelay';

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
const STORE_KEY = storeKey(RELAY);
const LIST = 'GET /api/sessions?crm=salesforce';
const session = (n, caseId, extra = {}) => ({
  sessionId: `s_session${n}`,
  key: `48291${n}`,
  joinUrl: `${RELAY}/j/tok_abcdefghijklmnopqrstu${n}`,
  consoleUrl: `${RELAY}/console/s_session${n}`,
  status: 'waiting',
  expiresAt: '2026-11-21T10:10:00.000Z',
  record: { crm: 'salesforce', id: caseId, label: `Case 0000100${n}: Printer ${n}` },
  role: 'host',
  ...extra,
});
const CASE_1 = '500000000000001AAA';
const CASE_2 = '500000000000002AAA';

const fakeRelay = (routes) => fakeRelayAt(RELAY, routes);
const calls = (key) => callsTo(RELAY, key);

function mount() {
  const el = createElement('c-sightline-live-sessions', { is: SightlineLiveSessions });
  document.body.appendChild(el);
  return el;
}
const $ = (el, sel) => el.shadowRoot.querySelector(sel);
const $$ = (el, sel) => [...el.shadowRoot.querySelectorAll(sel)];

describe('c-sightline-live-sessions (utility bar)', () => {
  beforeEach(() => {
    window.localStorage.setItem(STORE_KEY, JSON.stringify({ refreshToken: 'slrt_0' }));
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    jest.useRealTimers();
    delete global.fetch;
    window.localStorage.clear();
    resetForTests();
    resetNavigation();
  });

  it("lists the agent's live sessions on every case, with status, key and console link, without a cookie", async () => {
    fakeRelay({
      [LIST]: [
        json(200, {
          sessions: [session(2, CASE_2, { status: 'in_progress' }), session(1, CASE_1, { role: 'agent' })],
        }),
      ],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    const items = $$(el, 'li.live-session');
    expect(items.map((li) => li.dataset.sessionId)).toEqual(['s_session2', 's_session1']);
    expect(items.map((li) => li.querySelector('.record-link').textContent)).toEqual([
      'Case 00001002: Printer 2',
      'Case 00001001: Printer 1',
    ]);
    expect(items.map((li) => li.querySelector('.session-status').textContent)).toEqual([
      'c.Sightline_Status_In_Progress',
      'c.Sightline_Status_Waiting',
    ]);
    expect(items.map((li) => li.querySelector('.session-key').textContent)).toEqual(['482 912', '482 911']);
    expect(items[0].querySelector('.invited')).toBeNull();
    expect(items[1].querySelector('.invited').textContent).toBe('c.Sightline_Invited');
    expect(items[0].querySelector('a.console-link').getAttribute('href')).toBe(`${RELAY}/console/s_session2`);
    const [, init] = calls(LIST)[0];
    expect(init.credentials).toBe('omit');
    expect(init.headers.Authorization).toBe('Bearer slat_1');
  });

  it("opens a session's case through Lightning navigation (a console tab), not a page load", async () => {
    fakeRelay({ [LIST]: [json(200, { sessions: [session(1, CASE_1)] })] });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    $(el, '.record-link').click();
    expect(getNavigatedTo()).toEqual({
      type: 'standard__recordPage',
      attributes: { recordId: CASE_1, objectApiName: 'Case', actionName: 'view' },
    });
  });

  it('follows the sessions live: a new one appears, an ended one goes', async () => {
    jest.useFakeTimers();
    fakeRelay({
      [LIST]: [json(200, { sessions: [] }), json(200, { sessions: [session(1, CASE_1)] }), json(200, { sessions: [] })],
    });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(el, '.none').textContent).toBe('c.Sightline_No_Live_Sessions');
    jest.advanceTimersByTime(5000);
    await flush();
    expect($$(el, 'li.live-session')).toHaveLength(1);
    expect($(el, '.none')).toBeNull();
    jest.advanceTimersByTime(5000);
    await flush();
    expect($$(el, 'li.live-session')).toHaveLength(0);
    expect($(el, '.none')).not.toBeNull();
  });

  it('without a relay sign-in in this browser it says where to sign in and calls nothing', async () => {
    window.localStorage.clear();
    fakeRelay({});
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(el, '.sign-in-first').textContent).toBe('c.Sightline_Live_Sessions_Sign_In');
    expect(global.fetch).not.toHaveBeenCalled();
  });

  it('a sign-in the relay no longer honours shows the sign-in hint instead of an error', async () => {
    fakeRelay({ 'POST /auth/token': [json(401, { error: 'invalid_grant', message: 'signed out' })] });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($(el, '.sign-in-first')).not.toBeNull();
    expect($(el, '.error')).toBeNull();
    expect($$(el, 'li.live-session')).toHaveLength(0);
  });

  it('shows a relay failure in words and drops a malformed entry', async () => {
    fakeRelay({
      [LIST]: [
        json(200, { sessions: [session(1, CASE_1), { sessionId: 's_bad', joinUrl: 'ftp://relay.test/j/x' }] }),
        json(503, { error: 'unavailable', message: 'The relay is restarting.' }),
      ],
    });
    jest.useFakeTimers();
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    expect($$(el, 'li.live-session').map((li) => li.dataset.sessionId)).toEqual(['s_session1']);
    jest.advanceTimersByTime(5000);
    await flush();
    expect($(el, '.error').textContent).toBe('The relay is restarting.');
  });

  it('stops asking the relay once removed', async () => {
    jest.useFakeTimers();
    fakeRelay({ [LIST]: [json(200, { sessions: [] })] });
    const el = mount();
    getSettings.emit({ relayUrl: RELAY });
    await flush();
    const before = global.fetch.mock.calls.length;
    document.body.removeChild(el);
    jest.advanceTimersByTime(20000);
    await flush();
    expect(global.fetch.mock.calls.length).toBe(before);
  });
});
