import { createElement } from 'lwc';
import ChatPanel from 'sl/chatPanel';

const flush = () => Promise.resolve();

function mount(props = {}) {
  const el = createElement('sl-chat-panel', { is: ChatPanel });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

function write(el, text) {
  const box = el.shadowRoot.querySelector('textarea');
  box.value = text;
  box.dispatchEvent(new CustomEvent('input'));
  return box;
}

describe('sl-chat-panel', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('lists messages in a polite live region', () => {
    const el = mount({
      messages: [
        { id: '1', fromName: 'Alex', text: 'Hello', mine: false },
        { id: '2', fromName: 'You', text: 'Hi', mine: true },
      ],
    });
    const list = el.shadowRoot.querySelector('ol');
    expect(list.getAttribute('aria-live')).toBe('polite');
    const items = [...list.querySelectorAll('li')];
    expect(items.map((li) => li.textContent)).toEqual(['AlexHello', 'YouHi']);
    expect(items[1].className).toBe('mine');
  });

  it('shows when each message was written', () => {
    const at = '2026-11-21T09:05:00.000Z';
    const el = mount({ messages: [{ id: '1', fromName: 'Alex', text: 'Hello', mine: false, at }] });
    const time = el.shadowRoot.querySelector('li time');
    expect(time.getAttribute('datetime')).toBe(at);
    expect(time.textContent).toBe(
      new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(at)),
    );
    expect(time.textContent).toMatch(/\d{1,2}.\d{2}/);
  });

  it('shows the empty text when there are no messages', () => {
    const el = mount({ emptyText: 'Nothing yet' });
    expect(el.shadowRoot.querySelector('.empty').textContent).toBe('Nothing yet');
  });

  it('sends on Enter and clears the box', async () => {
    const el = mount();
    const handler = jest.fn();
    el.addEventListener('send', handler);
    const box = write(el, '  my printer is offline ');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
    await flush();
    expect(handler.mock.calls[0][0].detail).toEqual({ text: 'my printer is offline' });
    expect(box.value).toBe('');
  });

  it('keeps Shift+Enter for a new line and refuses empty messages', async () => {
    const el = mount();
    const handler = jest.fn();
    el.addEventListener('send', handler);
    const box = write(el, '   ');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true }));
    el.shadowRoot.querySelector('form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));
    await flush();
    expect(handler).not.toHaveBeenCalled();
    expect(el.shadowRoot.querySelector('.error').textContent).toBe('Write something first.');
  });

  it('labels the box and disables it on request', async () => {
    const el = mount({ placeholder: 'Write a private note', disabled: true });
    await flush();
    const box = el.shadowRoot.querySelector('textarea');
    expect(el.shadowRoot.querySelector('label').textContent).toBe('Write a private note');
    expect(box.disabled).toBe(true);
  });
});
