import { LightningElement, api } from 'lwc';

const ROLE_TEXT = { host: 'Host', agent: 'Agent', guest: 'Customer', supervisor: 'Supervisor, watching' };

/**
 * Everyone in the session with their role, connection and contact details. The host may remove anyone
 * but themselves, after confirming: event `remove`, detail {participantId} (the relay ends their tickets).
 */
export default class AttendeeList extends LightningElement {
  /** Participants from the session snapshot. */
  @api participants = [];
  /** Who is showing a screen (participant id). */
  @api presenterId = '';
  /** Only the host removes people. */
  @api canRemove = false;

  /** The participant whose removal waits for "Yes, remove". */
  confirming = '';
  focusConfirm = false;

  get rows() {
    return (this.participants || []).map((p) => ({
      removable: this.canRemove && p.role !== 'host',
      confirming: this.confirming === p.id,
      removeLabel: `Remove ${p.displayName}`,
      question: `Remove ${p.displayName} from the session? Their connection ends at once.`,
      confirmLabel: `Yes, remove ${p.displayName}`,
      id: p.id,
      displayName: p.displayName,
      roleText: ROLE_TEXT[p.role] + (p.id === this.presenterId ? ', presenting' : ''),
      stateText: p.connected ? 'connected' : 'reconnecting…',
      stateClass: p.connected ? 'online' : 'away',
      email: p.contact?.email || '',
      phone: p.contact?.phone || '',
    }));
  }

  renderedCallback() {
    if (!this.focusConfirm) return;
    this.focusConfirm = false;
    this.template.querySelector('button.confirm')?.focus();
  }

  handleRemove(event) {
    this.confirming = event.currentTarget.dataset.id;
    this.focusConfirm = true;
  }

  handleConfirm(event) {
    const participantId = event.currentTarget.dataset.id;
    this.confirming = '';
    this.dispatchEvent(new CustomEvent('remove', { detail: { participantId } }));
  }

  handleCancel() {
    this.confirming = '';
  }
}
