import { createElement } from 'lwc';
import SessionInfo from 'sl/sessionInfo';

// eslint-disable-next-line @lwc/lwc/no-async-operation
const flush = () => new Promise((r) => setTimeout(r, 0));

function mount(props) {
  const el = createElement('sl-session-info', { is: SessionInfo });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

describe('sl-session-info', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('shows the key in readable groups, the link and the status', () => {
    const el = mount({ sessionKey: '123456', joinUrl: 'http://relay/j/abc', status: 'waiting' });
    expect(el.shadowRoot.querySelector('.key').textContent).toBe('123 456');
    expect(el.shadowRoot.querySelector('input').value).toBe('http://relay/j/abc');
    expect(el.shadowRoot.querySelector('.status').textContent).toBe('Waiting for the customer');
  });

  it.each([
    ['in_progress', 'In progress'],
    ['customer_absent', 'Customer absent'],
    ['ended', 'Ended'],
    ['reconnecting', 'Reconnecting…'],
  ])('status %s reads "%s"', (status, text) => {
    const el = mount({ status });
    expect(el.shadowRoot.querySelector('.status').textContent).toBe(text);
    expect(el.shadowRoot.querySelector('.status').className).toBe(`status ${status}`);
  });

  it('copies the key and the link to the clipboard', async () => {
    const writeText = jest.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const el = mount({ sessionKey: '4321', joinUrl: 'http://relay/j/tok' });
    const [copyKey, copyLink] = el.shadowRoot.querySelectorAll('button');
    copyKey.click();
    await flush();
    expect(el.shadowRoot.querySelector('.copied').textContent).toBe('Session key copied.');
    copyLink.click();
    await flush();
    expect(writeText.mock.calls).toEqual([['4321'], ['http://relay/j/tok']]);
    expect(el.shadowRoot.querySelector('.copied').textContent).toBe('Join link copied.');
  });

  it('says when there is no key', () => {
    const el = mount({ sessionKey: '' });
    expect(el.shadowRoot.querySelector('.key').textContent).toBe('no key (link only)');
  });
});
