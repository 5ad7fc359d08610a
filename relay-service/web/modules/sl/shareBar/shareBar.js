import { LightningElement, api } from 'lwc';

/**
 * The always-visible sharing status: yellow while the screen is visible, red while the agent
 * controls it, grey when not sharing. Stop sharing / Resume sharing and Leave are one click away.
 * Fires `stopshare`, `resumeshare`, `leave`, `revokecontrol`.
 */
export default class ShareBar extends LightningElement {
  @api sharing = false;
  @api controlled = false;
  /** Shown while the connection recovers. */
  @api reconnecting = false;
  /** The start button's words: "Resume sharing", or "Share my camera" for a guest who never shared. */
  @api startLabel = 'Resume sharing';

  get barClass() {
    if (this.controlled) return 'bar controlled';
    return this.sharing ? 'bar visible' : 'bar idle';
  }

  get message() {
    const suffix = this.reconnecting ? ' (reconnecting…)' : '';
    if (this.controlled) return 'The agent is controlling your screen' + suffix;
    if (this.sharing) return 'Your screen is visible' + suffix;
    return 'Your screen is not shared' + suffix;
  }

  handleStop() {
    this.dispatchEvent(new CustomEvent('stopshare'));
  }
  handleResume() {
    this.dispatchEvent(new CustomEvent('resumeshare'));
  }
  handleLeave() {
    this.dispatchEvent(new CustomEvent('leave'));
  }
  handleRevoke() {
    this.dispatchEvent(new CustomEvent('revokecontrol'));
  }
}
