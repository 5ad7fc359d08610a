import { LightningElement, api } from 'lwc';

/** The guest waiting in the lobby: nothing of the session is shown until the host lets them in. */
export default class LobbyWait extends LightningElement {
  focused = false;
  /** Who decides (the `lobby` message's hostName). */
  @api hostName = 'your agent';

  get text() {
    return `${this.hostName} has been asked to let you in. Nothing is shared until then; please keep this page open.`;
  }

  renderedCallback() {
    if (this.focused) return;
    this.focused = true;
    this.template.querySelector('h2')?.focus();
  }

  handleLeave() {
    this.dispatchEvent(new CustomEvent('leave'));
  }
}
