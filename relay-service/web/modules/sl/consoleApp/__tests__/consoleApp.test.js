import { createElement } from 'lwc';
import ConsoleApp from 'sl/consoleApp';
import { inviteCustomer, me, sessionDetails, sessionTicket } from '../../../../lib/api.js';
import { AgentSession } from '../../../../lib/agentSession.js';
import { checkViewCapability } from '../../../../lib/capabilities.js';

jest.mock('../../../../lib/api.js', () => {
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
    }
  }
  return {
    ApiError,
    me: jest.fn(),
    sessionDetails: jest.fn(),
    sessionTicket: jest.fn(),
    endSession: jest.fn(),
    inviteCustomer: jest.fn(),
    deliveries: jest.fn(() => Promise.resolve({ awaitingSignIn: 0, failed: [] })),
  };
});
jest.mock('../../../../lib/capabilities.js', () => ({ checkViewCapability: jest.fn() }));
jest.mock('../../../../lib/agentSession.js', () => {
  class FakeAgentSession extends EventTarget {
    constructor(ticket, deps) {
      super();
      this.ticket = ticket;
      FakeAgentSession.lastArgs = [ticket, deps];
      this.sent = [];
      this.pointers = [];
      this.canvas = null;
      FakeAgentSession.last = this;
    }
    connect() {}
    attachCanvas(canvas) {
      this.canvas = canvas;
    }
    send(message) {
      this.sent.push(message);
      return true;
    }
    pointer(x, y, visible) {
      this.pointers.push({ x, y, visible });
    }
    close() {
      this.closed = true;
    }
    emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }
  }
  return { AgentSession: FakeAgentSession };
});

// Lets the component's awaited promises and re-renders settle.
const flush = async () => {
  // eslint-disable-next-line no-await-in-loop, @lwc/lwc/no-async-operation
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
const q = (root, s) => root.shadowRoot.querySelector(s);
const button = (el, text) => [...el.shadowRoot.querySelectorAll('button')].find((b) => b.textContent === text);

const SNAPSHOT = {
  id: 's1',
  key: '123456',
  status: 'in_progress',
  record: { crm: 'salesforce', id: '500000000000001AAA', label: 'Case 00001001' },
  participants: [
    { id: 'h1', role: 'host', displayName: 'Alex Agent', contact: {}, connected: true, joinedAt: '' },
    {
      id: 'g1',
      role: 'guest',
      displayName: 'Ada',
      contact: { email: 'ada@example.com' },
      connected: true,
      joinedAt: '',
    },
  ],
  presenterId: 'g1',
  controllerId: null,
  paused: false,
  recording: 'off',
  streams: [{ stream: 0, codec: 'vp8', codedWidth: 1280, codedHeight: 720, surface: 'monitor' }],
};

async function mountSignedIn() {
  const el = createElement('sl-console-app', { is: ConsoleApp });
  el.sessionId = 's1';
  document.body.appendChild(el);
  await flush();
  const agent = AgentSession.last;
  agent.emit('state', 'open');
  agent.emit('message', { type: 'welcome', protocol: 1, participantId: 'h1', role: 'host', session: SNAPSHOT });
  agent.emit('session', SNAPSHOT);
  agent.emit('live', true);
  await flush();
  return { el, agent };
}

describe('sl-console-app', () => {
  beforeEach(() => {
    checkViewCapability.mockReturnValue({ ok: true });
    me.mockResolvedValue({ crm: 'salesforce', userId: 'u', username: 'agent', displayName: 'Alex Agent' });
    sessionTicket.mockResolvedValue({ participantId: 'h1', ticket: 't', wsUrl: '/ws' });
    sessionDetails.mockResolvedValue({ joinUrl: 'http://relay/j/tok' });
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it('shows key, link, status, attendees and the live screen on the canvas', async () => {
    const { el, agent } = await mountSignedIn();
    const info = q(el, 'sl-session-info');
    expect(info.sessionKey).toBe('123456');
    expect(info.joinUrl).toBe('http://relay/j/tok');
    expect(info.status).toBe('in_progress');
    expect(q(el, 'h1').textContent).toBe('Screen share · Case 00001001');
    expect(q(el, 'sl-attendee-list').participants).toHaveLength(2);
    const view = q(el, 'sl-screen-view');
    expect(view.live).toBe(true);
    expect(view.width).toBe(1280);
    expect(agent.canvas).toBe(view.getCanvas());
  });

  it('says where the customer is before sharing, and that they declined', async () => {
    const { el, agent } = await mountSignedIn();
    const waiting = { ...SNAPSHOT, status: 'waiting', presenterId: null, streams: [] };
    agent.emit('session', waiting);
    agent.emit('live', false);
    await flush();
    const view = q(el, 'sl-screen-view');
    expect(view.waitingText).toBe('Waiting for the customer to share their screen…');
    // Before joining the visitor has no participant id, and perhaps no name yet.
    agent.emit('message', { type: 'presence', participantId: '', name: 'The customer', state: 'details' });
    await flush();
    expect(view.waitingText).toBe('The customer is entering their details…');
    const presence = (state) => ({ type: 'presence', participantId: 'g1', name: 'Ada', state });
    agent.emit('message', presence('details'));
    await flush();
    expect(view.waitingText).toBe('Ada is entering their details…');
    agent.emit('message', presence('consent'));
    await flush();
    expect(view.waitingText).toBe('Ada is reading the consent…');
    agent.emit('message', presence('choosing_screen'));
    await flush();
    expect(view.waitingText).toBe('Ada is choosing what to share…');
    expect(view.shadowRoot.querySelector('.waiting').textContent).toBe('Ada is choosing what to share…');
    agent.emit('message', presence('declined'));
    await flush();
    expect(view.waitingText).toBe('Ada declined to share');
    // Once the customer presents, the screen speaks for itself.
    agent.emit('session', SNAPSHOT);
    await flush();
    expect(view.waitingText).toBe('Waiting for the customer to share their screen…');
    // A visitor's presence from before they joined is spent too: when they stop sharing, the console
    // waits for them, it does not say they are entering their details again.
    agent.emit('message', { type: 'presence', participantId: '', name: 'Ada', state: 'consent' });
    agent.emit('session', SNAPSHOT);
    agent.emit('session', { ...SNAPSHOT, presenterId: null, streams: [] });
    await flush();
    expect(view.waitingText).toBe('Waiting for the customer to share their screen…');
  });

  it('names the customer and the record in the tab title, and says when the session ended', async () => {
    const { el, agent } = await mountSignedIn();
    expect(document.title).toBe('Ada · Case 00001001 · Sightline');
    agent.emit('message', { type: 'ended', reason: 'host_ended' });
    await flush();
    expect(q(el, 'sl-ended-panel')).not.toBeNull();
    expect(document.title).toBe('Ended · Ada · Case 00001001 · Sightline');
  });

  it('shows reconnecting, not an error, while its socket recovers', async () => {
    const { el, agent } = await mountSignedIn();
    agent.emit('state', 'reconnecting');
    await flush();
    expect(q(el, 'sl-session-info').status).toBe('reconnecting');
    expect(q(el, '.error').textContent).toBe('');
  });

  it('says the session moved to another node and waits for the customer to share again', async () => {
    const { el, agent } = await mountSignedIn();
    expect(q(el, '.moved-notice').textContent).toBe('');
    const log = [
      { at: '2026-12-02T10:00:00.000Z', actor: 'Ada', kind: 'share', text: 'started sharing (monitor)' },
      {
        at: '2026-12-02T10:01:00.000Z',
        actor: 'Sightline',
        kind: 'session',
        text: 'session moved to another relay node (its node failed); the screen must be shared again',
      },
    ];
    const moved = { ...SNAPSHOT, presenterId: null, streams: [] };
    agent.emit('message', { type: 'welcome', protocol: 1, participantId: 'h1', role: 'host', session: moved, log });
    agent.emit('session', moved);
    await flush();
    expect(q(el, '.moved-notice').textContent).toMatch(/moved to another relay node.*share their screen again/);
    // A usual reconnect's welcome (nothing moved since the last share) says nothing.
    agent.emit('message', {
      type: 'welcome',
      protocol: 1,
      participantId: 'h1',
      role: 'host',
      session: moved,
      log: [log[1], log[0]],
    });
    await flush();
    expect(q(el, '.moved-notice').textContent).toBe('');
    agent.emit('message', { type: 'welcome', protocol: 1, participantId: 'h1', role: 'host', session: moved, log });
    await flush();
    agent.emit('session', SNAPSHOT); // the customer shares again
    await flush();
    expect(q(el, '.moved-notice').textContent).toBe('');
  });

  it('asks for a fresh ticket through any node before each reconnect', async () => {
    await mountSignedIn();
    const [, deps] = AgentSession.lastArgs;
    sessionTicket.mockResolvedValueOnce({ participantId: 'h1', ticket: 't2', wsUrl: 'ws://other/ws' });
    await expect(deps.locate()).resolves.toEqual({ participantId: 'h1', ticket: 't2', wsUrl: 'ws://other/ws' });
    expect(sessionTicket).toHaveBeenLastCalledWith('s1');
  });

  it('chats, keeps private notes and sends the pointer', async () => {
    const { el, agent } = await mountSignedIn();
    const [chat, notes] = el.shadowRoot.querySelectorAll('sl-chat-panel');
    chat.dispatchEvent(new CustomEvent('send', { detail: { text: 'Can you open settings?' } }));
    notes.dispatchEvent(new CustomEvent('send', { detail: { text: 'printer driver old' } }));
    agent.emit('message', { type: 'chat', from: 'g1', fromName: 'Ada', text: 'Done', at: '2026-11-21T09:05:00.000Z' });
    q(el, 'sl-screen-view').dispatchEvent(new CustomEvent('pointer', { detail: { x: 0.5, y: 0.25, visible: true } }));
    await flush();
    expect(agent.sent).toEqual([
      { type: 'chat', text: 'Can you open settings?' },
      { type: 'note', text: 'printer driver old' },
    ]);
    expect(chat.messages.map((m) => m.text)).toEqual(['Can you open settings?', 'Done']);
    // Every line carries its time: the relay's for received ones, the moment of sending for the agent's.
    expect(chat.messages[1].at).toBe('2026-11-21T09:05:00.000Z');
    expect(Number.isNaN(Date.parse(chat.messages[0].at))).toBe(false);
    expect(Number.isNaN(Date.parse(notes.messages[0].at))).toBe(false);
    expect(notes.messages.map((m) => m.text)).toEqual(['printer driver old']);
    expect(agent.pointers).toEqual([{ x: 0.5, y: 0.25, visible: true }]);
  });

  it('starts and stops recording as the policy allows', async () => {
    const { el, agent } = await mountSignedIn();
    button(el, 'Start recording').click();
    agent.emit('session', { ...SNAPSHOT, recording: 'on' });
    await flush();
    button(el, 'Stop recording').click();
    agent.emit('session', { ...SNAPSHOT, recording: 'refused' });
    await flush();
    expect(agent.sent).toEqual([
      { type: 'recording', action: 'start' },
      { type: 'recording', action: 'stop' },
    ]);
    expect(button(el, 'Recording refused by the customer').disabled).toBe(true);
  });

  it('while the customer is asked about recording the button says so, and shows their answer', async () => {
    const { el, agent } = await mountSignedIn();
    button(el, 'Start recording').click();
    agent.emit('session', { ...SNAPSHOT, recording: 'asking' });
    await flush();
    const waiting = button(el, 'Waiting for the customer to allow recording (cancel)');
    expect(waiting.disabled).toBe(false);
    waiting.click();
    await flush();
    expect(agent.sent.filter((m) => m.type === 'recording')).toEqual([
      { type: 'recording', action: 'start' },
      { type: 'recording', action: 'stop' },
    ]);
    agent.emit('session', { ...SNAPSHOT, recording: 'refused' });
    await flush();
    expect(button(el, 'Waiting for the customer to allow recording (cancel)')).toBeUndefined();
    expect(button(el, 'Recording refused by the customer').disabled).toBe(true);
  });

  it("the relay's hint after Start recording stays beside the button until the customer answers", async () => {
    const { el, agent } = await mountSignedIn();
    button(el, 'Start recording').click();
    agent.emit('message', {
      type: 'error',
      code: 'no_consent',
      message: 'recording starts once the customer allows it and shares a screen',
      ref: 'recording',
    });
    await flush();
    expect(q(el, '.recording-hint').textContent).toBe(
      'recording starts once the customer allows it and shares a screen',
    );
    expect(q(el, '.error').textContent).toBe('');
    // Other state changes leave it; the customer's answer (recording on or refused) clears it.
    agent.emit('session', { ...SNAPSHOT, status: 'in_progress' });
    await flush();
    expect(q(el, '.recording-hint').textContent).not.toBe('');
    agent.emit('session', { ...SNAPSHOT, status: 'in_progress', recording: 'on' });
    await flush();
    expect(q(el, '.recording-hint').textContent).toBe('');
  });

  it('requests control and invites another agent with a valid email', async () => {
    const { el, agent } = await mountSignedIn();
    button(el, 'Request control').click();
    await flush();
    expect(button(el, 'Control requested (ask again)').disabled).toBe(false);
    const email = q(el, 'input[type="email"]');
    email.value = 'nope';
    email.dispatchEvent(new CustomEvent('input'));
    q(el, 'form.invite').dispatchEvent(new CustomEvent('submit', { cancelable: true }));
    await flush();
    expect(email.getAttribute('aria-invalid')).toBe('true');
    email.value = 'sam@example.com';
    email.dispatchEvent(new CustomEvent('input'));
    q(el, 'form.invite').dispatchEvent(new CustomEvent('submit', { cancelable: true }));
    await flush();
    expect(agent.sent).toEqual([{ type: 'control-request' }, { type: 'invite-agent', email: 'sam@example.com' }]);
    expect(q(el, '.invite-status').textContent).toBe('Invitation sent to sam@example.com.');
  });

  it('emails the join link to the customer through the CRM and says so', async () => {
    inviteCustomer.mockResolvedValueOnce({ sent: true, to: ['jane@acme.example'] });
    const { el } = await mountSignedIn();
    button(el, 'Email the link to the customer').click();
    await flush();
    expect(inviteCustomer).toHaveBeenCalledWith('s1');
    expect(q(el, '.email-status').textContent).toBe('Join link emailed to jane@acme.example.');
    inviteCustomer.mockRejectedValueOnce(new Error('the record has no contact email'));
    button(el, 'Email the link to the customer').click();
    await flush();
    expect(q(el, '.email-status').textContent).toBe('the record has no contact email');
  });

  it('ends the session after a confirmation and shows the ended screen', async () => {
    const { el, agent } = await mountSignedIn();
    button(el, 'End session').click();
    await flush();
    button(el, 'Yes, end for everyone').click();
    await flush();
    expect(agent.sent).toEqual([{ type: 'end' }]);
    agent.emit('message', { type: 'ended', reason: 'host_ended' });
    await flush();
    expect(q(el, 'sl-ended-panel').audience).toBe('agent');
    expect(agent.closed).toBe(true);
  });

  it.each([
    ['salesforce', '/auth/salesforce?returnTo=%2Fconsole%2Fs1'],
    ['', '/console/s1?signin=choose'],
  ])('sends an agent whose sign-in expired to sign in again (crm "%s")', async (crm, target) => {
    me.mockRejectedValue(new (jest.requireMock('../../../../lib/api.js').ApiError)(401, 'x', 'no'));
    const assign = jest.fn();
    const original = window.location;
    delete window.location;
    window.location = { ...original, pathname: '/console/s1', search: '', assign };
    const el = createElement('sl-console-app', { is: ConsoleApp });
    el.sessionId = 's1';
    el.crm = crm;
    document.body.appendChild(el);
    await flush();
    window.location = original;
    expect(assign).toHaveBeenCalledWith(target);
    expect(sessionTicket).not.toHaveBeenCalled();
  });
});
