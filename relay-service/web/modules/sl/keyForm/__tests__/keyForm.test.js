import { createElement } from 'lwc';
import KeyForm, { normalizeKey } from 'sl/keyForm';

const flush = () => Promise.resolve();

function mount(props = {}) {
  const el = createElement('sl-key-form', { is: KeyForm });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

function type(el, value) {
  const input = el.shadowRoot.querySelector('input');
  input.value = value;
  input.dispatchEvent(new CustomEvent('input'));
  return input;
}

function submit(el) {
  el.shadowRoot.querySelector('form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));
}

describe('sl-key-form', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('renders a labelled key field and a Continue button', () => {
    const el = mount();
    const input = el.shadowRoot.querySelector('input');
    const label = el.shadowRoot.querySelector('label');
    expect(label.textContent).toBe('Session key');
    expect(label.getAttribute('for')).toBe(input.getAttribute('id'));
    expect(input.getAttribute('inputmode')).toBe('numeric');
    expect(el.shadowRoot.querySelector('button').textContent).toBe('Continue');
  });

  it('asks for the key when the field is empty and does not submit', async () => {
    const el = mount();
    const handler = jest.fn();
    el.addEventListener('submitkey', handler);
    submit(el);
    await flush();
    expect(handler).not.toHaveBeenCalled();
    expect(el.shadowRoot.querySelector('.error').textContent).toBe('Please enter the session key.');
    expect(el.shadowRoot.querySelector('input').getAttribute('aria-invalid')).toBe('true');
  });

  it('rejects letters and wrong lengths with a plain message', async () => {
    const el = mount();
    type(el, '12ab');
    submit(el);
    await flush();
    expect(el.shadowRoot.querySelector('.error').textContent).toBe('The session key has digits only.');
    type(el, '123');
    submit(el);
    await flush();
    expect(el.shadowRoot.querySelector('.error').textContent).toBe('The session key has 4 to 12 digits.');
  });

  it('submits a key read with spaces as digits only', async () => {
    const el = mount();
    const handler = jest.fn();
    el.addEventListener('submitkey', handler);
    type(el, '123 456');
    submit(el);
    await flush();
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0][0].detail).toEqual({ key: '123456' });
    expect(el.shadowRoot.querySelector('.error').textContent).toBe('');
  });

  it('shows the server error and a busy button', async () => {
    const el = mount({ error: 'That key does not match an active session.', busy: true });
    await flush();
    expect(el.shadowRoot.querySelector('.error').textContent).toBe('That key does not match an active session.');
    const button = el.shadowRoot.querySelector('button');
    expect(button.disabled).toBe(true);
    expect(button.textContent).toBe('Checking…');
  });

  it('puts the focus on the key field', () => {
    const el = mount();
    expect(el.shadowRoot.activeElement).toBe(el.shadowRoot.querySelector('input'));
  });

  it('normalizes keys', () => {
    expect(normalizeKey(' 12-34 56 ')).toBe('123456');
    expect(normalizeKey(undefined)).toBe('');
  });
});
