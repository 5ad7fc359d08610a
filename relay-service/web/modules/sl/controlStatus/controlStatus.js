import { LightningElement } from 'lwc';

/** Shown while the agent controls the customer's screen; fires `giveback` to hand control back. */
export default class ControlStatus extends LightningElement {
  handleGiveBack() {
    this.dispatchEvent(new CustomEvent('giveback'));
  }
}
