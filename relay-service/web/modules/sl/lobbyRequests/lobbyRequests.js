import { LightningElement, api } from 'lwc';

/**
 * The host's lobby: guests who came with the key or link after the first one, each to let in or turn
 * away ("Sam (sam@globex.example) asks to join"). Events `admit` and `deny`, detail {participantId}.
 */
export default class LobbyRequests extends LightningElement {
  /** `snapshot.lobby`: participants waiting for the host. */
  @api waiting = [];
  /** Only the host decides; other agents see who waits. */
  @api canDecide = false;

  get hasWaiting() {
    return (this.waiting || []).length > 0;
  }

  get rows() {
    return (this.waiting || []).map((p) => ({
      id: p.id,
      text: p.contact?.email ? `${p.displayName} (${p.contact.email}) asks to join` : `${p.displayName} asks to join`,
      admitLabel: `Admit ${p.displayName}`,
      denyLabel: `Deny ${p.displayName}`,
    }));
  }

  handleAdmit(event) {
    this.decide('admit', event.currentTarget.dataset.id);
  }

  handleDeny(event) {
    this.decide('deny', event.currentTarget.dataset.id);
  }

  decide(kind, participantId) {
    this.dispatchEvent(new CustomEvent(kind, { detail: { participantId } }));
  }
}
