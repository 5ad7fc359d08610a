import { LightningElement, api } from 'lwc';
import { ApiError, teamSessions } from '../../../lib/api.js';

const STATUS_TEXT = {
  waiting: 'waiting for the customer',
  in_progress: 'in progress',
  customer_absent: 'customer away',
  ended: 'ended',
};

/**
 * A supervisor's page: the live sessions of their team (the CRM decides who is in it), each with a
 * Watch link to its console. Without the supervisor permission it says so and lists nothing.
 */
export default class TeamSessions extends LightningElement {
  /** The CRM to sign in with when the sign-in expired ('' when the relay serves both). */
  @api crm = '';

  sessions = [];
  loaded = false;
  message = '';

  connectedCallback() {
    this.load();
  }

  async load() {
    try {
      const { sessions } = await teamSessions();
      this.sessions = sessions.map((s) => ({
        ...s,
        statusText: STATUS_TEXT[s.status] || s.status,
        people: s.participants.map((p) => `${p.displayName} (${p.role})`).join(', '),
        watchLabel: `Watch ${s.hostName}'s session on ${s.record.label}`,
      }));
      this.message = sessions.length ? '' : 'Nobody in your team is in a live session right now.';
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        window.location.assign(
          this.crm ? `/auth/${encodeURIComponent(this.crm)}?returnTo=%2Fsupervise` : '/supervise?signin=choose',
        );
        return;
      }
      this.message = error.message;
    } finally {
      this.loaded = true;
    }
  }

  get hasSessions() {
    return this.sessions.length > 0;
  }

  handleRefresh() {
    this.load();
  }
}
