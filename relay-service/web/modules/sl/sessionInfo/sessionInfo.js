import { LightningElement, api } from 'lwc';

export const STATUS_TEXT = {
  waiting: 'Waiting for the customer',
  in_progress: 'In progress',
  customer_absent: 'Customer absent',
  ended: 'Ended',
  reconnecting: 'Reconnecting…',
  connecting: 'Connecting…',
};

/** The session key, join link (with copy buttons) and live status for the agent. */
export default class SessionInfo extends LightningElement {
  @api sessionKey = '';
  @api joinUrl = '';
  /** A session status, or 'reconnecting' / 'connecting' while the console's socket recovers. */
  @api status = 'connecting';

  copied = '';

  get displayKey() {
    return this.sessionKey ? this.sessionKey.replace(/(\d{3})(?=\d)/g, '$1 ') : 'no key (link only)';
  }
  get statusText() {
    return STATUS_TEXT[this.status] || this.status;
  }
  get statusClass() {
    return `status ${this.status}`;
  }

  handleCopyKey() {
    this.copy(this.sessionKey, 'Session key copied.');
  }
  handleCopyLink() {
    this.copy(this.joinUrl, 'Join link copied.');
  }

  async copy(text, done) {
    try {
      await navigator.clipboard.writeText(text);
      this.copied = done;
    } catch {
      this.copied = 'Copying is blocked here: select the text and copy it.';
    }
  }
}
