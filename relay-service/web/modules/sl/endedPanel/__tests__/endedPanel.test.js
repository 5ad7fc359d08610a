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
    const el = mount({ reason: 'host_ended' });
    expect(el.shadowRoot.querySelector('h1').textContent).toBe('The session has ended');
    expect(el.shadowRoot.textContent).toContain('Your screen is no longer shared');
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
