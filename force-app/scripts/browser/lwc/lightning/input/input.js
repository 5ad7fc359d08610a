// Stand-in for lightning-input in the sandbox build: like the real one it fires `change` (with
// detail.value) on every edit, and exposes the current value on the element.
import { LightningElement, api } from 'lwc';

export default class Input extends LightningElement {
  @api label;
  @api type = 'text';
  current = '';

  @api
  get value() {
    return this.current;
  }
  set value(v) {
    this.current = v === null || v === undefined ? '' : String(v);
  }

  handleInput(event) {
    this.current = event.target.value;
    this.dispatchEvent(new CustomEvent('change', { detail: { value: this.current } }));
  }
}
