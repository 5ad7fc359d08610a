// Stand-in for lightning-button in the sandbox build. A disabled native button fires no click.
import { LightningElement, api } from 'lwc';

export default class Button extends LightningElement {
  @api label;
  @api variant = 'neutral';
  @api disabled = false;

  get className() {
    return `slds-button slds-button_${this.variant}`;
  }
}
