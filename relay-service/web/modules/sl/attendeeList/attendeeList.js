import { LightningElement, api } from 'lwc';

const ROLE_TEXT = { host: 'Host', agent: 'Agent', guest: 'Customer' };

/** Everyone in the session with their role, connection and contact details. */
export default class AttendeeList extends LightningElement {
  /** Participants from the session snapshot. */
  @api participants = [];
  /** Who is showing a screen (participant id). */
  @api presenterId = '';

  get rows() {
    return (this.participants || []).map((p) => ({
      id: p.id,
      displayName: p.displayName,
      roleText: ROLE_TEXT[p.role] + (p.id === this.presenterId ? ', presenting' : ''),
      stateText: p.connected ? 'connected' : 'reconnecting…',
      stateClass: p.connected ? 'online' : 'away',
      email: p.contact?.email || '',
      phone: p.contact?.phone || '',
    }));
  }
}
