import { LightningElement, api } from 'lwc';

/**
 * The recording question for a customer already in the session: the agent started recording after
 * they joined (snapshot `recording: 'asking'`), and nothing is recorded until they answer. Sends
 * `answer` with `{ allow }` once; the relay takes one answer per customer.
 */
export default class RecordingQuestion extends LightningElement {
  /** Who asks (the agent's name). */
  @api hostName = 'your agent';
  answered = false;
  focused = false;

  renderedCallback() {
    if (this.focused) return;
    this.focused = true;
    this.template.querySelector('h2')?.focus();
  }

  handleAllow() {
    this.answer(true);
  }

  handleRefuse() {
    this.answer(false);
  }

  answer(allow) {
    if (this.answered) return;
    this.answered = true;
    this.dispatchEvent(new CustomEvent('answer', { detail: { allow } }));
  }
}
