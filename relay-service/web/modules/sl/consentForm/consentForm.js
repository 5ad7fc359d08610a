import { LightningElement, api } from 'lwc';

/**
 * Terms, the recording prompt (allow / refuse) and the decision to share.
 * Fires `accept` with `{recording, chatOnly}` (recording: boolean, or undefined when not asked;
 * chatOnly: join without sharing, offered on a phone) and `decline` with `{acceptedTerms}`.
 */
export default class ConsentForm extends LightningElement {
  @api hostName = 'your agent';
  @api terms = '';
  /** True when the customer must allow or refuse the recording. */
  @api recordingPrompt = false;
  @api busy = false;
  /** What is shared: 'screen', or 'camera' on a phone (no screen capture there). */
  @api source = 'screen';

  get what() {
    return this.source === 'camera' ? 'camera' : 'screen';
  }
  /** A phone guest may join to chat only: its camera is an offer, not the point of the session. */
  get offerChatOnly() {
    return this.source === 'camera';
  }
  get pickText() {
    return this.source === 'camera'
      ? 'When you continue, your browser asks to use the camera.'
      : 'When you continue, your browser asks which screen, window or tab to share.';
  }

  accepted = false;
  /** @type {'allow' | 'refuse' | ''} */
  recording = '';
  acceptError = '';
  recordingError = '';

  get acceptInvalid() {
    return this.acceptError ? 'true' : 'false';
  }
  get recordingAllowed() {
    return this.recording === 'allow';
  }
  get recordingRefused() {
    return this.recording === 'refuse';
  }

  renderedCallback() {
    // A new step: its heading takes the focus so screen readers announce it and Tab goes on from it.
    if (!this.focused) {
      this.focused = true;
      this.refs.title.focus();
    }
  }

  handleAccept(event) {
    this.accepted = event.target.checked;
    if (this.accepted) this.acceptError = '';
  }

  handleRecording(event) {
    this.recording = event.target.value;
    this.recordingError = '';
  }

  handleShare(event) {
    event.preventDefault();
    this.submit(false);
  }

  handleChatOnly() {
    this.submit(true);
  }

  /** @param {boolean} chatOnly */
  submit(chatOnly) {
    this.acceptError = this.accepted
      ? ''
      : chatOnly
        ? 'Please accept the terms to join the session.'
        : `Please accept the terms to share your ${this.what}.`;
    this.recordingError =
      this.recordingPrompt && !this.recording ? 'Please choose whether the session may be recorded.' : '';
    if (this.acceptError || this.recordingError) {
      const target = this.template.querySelector(
        this.acceptError ? 'input[type="checkbox"]' : 'input[name="recording"]',
      );
      if (target) target.focus();
      return;
    }
    const recording = this.recordingPrompt ? this.recording === 'allow' : undefined;
    this.dispatchEvent(new CustomEvent('accept', { detail: { recording, chatOnly } }));
  }

  handleDecline() {
    this.dispatchEvent(new CustomEvent('decline', { detail: { acceptedTerms: this.accepted } }));
  }
}
