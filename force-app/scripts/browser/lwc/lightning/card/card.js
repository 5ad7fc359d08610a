// Stand-in for lightning-card in the sandbox build (title and body slot).
import { LightningElement, api } from 'lwc';

export default class Card extends LightningElement {
  @api title;
  @api iconName;
}
