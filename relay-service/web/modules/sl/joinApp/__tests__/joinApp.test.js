import { createElement } from 'lwc';
import JoinApp from 'sl/joinApp';
import { lookupJoin, join, joinPresence } from '../../../../lib/api.js';
import { checkShareCapability } from '../../../../lib/capabilities.js';
import { GuestSession, requestCamera, requestScreen, ShareRefusedError } from '../../../../lib/guestSession.js';

jest.mock('../../../../lib/api.js', () => ({
  lookupJoin: jest.fn(),
  join: jest.fn(),
  joinPresence: jest.fn(() => Promise.resolve()),
}));
jest.mock('../../../../lib/capabilities.js', () => ({ checkShareCapability: jest.fn() }));
jest.mock('../../../../lib/guestSession.js', () => {
  class FakeShareRefusedError extends Error {}
  class FakeGuestSession extends EventTarget {
    constructor(joined) {
      super();
      this.joined = joined;
      this.sent = [];
      this.stream = null;
      FakeGuestSession.last = this;
    }
    connect(options) {
      this.connectOptions = options;
      return FakeGuestSession.refuseResume && options?.resuming
        ? Promise.reject(new Error('refused'))
        : Promise.resolve();
    }
    get sharing() {
      return !!this.stream;
    }
    consent(view, recording) {
      this.sent.push({ type: 'consent', view, recording });
      if (!view) queueMicrotask(() => this.emit('message', { type: 'ended', reason: 'consent_refused' }));
    }
    recordingConsent(allow) {
      this.sent.push({ type: 'recording-consent', allow });
    }
    shareRefused() {
      this.sent.push({ type: 'share-refused' });
      queueMicrotask(() => this.emit('message', { type: 'ended', reason: 'share_refused' }));
    }
    startSharing(stream) {
      this.stream = stream;
      this.emit('sharing', true);
    }
    stopSharing() {
      this.stream = null;
      this.emit('sharing', false);
    }
    chat(text) {
      this.sent.push({ type: 'chat', text });
      return true;
    }
    grantControl(participantId) {
      this.sent.push({ type: 'control-grant', participantId });
    }
    revokeControl() {
      this.sent.push({ type: 'control-revoke' });
    }
    leave() {
      this.sent.push({ type: 'leave' });
    }
    dispose() {}
    emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }
  }
  return {
    GuestSession: FakeGuestSession,
    ShareRefusedError: FakeShareRefusedError,
    requestScreen: jest.fn(),
    requestCamera: jest.fn(),
  };
});

// Lets the component's awaited promises and re-renders settle.
const flush = async () => {
  // eslint-disable-next-line no-await-in-loop, @lwc/lwc/no-async-operation
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
const q = (root, s) => root.shadowRoot.querySelector(s);

const LOOKUP = {
  sessionId: 's1',
  recordLabel: 'Case 00001001',
  hostName: 'Alex Agent',
  contactFields: { name: 'required', email: 'optional', phone: 'off' },
  recordingPrompt: true,
  terms: 'Terms text',
};
const TICKET = 'tkt_0123456789abcdefghijk';
const fakeStream = () => ({ getTracks: () => [{ stop: jest.fn() }] });

function mount(props = {}) {
  const el = createElement('sl-join-app', { is: JoinApp });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

async function throughConsent(el, { refuseShare = false, recordingAsked = true } = {}) {
  const contact = q(el, 'sl-contact-form');
  contact.dispatchEvent(new CustomEvent('submitcontact', { detail: { contact: { name: 'Ada' } } }));
  await flush();
  if (refuseShare) requestScreen.mockRejectedValue(new ShareRefusedError('no'));
  else requestScreen.mockResolvedValue(fakeStream());
  q(el, 'sl-consent-form').dispatchEvent(
    new CustomEvent('accept', { detail: { recording: recordingAsked ? true : undefined } }),
  );
  await flush();
}

describe('sl-join-app', () => {
  beforeAll(() => {
    // jsdom has no media playback; the preview only needs play() to resolve.
    window.HTMLMediaElement.prototype.play = () => Promise.resolve();
  });
  beforeEach(() => {
    checkShareCapability.mockReturnValue({ ok: true });
    lookupJoin.mockResolvedValue(LOOKUP);
    join.mockResolvedValue({
      participantId: 'g1',
      ticket: TICKET,
      wsUrl: '/ws',
      recordingPrompt: true,
      waiting: false,
    });
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    localStorage.clear();
    GuestSession.refuseResume = false;
  });

  it('says in plain words when the browser cannot share', async () => {
    checkShareCapability.mockReturnValue({ ok: false, reason: 'Use the desktop client.' });
    const el = mount();
    await flush();
    const ended = q(el, 'sl-ended-panel');
    expect(ended.reason).toBe('unsupported');
    expect(ended.detail).toBe('Use the desktop client.');
  });

  it('asks for the key, and shows a clear message for a wrong key', async () => {
    lookupJoin.mockRejectedValue(Object.assign(new Error('not found'), { status: 404 }));
    const el = mount();
    q(el, 'sl-key-form').dispatchEvent(new CustomEvent('submitkey', { detail: { key: '0000' } }));
    await flush();
    expect(lookupJoin).toHaveBeenCalledWith({ key: '0000' });
    expect(q(el, 'sl-key-form').error).toBe(
      'That key does not match an active session. Check the digits with your agent and try again.',
    );
  });

  it('tells the customer to wait after too many wrong keys', async () => {
    lookupJoin.mockRejectedValue(Object.assign(new Error('limited'), { status: 429, retryAfterSeconds: 30 }));
    const el = mount();
    q(el, 'sl-key-form').dispatchEvent(new CustomEvent('submitkey', { detail: { key: '0000' } }));
    await flush();
    expect(q(el, 'sl-key-form').error).toBe('Too many attempts with wrong keys. Please wait 30 seconds and try again.');
  });

  it('goes from the link to contact details, consent, the share prompt and sharing', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    expect(lookupJoin).toHaveBeenCalledWith({ token: 'tok_abcdefghijklmnopqrstu' });
    expect(q(el, 'sl-contact-form').fields).toEqual(LOOKUP.contactFields);
    await throughConsent(el);
    expect(join).toHaveBeenCalledWith({
      token: 'tok_abcdefghijklmnopqrstu',
      contact: { name: 'Ada' },
      acceptedTerms: true,
    });
    const session = GuestSession.last;
    expect(session.sent[0]).toEqual({ type: 'consent', view: true, recording: true });
    const bar = q(el, 'sl-share-bar');
    expect(bar.sharing).toBe(true);
    expect(bar.controlled).toBe(false);
    expect(q(el, 'h1').textContent).toBe('You are sharing your screen');
  });

  it('skips the contact step when the policy asks for nothing', async () => {
    lookupJoin.mockResolvedValue({ ...LOOKUP, contactFields: { name: 'off', email: 'off', phone: 'off' } });
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    expect(q(el, 'sl-contact-form')).toBeNull();
    expect(q(el, 'sl-consent-form').recordingPrompt).toBe(true);
  });

  it('stops, resumes, chats, answers a control request truthfully and shows control in red', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(el);
    const session = GuestSession.last;
    session.emit('message', { type: 'welcome', participantId: 'g1' });
    session.emit('session', { status: 'in_progress', controllerId: null, participants: [] });
    q(el, 'sl-share-bar').dispatchEvent(new CustomEvent('stopshare'));
    await flush();
    expect(q(el, 'sl-share-bar').sharing).toBe(false);
    requestScreen.mockResolvedValue(fakeStream());
    q(el, 'sl-share-bar').dispatchEvent(new CustomEvent('resumeshare'));
    await flush();
    expect(q(el, 'sl-share-bar').sharing).toBe(true);

    session.emit('message', { type: 'chat', from: 'h1', fromName: 'Alex Agent', text: 'Hi Ada', at: '' });
    q(el, 'sl-chat-panel').dispatchEvent(new CustomEvent('send', { detail: { text: 'Hello' } }));
    await flush();
    expect(q(el, 'sl-chat-panel').messages.map((m) => `${m.fromName}: ${m.text}`)).toEqual([
      'Alex Agent: Hi Ada',
      'You: Hello',
    ]);

    // In the browser the agent can only point: the prompt says so and offers the desktop app instead of a
    // grant that would turn the bar red while nothing can be controlled.
    session.emit('message', { type: 'control-request', from: 'h1', fromName: 'Alex Agent' });
    await flush();
    const prompt = q(el, '[role="alertdialog"]');
    expect(prompt.textContent).toContain('In the browser Alex Agent can only point');
    expect(prompt.querySelector('sl-desktop-offer')).not.toBeNull();
    const labels = [...prompt.querySelectorAll('button')].map((b) => b.textContent);
    expect(labels).toEqual(['Not now']);
    prompt.querySelector('button').click();
    await flush();
    expect(q(el, '[role="alertdialog"]')).toBeNull();
    expect(session.sent.filter((m) => m.type === 'control-grant')).toEqual([]);
    // Control given from the desktop app shows in red here, with the way to take it back.
    session.emit('session', { status: 'in_progress', controllerId: 'h1' });
    await flush();
    expect(q(el, 'sl-share-bar').controlled).toBe(true);

    session.emit('session', {
      status: 'in_progress',
      controllerId: null,
      participants: [{ id: 'h1', role: 'host', displayName: 'Alex Agent', connected: false }],
    });
    await flush();
    expect(q(el, '.status p').textContent).toBe("Alex Agent's connection dropped; they are reconnecting…");

    session.emit('state', 'reconnecting');
    await flush();
    expect(q(el, 'sl-share-bar').reconnecting).toBe(true);
    expect(q(el, 'h1').textContent).toBe('Reconnecting…');
  });

  it('asks about recording when the agent starts it after the customer joined unasked, and sends the answer once', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(el, { recordingAsked: false });
    const session = GuestSession.last;
    expect(session.sent[0]).toEqual({ type: 'consent', view: true, recording: undefined });
    expect(q(el, 'sl-recording-question')).toBeNull();
    session.emit('session', { status: 'in_progress', recording: 'asking' });
    await flush();
    const question = q(el, 'sl-recording-question');
    expect(question.hostName).toBe('Alex Agent');
    question.dispatchEvent(new CustomEvent('answer', { detail: { allow: false } }));
    await flush();
    expect(session.sent.filter((m) => m.type === 'recording-consent')).toEqual([
      { type: 'recording-consent', allow: false },
    ]);
    // Gone at once, and not shown again while another customer is still being asked.
    expect(q(el, 'sl-recording-question')).toBeNull();
    session.emit('session', { status: 'in_progress', recording: 'asking' });
    await flush();
    expect(q(el, 'sl-recording-question')).toBeNull();
  });

  it('a customer who answered the recording prompt when joining is not asked again', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(el);
    GuestSession.last.emit('session', { status: 'in_progress', recording: 'asking' });
    await flush();
    expect(q(el, 'sl-recording-question')).toBeNull();
  });

  it('leaves with one click and shows the ended screen', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(el);
    q(el, 'sl-share-bar').dispatchEvent(new CustomEvent('leave'));
    await flush();
    expect(GuestSession.last.sent).toContainEqual({ type: 'leave' });
    expect(q(el, 'sl-ended-panel').reason).toBe('left');
    expect(q(el, 'sl-share-bar')).toBeNull();
  });

  it('ends politely when the customer refuses the share prompt', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(el, { refuseShare: true });
    expect(GuestSession.last.sent).toEqual([{ type: 'share-refused' }]);
    expect(q(el, 'sl-ended-panel').reason).toBe('share_refused');
  });

  it('joins only to refuse when the customer declines after accepting the terms', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    q(el, 'sl-contact-form').dispatchEvent(new CustomEvent('submitcontact', { detail: { contact: { name: 'Ada' } } }));
    await flush();
    q(el, 'sl-consent-form').dispatchEvent(new CustomEvent('decline', { detail: { acceptedTerms: true } }));
    await flush();
    expect(join).toHaveBeenCalledTimes(1);
    expect(GuestSession.last.sent).toEqual([{ type: 'consent', view: false, recording: undefined }]);
    expect(q(el, 'sl-ended-panel').reason).toBe('consent_refused');
  });

  it('ends without joining when the customer declines before accepting the terms', async () => {
    lookupJoin.mockResolvedValue({ ...LOOKUP, contactFields: { name: 'off', email: 'off', phone: 'off' } });
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    q(el, 'sl-consent-form').dispatchEvent(new CustomEvent('decline', { detail: { acceptedTerms: false } }));
    await flush();
    expect(join).not.toHaveBeenCalled();
    expect(q(el, 'sl-ended-panel').reason).toBe('declined');
  });

  it('on a phone: says so before the key, and shares the camera instead of the screen', async () => {
    checkShareCapability.mockReturnValue({
      ok: true,
      source: 'camera',
      reason: 'This browser cannot share its screen.',
    });
    const el = mount();
    await flush();
    expect(q(el, 'sl-key-form')).not.toBeNull();
    expect(q(el, '.notice').textContent).toBe('This browser cannot share its screen.');
    lookupJoin.mockResolvedValue(LOOKUP);
    q(el, 'sl-key-form').dispatchEvent(new CustomEvent('submitkey', { detail: { key: '123456' } }));
    await flush();
    expect(q(el, '.notice')).not.toBeNull();
    expect(q(el, 'sl-contact-form')).not.toBeNull();
    q(el, 'sl-contact-form').dispatchEvent(new CustomEvent('submitcontact', { detail: { contact: { name: 'Ada' } } }));
    await flush();
    expect(q(el, 'sl-consent-form').source).toBe('camera');
    requestCamera.mockResolvedValue(fakeStream());
    q(el, 'sl-consent-form').dispatchEvent(new CustomEvent('accept', { detail: { recording: true } }));
    await flush();
    expect(requestCamera).toHaveBeenCalled();
    expect(requestScreen).not.toHaveBeenCalled();
    expect(q(el, 'h1').textContent).toBe('You are sharing your camera');
    expect(q(el, '.notice')).toBeNull();
  });

  it('tells the agent each step before joining: details, consent with the name typed, declined', async () => {
    const link = { token: 'tok_abcdefghijklmnopqrstu' };
    const el = mount(link);
    await flush();
    expect(joinPresence.mock.calls).toEqual([[link, 'details']]);
    q(el, 'sl-contact-form').dispatchEvent(new CustomEvent('submitcontact', { detail: { contact: { name: 'Ada' } } }));
    await flush();
    expect(joinPresence.mock.calls.at(-1)).toEqual([link, 'consent', 'Ada']);
    q(el, 'sl-consent-form').dispatchEvent(new CustomEvent('decline', { detail: { acceptedTerms: false } }));
    await flush();
    expect(joinPresence.mock.calls.at(-1)).toEqual([link, 'declined', 'Ada']);
    expect(join).not.toHaveBeenCalled();
  });

  it('an expired or unknown link ends on "this link does not open a session", not a lost connection', async () => {
    lookupJoin.mockRejectedValue(Object.assign(new Error('not found'), { status: 404 }));
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    expect(q(el, 'sl-ended-panel').reason).toBe('invalid_link');
    expect(q(el, 'sl-ended-panel').shared).toBe(false);
  });

  it('the end screen knows whether the customer shared', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(el);
    GuestSession.last.emit('message', { type: 'ended', reason: 'host_ended' });
    await flush();
    expect(q(el, 'sl-ended-panel').shared).toBe(true);
  });

  it('reopening the link on the same device resumes as the same participant: no details or consent again', async () => {
    const first = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(first);
    expect(join).toHaveBeenCalledTimes(1);
    document.body.removeChild(first); // the tab is closed

    const again = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    expect(join).toHaveBeenCalledTimes(1);
    expect(GuestSession.last.joined).toMatchObject({ participantId: 'g1', ticket: TICKET, wsUrl: '/ws' });
    expect(GuestSession.last.connectOptions).toEqual({ resuming: true });
    expect(q(again, 'sl-contact-form')).toBeNull();
    expect(q(again, 'sl-consent-form')).toBeNull();
    expect(q(again, 'sl-share-bar').sharing).toBe(false); // sharing again needs the customer's click
    expect(JSON.stringify(localStorage)).not.toContain('Ada'); // no contact details kept
  });

  it('a saved place the relay no longer knows is forgotten, and the customer joins afresh', async () => {
    const first = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(first);
    document.body.removeChild(first);
    GuestSession.refuseResume = true;
    const again = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    expect(q(again, 'sl-contact-form')).not.toBeNull();
    expect(localStorage.length).toBe(0);
  });

  it('leaving forgets the saved place: the link then asks again', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(el);
    expect(localStorage.length).toBe(1);
    q(el, 'sl-share-bar').dispatchEvent(new CustomEvent('leave'));
    await flush();
    expect(localStorage.length).toBe(0);
  });

  it('shows the end the relay announces', async () => {
    const el = mount({ token: 'tok_abcdefghijklmnopqrstu' });
    await flush();
    await throughConsent(el);
    GuestSession.last.emit('message', { type: 'ended', reason: 'host_ended' });
    await flush();
    expect(q(el, 'sl-ended-panel').reason).toBe('host_ended');
  });
});
