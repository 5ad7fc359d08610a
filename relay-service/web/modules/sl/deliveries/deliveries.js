import { LightningElement, api } from 'lwc';
import { deliveries } from '../../../lib/api.js';

const WHAT = {
  activity: 'Session log',
  work_note: 'Session log',
  lead: 'Lead',
  attendees: 'Attendee list',
  recording: 'Recording',
  attachment: 'Recording',
};
/** The write-back runs right after the session ends: look again a few times for its outcome. */
const POLL_MS = 4000;
const POLLS = 8;

/**
 * On the console's end page: the agent's session records the relay could not deliver to the CRM,
 * this session's first, each with its reason, and those waiting for the agent to sign in again.
 */
export default class Deliveries extends LightningElement {
  @api sessionId = '';
  /** The CRM to sign in again with ('' when unknown). */
  @api crm = '';

  failed = [];
  awaitingSignIn = 0;
  loaded = false;
  error = '';
  polls = 0;
  timer = null;

  connectedCallback() {
    this.load();
  }

  disconnectedCallback() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  async load() {
    try {
      const result = await deliveries();
      this.failed = result.failed;
      this.awaitingSignIn = result.awaitingSignIn;
      this.error = '';
    } catch (error) {
      this.error = error.message;
    }
    this.loaded = true;
    if (++this.polls < POLLS) {
      // eslint-disable-next-line @lwc/lwc/no-async-operation
      this.timer = setTimeout(() => this.load(), POLL_MS);
    }
  }

  get items() {
    const mine = (d) => (d.sessionId === this.sessionId ? 0 : 1);
    return [...this.failed]
      .sort((a, b) => mine(a) - mine(b) || b.since.localeCompare(a.since))
      .map((d, i) => ({
        key: `${d.sessionId}-${d.what}-${i}`,
        title: `${WHAT[d.what] ?? d.what}${d.sessionId === this.sessionId ? ' of this session' : ` of the session on ${new Date(d.since).toLocaleString()}`}`,
        reason: d.reason,
      }));
  }

  get hasFailed() {
    return this.failed.length > 0;
  }

  get hasWaiting() {
    return this.awaitingSignIn > 0;
  }

  get waitingText() {
    const n = this.awaitingSignIn;
    return `${n} session record${n === 1 ? '' : 's'} wait${n === 1 ? 's' : ''} until you sign in to the CRM again; nothing is lost.`;
  }

  get signInUrl() {
    return this.crm
      ? `/auth/${encodeURIComponent(this.crm)}?returnTo=${encodeURIComponent(window.location.pathname)}`
      : '';
  }

  get allDelivered() {
    return this.loaded && !this.error && !this.hasFailed && !this.hasWaiting;
  }
}
