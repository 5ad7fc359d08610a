import { LightningElement, api } from 'lwc';
import { join, joinPresence, lookupJoin } from '../../../lib/api.js';
import { checkShareCapability } from '../../../lib/capabilities.js';
import { GuestSession, ShareRefusedError, requestCamera, requestScreen } from '../../../lib/guestSession.js';
import { forgetResume, markResumeShared, readResume, resumeRef, saveResume } from '../../../lib/resumeStore.js';

/** How long to wait for the relay to confirm the end after a refusal. */
const REFUSAL_WAIT_MS = 3000;

/**
 * The customer's join page: key (or link token) -> contact details -> terms and recording
 * prompt -> the browser's share prompt -> sharing, with chat, until the session ends.
 */
export default class JoinApp extends LightningElement {
  /** Join link token (from /j/:token); without it the page asks for the key. */
  @api token = '';

  /** @type {'key'|'loading'|'contact'|'consent'|'waiting'|'joined'|'ended'} */
  step = 'key';
  busy = false;
  keyError = '';
  error = '';
  loadingText = 'Looking up your session…';
  lookup = null;
  contact = {};
  recording = undefined;
  /** The session's recording state from the snapshots ('on' while it runs), for the indicator. */
  recordingState = 'off';
  /** @type {GuestSession | null} */
  session = null;
  participantId = '';
  sharing = false;
  /** Whether the customer shared at any point: the end screen only then says sharing stopped. */
  everShared = false;
  controlled = false;
  reconnecting = false;
  /** The agent's own connection dropped (the relay still holds their place). */
  agentReconnecting = false;
  /** The host's name as the session says (it changes when a supervisor takes over). */
  hostNow = '';
  /** What this browser shares: 'screen', or 'camera' on a phone (no screen capture). */
  source = 'screen';
  /** Said before the key or details on a phone. */
  sourceNotice = '';
  /** Supervisors in the session, watching. */
  supervisors = [];
  controlRequest = null;
  /** Who presents and the open handover, from the snapshots. */
  presenterId = null;
  handover = null;
  participants = [];
  /** The presenter's stream is being painted (someone else presents). */
  watchLive = false;
  pointer = null;
  chat = [];
  endReason = 'host_ended';
  endDetail = '';
  liveStatus = '';
  chatSeq = 0;

  connectedCallback() {
    const capability = checkShareCapability();
    if (!capability.ok) {
      this.end('unsupported', capability.reason);
      return;
    }
    // A phone: told before anything is asked, and offered its camera (chat works as for everyone).
    this.source = capability.source || 'screen';
    this.sourceNotice = this.source === 'camera' ? capability.reason : '';
    if (this.token) this.runLookup({ token: this.token });
  }

  disconnectedCallback() {
    this.session?.dispose();
  }

  renderedCallback() {
    const video = this.refs?.preview;
    const stream = this.session?.stream;
    if (video && stream && video.srcObject !== stream) {
      video.srcObject = stream;
      Promise.resolve(video.play()).catch(() => {});
    }
    const view = this.template.querySelector('sl-screen-view');
    if (view && this.session) this.session.attachCanvas(view.getCanvas());
    // Positioned through the CSSOM: the page's CSP forbids inline style attributes.
    const dot = this.refs?.pointer;
    if (dot && this.pointer) {
      dot.style.left = `${(this.pointer.x * 100).toFixed(2)}%`;
      dot.style.top = `${(this.pointer.y * 100).toFixed(2)}%`;
    }
  }

  get showSourceNotice() {
    return !!this.sourceNotice && ['key', 'loading', 'contact', 'consent'].includes(this.step);
  }
  get isKey() {
    return this.step === 'key';
  }
  get isLoading() {
    return this.step === 'loading';
  }
  get isContact() {
    return this.step === 'contact';
  }
  get isConsent() {
    return this.step === 'consent';
  }
  get isJoined() {
    return this.step === 'joined';
  }
  get isWaiting() {
    return this.step === 'waiting';
  }
  get isEnded() {
    return this.step === 'ended';
  }
  get watchingText() {
    if (!this.supervisors.length) return '';
    const who = this.supervisors.join(', ');
    return `${who} (${this.supervisors.length > 1 ? 'supervisors' : 'a supervisor'}) can also see the session.`;
  }

  get hostName() {
    // The snapshot's host once joined: a supervisor who took over is the agent from then on.
    return this.hostNow || this.lookup?.hostName || 'your agent';
  }
  get terms() {
    return this.lookup?.terms || '';
  }
  /** The agent started recording after this customer joined unasked: they are asked now, once. */
  get recordingAsked() {
    return this.recordingState === 'asking' && this.recording === undefined;
  }
  get recordingPrompt() {
    return !!this.lookup?.recordingPrompt;
  }
  get contactFields() {
    return this.lookup?.contactFields;
  }
  get startLabel() {
    return this.everShared ? 'Resume sharing' : `Share my ${this.source === 'camera' ? 'camera' : 'screen'}`;
  }
  get chatHeading() {
    return `Chat with ${this.hostName}`;
  }
  get statusTitle() {
    if (this.reconnecting) return 'Reconnecting…';
    if (this.watching) return `${this.presenterName} is showing their screen`;
    const what = this.source === 'camera' ? 'camera' : 'screen';
    return this.sharing ? `You are sharing your ${what}` : `You are not sharing your ${what}`;
  }
  get statusText() {
    if (this.reconnecting) return 'The connection dropped. We are reconnecting you to the session.';
    if (this.agentReconnecting) return `${this.hostName}'s connection dropped; they are reconnecting…`;
    if (this.watching) return `Your screen is not shared. You see what ${this.presenterName} chose to show.`;
    if (this.sharing)
      return `${this.hostName} can see what you chose to share. Use Stop sharing at the top at any time.`;
    const what = this.source === 'camera' ? 'camera' : 'screen';
    return this.everShared
      ? `${this.hostName} cannot see your ${what}. Use Resume sharing to show it again, or keep chatting.`
      : `${this.hostName} cannot see your ${what}. You can chat here, and share your ${what} at any time with Share my ${what} at the top.`;
  }
  /** Someone else presents (an agent showing their screen, or another guest): this page watches. */
  get watching() {
    return !!this.presenterId && this.presenterId !== this.participantId && !this.sharing;
  }
  get presenterName() {
    return this.participants.find((p) => p.id === this.presenterId)?.displayName || this.hostName;
  }
  get watchWaitingText() {
    return `Waiting for ${this.presenterName}'s screen…`;
  }
  get watchLabel() {
    return `${this.presenterName}'s screen`;
  }
  /** An agent asked this guest to present: nothing is captured until they say yes. */
  get askedToPresent() {
    return this.handover?.kind === 'asked' && this.handover.participantId === this.participantId;
  }
  get askerName() {
    return this.participants.find((p) => p.id === this.handover?.by)?.displayName || this.hostName;
  }
  get presentRequested() {
    return this.handover?.kind === 'requested' && this.handover.participantId === this.participantId;
  }
  /** The agent let this guest present; the browser's picker needs a click. */
  get mayShareNow() {
    return this.presenterId === this.participantId && !this.sharing;
  }
  get canRequestPresent() {
    return this.watching && !this.presentRequested;
  }
  get pointerVisible() {
    return !!this.pointer && this.pointer.visible;
  }
  get pointerCaption() {
    return this.pointerVisible ? ' (the circle is where the agent is pointing)' : '';
  }

  handleKey(event) {
    this.runLookup({ key: event.detail.key });
  }

  async runLookup(keyOrToken) {
    this.busy = true;
    this.keyError = '';
    if (keyOrToken.token) this.step = 'loading';
    try {
      this.lookup = await lookupJoin(keyOrToken);
      this.keyOrToken = keyOrToken;
      // The same person on the same device comes back as the same participant.
      const saved = readResume(resumeRef(keyOrToken));
      // Where the session is now: after a relay node failure, not where this device joined it.
      const here = saved && this.lookup.wsUrl ? { ...saved, wsUrl: this.lookup.wsUrl } : saved;
      if (here && (await this.resume(here))) return;
      const fields = this.lookup.contactFields;
      this.step = Object.values(fields).some((mode) => mode !== 'off') ? 'contact' : 'consent';
      joinPresence(keyOrToken, this.step === 'contact' ? 'details' : 'consent');
    } catch (error) {
      const message = lookupMessage(error, !!keyOrToken.token);
      // A link that opens nothing is not a lost connection: nothing was ever connected.
      if (keyOrToken.token) this.end(isGone(error) ? 'invalid_link' : 'lookup_failed', message);
      else {
        this.keyError = message;
        this.step = 'key';
      }
    } finally {
      this.busy = false;
    }
  }

  handleContact(event) {
    this.contact = event.detail.contact;
    this.step = 'consent';
    joinPresence(this.keyOrToken, 'consent', this.contact.name);
  }

  async handleAccept(event) {
    this.recording = event.detail.recording;
    this.busy = true;
    this.error = '';
    if (event.detail.chatOnly) {
      await this.joinChatOnly();
      return;
    }
    /** @type {MediaStream | null} */
    let stream = null;
    try {
      // Ask first, straight from the click: browsers only show the prompt on a user gesture.
      stream = await this.requestSource();
    } catch (error) {
      if (error instanceof ShareRefusedError) {
        await this.joinAndRefuse('share');
        return;
      }
      this.busy = false;
      this.error = 'Your browser could not start screen sharing. Please try again or use a current browser.';
      return;
    }
    try {
      await this.joinSession();
      this.session.consent(true, this.recording);
      this.session.startSharing(stream);
      this.step = 'joined';
      this.liveStatus = 'Your screen is visible to the agent.';
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      this.error = error.message || 'Joining the session failed.';
    } finally {
      this.busy = false;
    }
  }

  /** A phone guest who chats without sharing; the camera stays on offer (Share my camera in the bar). */
  async joinChatOnly() {
    try {
      await this.joinSession();
      this.session.consent(true, this.recording);
      this.step = 'joined';
      this.liveStatus = `You are in the session with ${this.hostName}. Nothing is shared.`;
    } catch (error) {
      this.error = error.message || 'Joining the session failed.';
    } finally {
      this.busy = false;
    }
  }

  async handleDecline(event) {
    if (event.detail.acceptedTerms) await this.joinAndRefuse('consent');
    else {
      // Not joining, but the agent learns it (and the log says so) instead of waiting on.
      await joinPresence(this.keyOrToken, 'declined', this.contact?.name);
      this.end('declined');
    }
  }

  /**
   * Joins only to tell the agent the customer refused; the relay ends the session.
   * @param {'consent' | 'share'} what the viewing consent, or the browser's share prompt
   */
  async joinAndRefuse(what) {
    this.busy = true;
    try {
      await this.joinSession();
      const ended = new Promise((resolve) => {
        this.session.addEventListener('message', (e) => e.detail.type === 'ended' && resolve());
        // eslint-disable-next-line @lwc/lwc/no-async-operation -- bounded wait for the relay's confirmation
        setTimeout(resolve, REFUSAL_WAIT_MS);
      });
      if (what === 'share') this.session.shareRefused();
      else this.session.consent(false);
      await ended;
      this.session.dispose();
      this.end(what === 'share' ? 'share_refused' : 'consent_refused');
    } catch {
      this.end('declined');
    } finally {
      this.busy = false;
    }
  }

  /**
   * Reconnects with the ticket this device kept; false (and forgotten) when the relay no longer knows it.
   * @param {{participantId: string, ticket: string, wsUrl: string, shared: boolean}} saved
   */
  async resume(saved) {
    this.step = 'loading';
    this.everShared = saved.shared;
    this.loadingText = 'Taking you back to the session…';
    try {
      await this.connectSession(saved, { resuming: true });
    } catch {
      this.session?.dispose();
      this.session = null;
      forgetResume(resumeRef(this.keyOrToken));
      return false;
    }
    this.step = 'joined';
    this.liveStatus = `You are back in the session with ${this.hostName}.`;
    return true;
  }

  async joinSession() {
    const request = { ...this.keyOrToken, contact: this.contact, acceptedTerms: true };
    const joined = await join(request);
    await this.connectSession(joined);
    saveResume(resumeRef(this.keyOrToken), joined);
  }

  /**
   * @param {{participantId: string, ticket: string, wsUrl: string}} joined
   * @param {{resuming?: boolean}} [options]
   */
  async connectSession(joined, options) {
    this.participantId = joined.participantId;
    // After a relay node failure another node holds the session: the lookup (any node) says which.
    const session = new GuestSession(joined, {
      locate: () => lookupJoin(this.keyOrToken).then((found) => (found.wsUrl ? { wsUrl: found.wsUrl } : null)),
    });
    this.session = session;
    session.addEventListener('message', (e) => this.onMessage(e.detail));
    session.addEventListener('session', (e) => this.applySnapshot(e.detail));
    session.addEventListener('state', (e) => this.onState(e.detail));
    session.addEventListener('sharing', (e) => {
      this.sharing = e.detail;
      if (e.detail && !this.everShared) {
        this.everShared = true;
        if (this.keyOrToken) markResumeShared(resumeRef(this.keyOrToken));
      }
      this.liveStatus = e.detail ? 'Your screen is visible to the agent.' : 'You stopped sharing your screen.';
    });
    session.addEventListener('error', (e) => {
      this.error = e.detail;
    });
    session.addEventListener('live', (e) => {
      this.watchLive = e.detail;
    });
    await session.connect(options);
    this.sharing = session.sharing;
  }

  onMessage(message) {
    switch (message.type) {
      case 'lobby':
        // Someone already came with this key or link: the host decides; nothing is sent meanwhile.
        this.step = 'waiting';
        break;
      case 'removed':
        this.session?.dispose();
        this.end(message.reason);
        break;
      case 'welcome':
        this.participantId = message.participantId;
        break;
      case 'chat':
        if (message.from !== this.participantId) {
          this.addChat(message.fromName, message.text, false, message.at);
          this.liveStatus = `New message from ${message.fromName}`;
        }
        break;
      case 'control-request':
        this.controlRequest = { from: message.from, fromName: message.fromName };
        break;
      case 'pointer':
        this.pointer = { x: message.x, y: message.y, visible: message.visible };
        break;
      case 'error':
        this.error = message.message;
        break;
      case 'ended':
        this.session?.dispose();
        this.end(message.reason);
        break;
      default:
        break;
    }
  }

  onState(state) {
    this.reconnecting = state === 'reconnecting';
    if (state === 'reconnecting') this.liveStatus = 'Connection lost, reconnecting…';
    if (state === 'open' && this.step === 'joined') this.liveStatus = 'Reconnected.';
    if (state === 'failed' && this.step === 'joined') {
      this.session?.dispose();
      this.end('failed');
    }
  }

  applySnapshot(snapshot) {
    this.recordingState = snapshot.recording;
    this.presenterId = snapshot.presenterId;
    this.handover = snapshot.handover ?? null;
    this.participants = snapshot.participants || [];
    this.controlled = !!snapshot.controllerId && snapshot.controllerId !== this.participantId;
    const host = (snapshot.participants || []).find((p) => p.role === 'host');
    if (host) this.hostNow = host.displayName;
    // Nobody watches unseen: the customer is told when a supervisor joins and reads who is watching.
    const supervisors = (snapshot.participants || []).filter((p) => p.role === 'supervisor').map((p) => p.displayName);
    const added = supervisors.filter((name) => !this.supervisors.includes(name));
    this.supervisors = supervisors;
    if (added.length) this.liveStatus = `${added.join(', ')} (a supervisor) joined to watch.`;
    const wasAway = this.agentReconnecting;
    this.agentReconnecting = !!host && !host.connected;
    if (this.agentReconnecting && !wasAway) this.liveStatus = `${this.hostName} is reconnecting…`;
    if (snapshot.status === 'ended' && this.step === 'joined') this.end('host_ended');
  }

  addChat(fromName, text, mine, at = new Date().toISOString()) {
    this.chat = [...this.chat, { id: `m${this.chatSeq++}`, fromName, text, mine, at }];
  }

  handleChat(event) {
    if (this.session?.chat(event.detail.text)) this.addChat('You', event.detail.text, true);
    else this.error = 'Not connected: your message was not sent.';
  }

  handleRecordingAnswer(event) {
    this.recording = event.detail.allow;
    this.session?.recordingConsent(this.recording);
    this.liveStatus = this.recording ? 'You allowed recording.' : 'You refused recording.';
  }

  handleStop() {
    this.session?.stopSharing();
  }

  /** The browser's prompt for what this device shares (straight from the click). */
  requestSource() {
    return this.source === 'camera' ? requestCamera() : requestScreen();
  }

  async handleResume() {
    this.error = '';
    // Someone else presents: one presenter at a time, so this asks the agent first.
    if (this.watching) {
      this.handleRequestPresent();
      return;
    }
    try {
      const stream = await this.requestSource();
      this.session.startSharing(stream);
    } catch {
      this.error = `Sharing did not start. Press ${this.startLabel} to try again.`;
    }
  }

  /** From the click: the picker runs first, so the yes goes out only once there is a screen. */
  async handleAgreePresent() {
    this.error = '';
    let stream;
    try {
      stream = await this.requestSource();
    } catch {
      this.session?.answerAsk(false);
      this.liveStatus = `You did not share your ${this.source === 'camera' ? 'camera' : 'screen'}.`;
      return;
    }
    this.session?.answerAsk(true);
    this.session?.startSharing(stream);
  }

  handleDeclinePresent() {
    this.session?.answerAsk(false);
    this.liveStatus = `You told ${this.askerName} you will not present now.`;
  }

  handleRequestPresent() {
    this.session?.requestToPresent();
    this.liveStatus = `You asked ${this.hostName} to let you present.`;
  }

  handleLeave() {
    this.session?.leave();
    this.end('left');
  }

  handleDenyControl() {
    this.controlRequest = null;
  }

  handleRevokeControl() {
    this.session?.revokeControl();
  }

  end(reason, detail = '') {
    // A lost connection may come back (the relay keeps the place a while); any other end is final.
    if (reason !== 'failed' && this.keyOrToken) forgetResume(resumeRef(this.keyOrToken));
    this.endReason = reason;
    this.endDetail = detail;
    // The ended panel's heading takes the focus and is announced; the old status must not linger.
    this.liveStatus = '';
    this.sharing = false;
    this.controlled = false;
    this.step = 'ended';
  }
}

/**
 * @param {any} error an ApiError from the lookup
 * @param {boolean} byLink
 */
function lookupMessage(error, byLink) {
  if (error?.status === 429) {
    const wait = error.retryAfterSeconds ? ` Please wait ${error.retryAfterSeconds} seconds and try again.` : '';
    return 'Too many attempts with wrong keys.' + (wait || ' Please wait a minute and try again.');
  }
  if (isGone(error)) {
    return byLink
      ? 'This link does not open an active session. It may have ended or expired; ask your agent for a new one.'
      : 'That key does not match an active session. Check the digits with your agent and try again.';
  }
  return error?.message || 'Something went wrong. Please try again.';
}

/** The relay does not know the key or link (never valid, expired or ended). */
function isGone(error) {
  return error?.status === 404 || error?.status === 400;
}
