import { LightningElement, wire } from 'lwc';
import { NavigationMixin } from 'lightning/navigation';
import getSettings from '@salesforce/apex/SightlineSettingsController.getSettings';
import canStartSessions from '@salesforce/customPermission/Sightline_Start_Sessions';
import { hasSignIn, liveSessions } from 'c/sightlineRelayApi';
import { groupKey, reduceErrors } from 'c/sightlineFormat';

import TITLE from '@salesforce/label/c.Sightline_Live_Sessions_Title';
import NONE from '@salesforce/label/c.Sightline_No_Live_Sessions';
import SIGN_IN_FIRST from '@salesforce/label/c.Sightline_Live_Sessions_Sign_In';
import INVITED from '@salesforce/label/c.Sightline_Invited';
import NO_PERMISSION from '@salesforce/label/c.Sightline_No_Agent_Permission';
import KEY from '@salesforce/label/c.Sightline_Session_Key';
import OPEN_CONSOLE from '@salesforce/label/c.Sightline_Open_Console';
import STATUS_WAITING from '@salesforce/label/c.Sightline_Status_Waiting';
import STATUS_IN_PROGRESS from '@salesforce/label/c.Sightline_Status_In_Progress';
import STATUS_ABSENT from '@salesforce/label/c.Sightline_Status_Customer_Absent';

const STATUS_LABELS = { waiting: STATUS_WAITING, in_progress: STATUS_IN_PROGRESS, customer_absent: STATUS_ABSENT };
const POLL_MS = 5000;

/**
 * The utility bar's list of the agent's live sessions across console tabs: a record page component
 * lives only while its tab does, the utility bar for the whole console session. It signs nobody in
 * (the launcher on a case does, in a click); it reads the relay sign-in every Sightline component of
 * this origin shares.
 */
export default class SightlineLiveSessions extends NavigationMixin(LightningElement) {
  labels = { TITLE, NONE, SIGN_IN_FIRST, NO_PERMISSION, KEY, OPEN_CONSOLE };

  relayUrl;
  error;
  sessions = [];
  signedIn = false;
  loaded = false;
  pollTimer;

  @wire(getSettings)
  wiredSettings({ data, error }) {
    if (data) {
      this.relayUrl = data.relayUrl;
      this.error = undefined;
      this.refresh();
    } else if (error) {
      this.error = reduceErrors(error);
    }
  }

  connectedCallback() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- the list is live; cleared on disconnect
    this.pollTimer = setInterval(() => this.refresh(), POLL_MS);
    if (this.relayUrl) this.refresh();
  }

  disconnectedCallback() {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  get allowed() {
    return canStartSessions === true;
  }
  get notAllowed() {
    return !this.allowed;
  }
  get showSignIn() {
    return this.allowed && this.loaded && !this.signedIn;
  }
  get showNone() {
    return this.allowed && this.loaded && this.signedIn && this.sessions.length === 0;
  }
  get hasSessions() {
    return this.sessions.length > 0;
  }

  async refresh() {
    if (!this.relayUrl || !this.allowed) return;
    // A sign-in made on a case tab shows up here on the next round.
    if (!hasSignIn(this.relayUrl)) {
      this.signedIn = false;
      this.sessions = [];
      this.loaded = true;
      return;
    }
    try {
      const list = await liveSessions(this.relayUrl);
      this.signedIn = true;
      this.error = undefined;
      this.sessions = list.map((s) => ({
        ...s,
        title: s.label || s.recordId || s.sessionId,
        keyText: s.key ? groupKey(s.key) : '',
        statusText: STATUS_LABELS[s.status] || s.status,
        badgeClass: `slds-badge ${s.status === 'in_progress' ? 'slds-theme_success' : s.status === 'customer_absent' ? 'slds-theme_warning' : ''}`,
        invited: s.role === 'agent' ? INVITED : null,
      }));
    } catch (e) {
      if (e.status === 401) {
        this.signedIn = false;
        this.sessions = [];
      } else this.error = e.message;
    } finally {
      this.loaded = true;
    }
  }

  /** Opens the session's case (in the Service Console, in its own tab). */
  handleOpenRecord(event) {
    event.preventDefault();
    const recordId = event.currentTarget.dataset.recordId;
    if (!recordId) return;
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: { recordId, objectApiName: 'Case', actionName: 'view' },
    });
  }
}
