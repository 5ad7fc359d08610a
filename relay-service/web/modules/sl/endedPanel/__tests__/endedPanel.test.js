import { createElement } from 'lwc';
import EndedPanel from 'sl/endedPanel';

function mount(props) {
  const el = createElement('sl-ended-panel', { is: EndedPanel });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

describe('sl-ended-panel', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('tells the customer the agent ended it and that nothing is shared any more', () => {
    const el = mount({ reason: 'host_ended', shared: true });
    expect(el.shadowRoot.querySelector('h1').textContent).toBe('The session has ended');
    expect(el.shadowRoot.textContent).toContain('Your screen is no longer shared');
  });

  it('never tells someone who did not share that their screen is no longer shared', () => {
    for (const reason of ['invalid_link', 'declined', 'expired', 'failed', 'left']) {
      const el = mount({ reason });
      expect(el.shadowRoot.textContent).not.toContain('no longer shared');
      expect(el.shadowRoot.textContent).toContain('you can close this page');
    }
  });

  it('says no sentence twice (title, explanation, closing)', () => {
    const reasons = ['host_ended', 'last_guest_left', 'left', 'expired', 'consent_refused', 'declined', 'denied'];
    for (const audience of ['guest', 'agent']) {
      for (const reason of reasons) {
        const el = mount({ reason, audience, shared: true });
        const lines = [...el.shadowRoot.querySelectorAll('h1, p')].map((n) => n.textContent.trim().toLowerCase());
        const words = (t) => t.replace(/[^a-z ]/g, '').replace(/\b(you have|you)\b/g, 'you');
        expect(new Set(lines.map(words)).size).toBe(lines.length);
        // "You left the session" and "You have left the session." are the same sentence.
        expect(lines.some((l, i) => lines.some((m, j) => i !== j && words(m).includes(words(l))))).toBe(false);
      }
    }
  });

  it('an invalid or expired link says so, not "the connection was lost"', () => {
    const el = mount({ reason: 'invalid_link', detail: 'This link does not open an active session.' });
    expect(el.shadowRoot.querySelector('h1').textContent).toBe('This link does not open a session');
    expect(el.shadowRoot.textContent).not.toContain('connection');
  });

  it("the agent's console on expiry tells the agent what to do, not to ask their agent", () => {
    const el = mount({ reason: 'expired', audience: 'agent' });
    expect(el.shadowRoot.querySelector('h1').textContent).toBe('The session expired');
    expect(el.shadowRoot.textContent).not.toMatch(/ask your agent/i);
    expect(el.shadowRoot.textContent).toContain('Start a new one from the record');
  });

  it('moves focus to the title so screen readers announce it', () => {
    const el = mount({ reason: 'left' });
    expect(el.shadowRoot.activeElement).toBe(el.shadowRoot.querySelector('h1'));
  });

  it('explains a refusal politely, to each audience', () => {
    const guest = mount({ reason: 'consent_refused' });
    expect(guest.shadowRoot.querySelector('h1').textContent).toBe('You chose not to share');
    const agent = mount({ reason: 'consent_refused', audience: 'agent' });
    expect(agent.shadowRoot.querySelector('h1').textContent).toBe('The customer declined');
  });

  it('shows a capability message in plain words', () => {
    const el = mount({ reason: 'unsupported', detail: 'Please use a current browser.' });
    expect(el.shadowRoot.querySelector('h1').textContent).toBe('This browser cannot share a screen');
    expect(el.shadowRoot.textContent).toContain('Please use a current browser.');
  });
});
