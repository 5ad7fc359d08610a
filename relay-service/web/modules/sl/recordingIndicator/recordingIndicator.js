import { LightningElement, api } from 'lwc';

/**
 * Tells the customer the session is being recorded, for as long as the recording runs (the
 * session snapshot's `recording` is 'on'); nothing otherwise.
 */
export default class RecordingIndicator extends LightningElement {
  /** The snapshot's recording state: 'on', 'off', 'asking', 'refused' or 'not_allowed'. */
  @api state = 'off';

  get recording() {
    return this.state === 'on';
  }
}
