import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getSettings from '@salesforce/apex/SightlineSettingsController.getSettings';
import canStartSessions from '@salesforce/customPermission/Sightline_Start_Sessions';
import CONTACT_EMAIL from '@salesforce/schema/Case.Contact.Email';
import USER_ID from '@salesforce/user/Id';
import {
  activeSessions,
  completeSignIn,
  createSession,
  deliveries,
  hasSignIn,
  prepareSignIn,
  sendInvite,
  signOut,
  usable,
} from 'c/sightlineRelayApi';
import { formatDateTime, groupKey, parseEmailList, reduceErrors } from 'c/sightlineFormat';

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
import SIGN_OUT from '@salesforce/label/c.Sightline_Sign_Out';
import SIGN_IN from '@salesforce/label/c.Sightline_Sign_In';
import SIGN_IN_AGAIN_BEFORE from '@salesforce/label/c.Sightline_Sign_In_Again_Before';
import SIGN_IN_AGAIN_AFTER from '@salesforce/label/c.Sightline_Sign_In_Again_After';
import DELIVERY_FAILED from '@salesforce/label/c.Sightline_Delivery_Failed';

const STATUS_LABELS = {
  waiting: STATUS_WAITING,
  in_progress: STATUS_IN_PROGRESS,
  customer_absent: STATUS_ABSENT,
  ended: STATUS_ENDED,
};
const CONSOLE_WINDOW = 'sightline_console';
const MAX_RECIPIENTS = 5; // emailSimple accepts at most five addresses per call
const POLL_MS = 5000;

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
    SIGN_OUT,
    SIGN_IN,
    DELIVERY_FAILED,
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
  /** Prepared before the click, so the sign-in window opens synchronously inside it. */
  signInRequest = null;
  preparing = false;
  /** The relay has no sign-in for this browser, or the CRM asked the agent to sign in again. */
  needsSignIn = false;
  awaitingDelivery = 0;
  failedDeliveries = [];

  get allowed() {
    return canStartSessions === true;
  }

  @wire(getSettings)
  wiredSettings({ data, error }) {
    if (data) {
      this.relayUrl = data.relayUrl;
      this.settingsError = undefined;
      this.needsSignIn = !hasSignIn(this.relayUrl);
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

  connectedCallback() {
    // Back on this console tab: the component was torn down; show the live session again.
    if (this.relayUrl) this.refreshSession();
  }

  disconnectedCallback() {
    this.stopPolling();
    this.signingIn = false;
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
    // Before a first sign-in the click must open the window at once, so it waits for the prepared request.
    return this.busy || this.signingIn || (this.needsSignIn && !this.signInRequest);
  }
  get startLabel() {
    return this.busy ? STARTING : START;
  }
  get keyText() {
    return this.session && this.session.key ? groupKey(this.session.key) : NO_KEY;
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
  get showSignOut() {
    return this.ready && !this.needsSignIn && !this.signingIn;
  }
  get awaitingText() {
    return this.awaitingDelivery > 0 ? `${SIGN_IN_AGAIN_BEFORE} ${this.awaitingDelivery} ${SIGN_IN_AGAIN_AFTER}` : null;
  }
  get hasFailedDeliveries() {
    return this.failedDeliveries.length > 0;
  }

  async refreshSession() {
    if (!this.relayUrl || !this.recordId || !this.allowed) return;
    if (this.needsSignIn) {
      this.prepare();
      return;
    }
    try {
      const list = await activeSessions(this.relayUrl, this.recordId);
      this.showSession(list[0] || null);
      this.refreshDeliveries();
    } catch (e) {
      // Signed out of the relay is normal before the first Start: the button signs in.
      if (e.status === 401) this.signInNeeded();
      else this.error = e.message;
    }
  }

  async refreshDeliveries() {
    try {
      const d = await deliveries(this.relayUrl);
      this.awaitingDelivery = d.awaitingSignIn;
      this.failedDeliveries = d.failed.map((f, i) => ({ key: `${f.sessionId || i}:${f.what || i}`, reason: f.reason }));
    } catch {
      // An older relay without delivery reports: nothing to show.
    }
  }

  signInNeeded() {
    this.needsSignIn = true;
    this.prepare();
  }

  /** Creates the sign-in request ahead of the click (kept while it is usable). */
  async prepare() {
    if (usable(this.signInRequest) || this.preparing) return;
    this.preparing = true;
    try {
      this.signInRequest = await prepareSignIn(this.relayUrl, 'salesforce', USER_ID);
    } catch (e) {
      this.error = e.message;
    } finally {
      this.preparing = false;
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

  handleStart() {
    this.error = undefined;
    this.notice = undefined;
    if (this.needsSignIn) this.beginSignIn();
    else this.start();
  }

  async start() {
    this.busy = true;
    try {
      const session = await createSession(this.relayUrl, this.recordId);
      this.showSession(session);
      // Into the window the sign-in used, if any (named, so no new pop-up).
      window.open(session.consoleUrl, CONSOLE_WINDOW);
    } catch (e) {
      if (e.status === 401) {
        // The relay sign-in ended, or the CRM revoked the relay's access: one click signs in again.
        this.signInNeeded();
        this.fail(SIGN_IN_TIMEOUT);
      } else this.fail(e.message);
    } finally {
      this.busy = false;
    }
  }

  /**
   * First use: the CRM's OAuth page in a window opened right here in the click (pop-up blockers). The
   * window's return value is never used: under Lightning Web Security it is a stand-in, and a
   * Cross-Origin-Opener-Policy may sever it. The relay tells us the result instead.
   */
  beginSignIn() {
    const request = this.signInRequest;
    if (!usable(request)) {
      this.signInRequest = null;
      this.prepare();
      this.fail(SIGN_IN_TIMEOUT);
      return;
    }
    this.signInRequest = null;
    window.open(request.signInUrl, CONSOLE_WINDOW);
    this.signingIn = true;
    completeSignIn(this.relayUrl, request, () => !this.signingIn).then(
      () => {
        if (!this.signingIn) return undefined;
        this.signingIn = false;
        this.needsSignIn = false;
        return this.start();
      },
      (e) => {
        if (!this.signingIn) return;
        this.signingIn = false;
        this.fail(e.code === 'sign_in_timeout' ? SIGN_IN_TIMEOUT : e.message);
        this.prepare();
      },
    );
  }

  async handleSignOut() {
    this.stopPolling();
    this.session = null;
    this.awaitingDelivery = 0;
    this.failedDeliveries = [];
    await signOut(this.relayUrl);
    this.signInNeeded();
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
