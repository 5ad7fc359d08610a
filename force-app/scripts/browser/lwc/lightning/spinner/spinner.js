// Stand-in for lightning-spinner in the sandbox build.
import { LightningElement, api } from 'lwc';

export default class Spinner extends LightningElement {
  @api alternativeText;
  @api size;
}
