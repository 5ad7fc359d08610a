import { LightningElement, api } from 'lwc';

// [title, explanation]: the explanation says something the title does not.
const TEXT = {
  host_ended: ['The session has ended', 'The agent ended the session.'],
  supervisor_ended: ['The session has ended', "The agent's supervisor ended the session."],
  last_guest_left: ['You left the session', 'The session has ended.'],
  left: ['You left the session', 'The agent has been told, and the session has ended for you.'],
  relay_shutdown: [
    'The session has ended',
    'The Sightline service was stopped for maintenance. Ask your agent for a new link.',
  ],
  expired: ['The session has expired', 'Nobody joined in time, so the session closed. Ask your agent for a new key.'],
  consent_refused: ['You chose not to share', 'The agent did not see your screen and the session has ended.'],
  share_refused: ['You chose not to share', 'The agent did not see your screen and the session has ended.'],
  declined: ['You chose not to share', 'Nothing was shown to anyone.'],
  unsupported: ['This browser cannot share a screen', ''],
  denied: ['The host did not let you in', 'Nothing was shown to anyone. Ask your agent if you expected to join.'],
  removed: ['You were removed from the session', 'The host removed you from the session.'],
  invalid_link: ['This link does not open a session', ''],
  lookup_failed: ['The session could not be opened', ''],
  failed: [
    'The connection was lost',
    'We could not reconnect to the session. Ask your agent for a new link if needed.',
  ],
};

// The agent's console: never "ask your agent"; what happened and what to do next.
const AGENT_TEXT = {
  host_ended: ['The session has ended', 'The session ended for everyone in it.'],
  supervisor_ended: ['A supervisor ended the session', 'The session ended for everyone in it.'],
  last_guest_left: ['The customer left', 'The last customer left, so the session ended.'],
  expired: [
    'The session expired',
    'Nobody joined in time, so the session closed. Start a new one from the record to invite the customer again.',
  ],
  consent_refused: ['The customer declined', 'The customer chose not to share their screen; the session ended.'],
  share_refused: ['The customer declined', 'The customer chose not to share their screen; the session ended.'],
  relay_shutdown: [
    'The session has ended',
    'The relay was stopped; the session log and attendees go to the CRM record.',
  ],
};

/** The clear end of a session for the customer or the agent. */
export default class EndedPanel extends LightningElement {
  /** Why it ended: a relay `ended` reason or a local one (left, declined, unsupported, failed). */
  @api reason = 'host_ended';
  /** Extra sentence, e.g. a capability message. */
  @api detail = '';
  /** Who reads it: 'guest' or 'agent'. */
  @api audience = 'guest';
  /** The customer shared their screen at some point (only then does "no longer shared" make sense). */
  @api shared = false;

  get text() {
    return (this.audience === 'agent' && AGENT_TEXT[this.reason]) || TEXT[this.reason] || ['The session has ended', ''];
  }

  get title() {
    return this.text[0];
  }

  get explanation() {
    return this.detail || this.text[1];
  }

  get closing() {
    if (this.audience !== 'guest') return 'The session log and attendees are written to the CRM record.';
    return this.shared
      ? 'Your screen is no longer shared. Nothing stays on this computer; you can close this page.'
      : 'Nothing stays on this computer; you can close this page.';
  }

  renderedCallback() {
    if (!this.focused) {
      this.focused = true;
      this.refs.title.focus();
    }
  }
}
