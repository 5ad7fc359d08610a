import { createElement } from 'lwc';
import ContactForm, { validateField } from 'sl/contactForm';

const flush = () => Promise.resolve();

function mount(fields) {
  const el = createElement('sl-contact-form', { is: ContactForm });
  el.fields = fields;
  document.body.appendChild(el);
  return el;
}

function input(el, name) {
  return el.shadowRoot.querySelector(`input[data-name="${name}"]`);
}

function type(el, name, value) {
  const field = input(el, name);
  field.value = value;
  field.dispatchEvent(new CustomEvent('input'));
}

function submit(el) {
  el.shadowRoot.querySelector('form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));
}

function errorOf(el, name) {
  return input(el, name).parentElement.querySelector('.error').textContent;
}

describe('sl-contact-form', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('shows only the fields the policy asks for, marked required or optional', () => {
    const el = mount({ name: 'required', email: 'optional', phone: 'off' });
    const labels = [...el.shadowRoot.querySelectorAll('label')].map((l) => l.textContent);
    expect(labels).toEqual(['Your name (required)', 'Email address (optional)']);
    expect(input(el, 'phone')).toBeNull();
    expect(input(el, 'name').required).toBe(true);
    expect(input(el, 'email').type).toBe('email');
    expect(input(el, 'name').getAttribute('autocomplete')).toBe('name');
  });

  it('explains each invalid field inline and does not submit', async () => {
    const el = mount({ name: 'required', email: 'required', phone: 'optional' });
    const handler = jest.fn();
    el.addEventListener('submitcontact', handler);
    type(el, 'email', 'not-an-email');
    type(el, 'phone', 'call me');
    submit(el);
    await flush();
    expect(handler).not.toHaveBeenCalled();
    expect(errorOf(el, 'name')).toBe('Please enter your name.');
    expect(errorOf(el, 'email')).toBe('Please enter an email address like name@example.com.');
    expect(errorOf(el, 'phone')).toBe('Please enter a phone number of digits, spaces, dashes, dots or brackets.');
    expect(input(el, 'email').getAttribute('aria-invalid')).toBe('true');
  });

  it('clears a field error as the customer corrects it', async () => {
    const el = mount({ name: 'required', email: 'off', phone: 'off' });
    submit(el);
    await flush();
    expect(errorOf(el, 'name')).toBe('Please enter your name.');
    type(el, 'name', 'Ada');
    await flush();
    expect(errorOf(el, 'name')).toBe('');
  });

  it('submits trimmed values and leaves out empty optional fields', async () => {
    const el = mount({ name: 'required', email: 'required', phone: 'optional' });
    const handler = jest.fn();
    el.addEventListener('submitcontact', handler);
    type(el, 'name', '  Ada Lovelace ');
    type(el, 'email', 'ada@example.com');
    submit(el);
    await flush();
    expect(handler.mock.calls[0][0].detail).toEqual({ contact: { name: 'Ada Lovelace', email: 'ada@example.com' } });
  });

  it('puts the focus on the first field', () => {
    const el = mount({ name: 'off', email: 'required', phone: 'optional' });
    expect(el.shadowRoot.activeElement).toBe(input(el, 'email'));
  });

  it('validates values like the relay does', () => {
    expect(validateField('phone', '+44 (20) 7946-0958', 'optional')).toBe('');
    expect(validateField('email', '', 'optional')).toBe('');
    expect(validateField('name', 'x'.repeat(121), 'optional')).toMatch(/120/);
  });
});
