import { LightningElement, api } from 'lwc';

/**
 * Who presents, and the agent's side of a handover: show their own screen, ask a guest to present,
 * answer a guest's request. Events: `show`, `stop`, `ask` (detail: {participantId}), `answer`
 * (detail: {participantId, accept}). The relay decides; this only asks.
 */
export default class PresenterControls extends LightningElement {
  /** @type {any[]} */
  @api participants = [];
  @api presenterId = '';
  /** @type {{participantId: string, kind: 'asked' | 'requested', by: string} | null} */
  @api handover = null;
  @api selfId = '';
  /** The agent's own screen is being shown. */
  @api showing = false;
  /** The group's policy lets agents show their screen (otherwise no button: it would only be refused). */
  @api mayShow = false;

  nameOf(id) {
    return this.participants.find((p) => p.id === id)?.displayName || 'Someone';
  }

  get presenterText() {
    const h = this.handover;
    if (h?.kind === 'asked') return `Waiting for ${this.nameOf(h.participantId)} to answer your request to present.`;
    if (!this.presenterId) return 'Nobody is presenting.';
    if (this.presenterId === this.selfId) return 'You are presenting: the customer sees your screen.';
    return `${this.nameOf(this.presenterId)} is presenting.`;
  }

  get requestRow() {
    const h = this.handover;
    if (h?.kind !== 'requested') return null;
    return { id: h.participantId, text: `${this.nameOf(h.participantId)} asks to present their screen.` };
  }

  get askRows() {
    return this.participants
      .filter((p) => p.role === 'guest' && p.id !== this.presenterId)
      .map((p) => ({
        id: p.id,
        label: `Ask ${p.displayName} to present`,
        disabled: this.handover?.kind === 'asked' && this.handover.participantId === p.id,
      }));
  }

  handleShow() {
    this.dispatchEvent(new CustomEvent('show'));
  }

  handleStop() {
    this.dispatchEvent(new CustomEvent('stop'));
  }

  handleAsk(event) {
    this.dispatchEvent(new CustomEvent('ask', { detail: { participantId: event.currentTarget.dataset.id } }));
  }

  handleLetPresent(event) {
    this.answer(event.currentTarget.dataset.id, true);
  }

  handleNotNow(event) {
    this.answer(event.currentTarget.dataset.id, false);
  }

  answer(participantId, accept) {
    this.dispatchEvent(new CustomEvent('answer', { detail: { participantId, accept } }));
  }
}
