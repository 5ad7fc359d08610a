import { LightningElement, api } from 'lwc';

const FIELDS = [
  { name: 'name', label: 'Your name', type: 'text', autocomplete: 'name', max: 120 },
  { name: 'email', label: 'Email address', type: 'email', autocomplete: 'email', max: 254 },
  { name: 'phone', label: 'Phone number', type: 'tel', autocomplete: 'tel', max: 32 },
];
// Same rules as the relay's contact schema, so the customer hears about mistakes before sending.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{5,32}$/;

/**
 * Validates one contact value.
 * @param {string} name field name
 * @param {string} value trimmed value
 * @param {'off'|'optional'|'required'} mode
 * @returns {string} error message, or '' when valid
 */
export function validateField(name, value, mode) {
  if (!value) return mode === 'required' ? `Please enter your ${name === 'name' ? 'name' : name}.` : '';
  if (name === 'name' && value.length > 120) return 'Please use at most 120 characters.';
  if (name === 'email' && (!EMAIL.test(value) || value.length > 254))
    return 'Please enter an email address like name@example.com.';
  if (name === 'phone' && !PHONE.test(value))
    return 'Please enter a phone number of digits, spaces, dashes, dots or brackets.';
  return '';
}

/**
 * Contact details as the session's policy asks (each off, optional or required).
 * Fires `submitcontact` with `{contact}` (only the fields given).
 */
export default class ContactForm extends LightningElement {
  /** `{name, email, phone}`: each 'off' | 'optional' | 'required'. */
  @api fields = { name: 'off', email: 'off', phone: 'off' };
  @api busy = false;

  values = { name: '', email: '', phone: '' };
  errors = { name: '', email: '', phone: '' };

  get intro() {
    return 'Your agent’s organisation asks for these details. They become part of the session record.';
  }

  get visibleFields() {
    return FIELDS.filter((f) => (this.fields?.[f.name] ?? 'off') !== 'off').map((f) => {
      const required = this.fields[f.name] === 'required';
      return {
        ...f,
        required,
        suffix: required ? ' (required)' : ' (optional)',
        value: this.values[f.name],
        error: this.errors[f.name],
        invalid: this.errors[f.name] ? 'true' : 'false',
        errorId: `${f.name}-error`,
      };
    });
  }

  renderedCallback() {
    // A new step: the first field takes the focus so keyboard users continue where they are.
    if (!this.focused) {
      const first = this.template.querySelector('input');
      if (first) {
        this.focused = true;
        first.focus();
      }
    }
  }

  handleInput(event) {
    const name = event.target.dataset.name;
    this.values = { ...this.values, [name]: event.target.value };
    if (this.errors[name]) this.errors = { ...this.errors, [name]: '' };
  }

  handleSubmit(event) {
    event.preventDefault();
    const errors = { name: '', email: '', phone: '' };
    const contact = {};
    for (const f of FIELDS) {
      const mode = this.fields?.[f.name] ?? 'off';
      if (mode === 'off') continue;
      const value = this.values[f.name].trim();
      errors[f.name] = validateField(f.name, value, mode);
      if (value) contact[f.name] = value;
    }
    this.errors = errors;
    const firstInvalid = FIELDS.find((f) => errors[f.name]);
    if (firstInvalid) {
      const input = this.template.querySelector(`input[data-name="${firstInvalid.name}"]`);
      if (input) input.focus();
      return;
    }
    this.dispatchEvent(new CustomEvent('submitcontact', { detail: { contact } }));
  }
}
