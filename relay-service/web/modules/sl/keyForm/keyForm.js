import { LightningElement, api } from 'lwc';

/** Digits only: people read keys with spaces or dashes ("123 456"). */
export function normalizeKey(raw) {
  return String(raw ?? '').replace(/[\s-]/g, '');
}

/**
 * Session key entry. Fires `submitkey` with `{key}` once the key looks valid.
 */
export default class KeyForm extends LightningElement {
  /** Error from the server (wrong key, rate limited), shown under the field. */
  @api error = '';
  /** True while the key is being checked. */
  @api busy = false;

  key = '';
  localError = '';

  get message() {
    return this.localError || this.error || '';
  }

  get ariaInvalid() {
    return this.message ? 'true' : 'false';
  }

  get buttonLabel() {
    return this.busy ? 'Checking…' : 'Continue';
  }

  renderedCallback() {
    // The page's one task: the key field takes the focus when the step appears.
    if (!this.focused) {
      this.focused = true;
      this.refs.input.focus();
    }
  }

  handleInput(event) {
    this.key = event.target.value;
    this.localError = '';
  }

  handleSubmit(event) {
    event.preventDefault();
    const key = normalizeKey(this.key);
    if (!key) this.localError = 'Please enter the session key.';
    else if (!/^\d+$/.test(key)) this.localError = 'The session key has digits only.';
    else if (key.length < 4 || key.length > 12) this.localError = 'The session key has 4 to 12 digits.';
    else this.localError = '';
    if (this.localError) {
      this.refs.input.focus();
      return;
    }
    this.dispatchEvent(new CustomEvent('submitkey', { detail: { key } }));
  }
}
