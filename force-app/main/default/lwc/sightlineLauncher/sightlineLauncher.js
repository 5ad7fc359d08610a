import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getSettings from '@salesforce/apex/SightlineSettingsController.getSettings';
import canStartSessions from '@salesforce/customPermission/Sightline_Start_Sessions';
import CONTACT_EMAIL from '@salesforce/schema/Case.Contact.Email';
import { activeSessions, createSession, sendInvite, signInUrl, whoAmI } from 'c/sightlineRelayApi';
import { formatDateTime, parseEmailList, reduceErrors } from 'c/sightlineFormat';

import TITLE from '@salesforce/label/c.Sightline_Launcher_Title';
import START from '@salesforce/label/c.Sightline_Start_Screen_Share';
import STARTING from '@salesforce/label/c.Sightline_Starting';
import SIGNING_IN from '@salesforce/label/c.Sightline_Signing_In';
import NO_PERMISSION from '@salesforce/label/c.Sightline_No_Agent_Permission';
import KEY from '@salesforce/label/c.Sightline_Session_Key';
import NO_KEY from '@salesforce/label/c.Sightline_No_Key';
import JOIN_LINK from '@salesforce/label/c.Sightline_Join_Link';
import STATUS from '@salesforce/label/c.Sightline_Status';
import EXPIRES from '@salesforce/label/c.Sightline_Expires';
import OPEN_CONSOLE from '@salesforce/label/c.Sightline_Open_Console';
import INVITE_TO from '@salesforce/label/c.Sightline_Invite_To';
import EMAIL_INVITE from '@salesforce/label/c.Sightline_Email_Invite';
import INVITE_SENT from '@salesforce/label/c.Sightline_Invite_Sent';
import INVALID_EMAIL from '@salesforce/label/c.Sightline_Invalid_Email';
import TOO_MANY from '@salesforce/label/c.Sightline_Too_Many_Recipients';
import ERROR_TITLE from '@salesforce/label/c.Sightline_Error';
import SIGN_IN_TIMEOUT from '@salesforce/label/c.Sightline_Sign_In_Timeout';
import STATUS_WAITING from '@salesforce/label/c.Sightline_Status_Waiting';
import STATUS_IN_PROGRESS from '@salesforce/label/c.Sightline_Status_In_Progress';
import STATUS_ABSENT from '@salesforce/label/c.Sightline_Status_Customer_Absent';
import STATUS_ENDED from '@salesforce/label/c.Sightline_Status_Ended';

const STATUS_LABELS = {
  waiting: STATUS_WAITING,
  in_progress: STATUS_IN_PROGRESS,
  customer_absent: STATUS_ABSENT,
  ended: STATUS_ENDED,
};
const CONSOLE_WINDOW = 'sightline_console';
const MAX_RECIPIENTS = 5; // emailSimple accepts at most five addresses per call
const POLL_MS = 5000;
const SIGN_IN_POLL_MS = 2000;
const SIGN_IN_TIMEOUT_MS = 3 * 60 * 1000;

export default class SightlineLauncher extends LightningElement {
  @api recordId;

  labels = {
    TITLE,
    START,
    STARTING,
    SIGNING_IN,
    NO_PERMISSION,
    KEY,
    JOIN_LINK,
    STATUS,
    EXPIRES,
    OPEN_CONSOLE,
    INVITE_TO,
    EMAIL_INVITE,
  };

  relayUrl;
  settingsError;
  session;
  error;
  notice;
  busy = false;
  signingIn = false;
  inviting = false;
  inviteText = '';
  inviteTextTouched = false;
  pollTimer;
  signInTimer;

  get allowed() {
    return canStartSessions === true;
  }

  @wire(getSettings)
  wiredSettings({ data, error }) {
    if (data) {
      this.relayUrl = data.relayUrl;
      this.settingsError = undefined;
      this.refreshSession();
    } else if (error) {
      this.settingsError = reduceErrors(error);
    }
  }

  @wire(getRecord, { recordId: '$recordId', fields: [CONTACT_EMAIL] })
  wiredCase({ data }) {
    // Prefill once with the case contact; never overwrite what the agent typed.
    if (data && !this.inviteTextTouched) this.inviteText = getFieldValue(data, CONTACT_EMAIL) || '';
  }

  disconnectedCallback() {
    this.stopPolling();
    this.stopSignInWait();
  }

  get notAllowed() {
    return !this.allowed;
  }
  get loading() {
    return this.allowed && !this.relayUrl && !this.settingsError;
  }
  get ready() {
    return this.allowed && Boolean(this.relayUrl);
  }
  get showStart() {
    return this.ready && !this.session;
  }
  get startDisabled() {
    return this.busy || this.signingIn;
  }
  get startLabel() {
    return this.busy ? STARTING : START;
  }
  get keyText() {
    return this.session && this.session.key ? this.session.key : NO_KEY;
  }
  get statusText() {
    return this.session ? STATUS_LABELS[this.session.status] || this.session.status : '';
  }
  get statusClass() {
    const s = this.session && this.session.status;
    return `slds-badge ${s === 'in_progress' ? 'slds-theme_success' : s === 'customer_absent' ? 'slds-theme_warning' : ''}`;
  }
  get expiresText() {
    return this.session && this.session.status === 'waiting' ? formatDateTime(this.session.expiresAt) : null;
  }
  get inviteDisabled() {
    return this.inviting || !this.inviteText;
  }

  async refreshSession() {
    if (!this.relayUrl || !this.recordId || !this.allowed) return;
    try {
      const list = await activeSessions(this.relayUrl, this.recordId);
      this.showSession(list[0] || null);
    } catch (e) {
      // Signed out of the relay is normal before the first Start: the button signs in.
      if (e.status !== 401) this.error = e.message;
    }
  }

  showSession(session) {
    this.session = session && session.status !== 'ended' ? session : null;
    if (this.session) this.startPolling();
    else this.stopPolling();
  }

  startPolling() {
    if (this.pollTimer) return;
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- live status needs a timer; cleared on disconnect
    this.pollTimer = setInterval(() => this.refreshSession(), POLL_MS);
  }

  stopPolling() {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  async handleStart() {
    this.busy = true;
    this.error = undefined;
    this.notice = undefined;
    try {
      const session = await createSession(this.relayUrl, this.recordId);
      this.showSession(session);
      window.open(session.consoleUrl, CONSOLE_WINDOW);
    } catch (e) {
      if (e.status === 401) this.beginSignIn();
      else this.fail(e.message);
    } finally {
      this.busy = false;
    }
  }

  /** First use: the agent signs in to the relay with their Salesforce account in a new window. */
  beginSignIn() {
    window.open(signInUrl(this.relayUrl), CONSOLE_WINDOW);
    this.signingIn = true;
    const deadline = Date.now() + SIGN_IN_TIMEOUT_MS;
    const check = async () => {
      let me = null;
      try {
        me = await whoAmI(this.relayUrl);
      } catch {
        me = null;
      }
      if (!this.signingIn) return;
      if (me) {
        this.stopSignInWait();
        await this.handleStart();
      } else if (Date.now() > deadline) {
        this.stopSignInWait();
        this.fail(SIGN_IN_TIMEOUT);
      } else {
        // eslint-disable-next-line @lwc/lwc/no-async-operation -- waits for the sign-in window
        this.signInTimer = setTimeout(check, SIGN_IN_POLL_MS);
      }
    };
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- waits for the sign-in window
    this.signInTimer = setTimeout(check, SIGN_IN_POLL_MS);
  }

  stopSignInWait() {
    clearTimeout(this.signInTimer);
    this.signInTimer = undefined;
    this.signingIn = false;
  }

  handleInviteInput(event) {
    this.inviteTextTouched = true;
    this.inviteText = event.target.value;
  }

  async handleInvite() {
    this.error = undefined;
    this.notice = undefined;
    const emails = parseEmailList(this.inviteText);
    if (!emails) {
      this.error = INVALID_EMAIL;
      return;
    }
    if (emails.length > MAX_RECIPIENTS) {
      this.error = TOO_MANY;
      return;
    }
    this.inviting = true;
    try {
      await sendInvite(this.relayUrl, this.session.sessionId, emails);
      this.notice = `${INVITE_SENT} ${emails.join(', ')}`;
      this.dispatchEvent(new ShowToastEvent({ title: INVITE_SENT, message: emails.join(', '), variant: 'success' }));
    } catch (e) {
      this.fail(e.message);
    } finally {
      this.inviting = false;
    }
  }

  fail(message) {
    this.error = message;
    this.dispatchEvent(new ShowToastEvent({ title: ERROR_TITLE, message, variant: 'error' }));
  }
}
