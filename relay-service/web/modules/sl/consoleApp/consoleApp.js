import { LightningElement, api } from 'lwc';
import { ApiError, endSession, inviteCustomer, me, sessionDetails, sessionTicket, takeOver } from '../../../lib/api.js';
import { AgentSession } from '../../../lib/agentSession.js';
import { ShareRefusedError, requestScreen } from '../../../lib/screenShare.js';
import { checkViewCapability } from '../../../lib/capabilities.js';
import { forgetInvitation } from '../../../lib/invitation.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const WAITING_TEXT = 'Waiting for the customer to share their screen…';
/** What the agent reads while the customer goes through the join page. */
const PRESENCE_TEXT = {
  details: (name) => `${name} is entering their details`,
  consent: (name) => `${name} is reading the consent`,
  choosing_screen: (name) => `${name} is choosing what to share`,
  declined: (name) => `${name} declined to share`,
};

/**
 * The agent console: the customer's screen, session key and link, status, attendees, chat,
 * private notes, recording, control request, pointer, invitations and ending the session.
 */
export default class ConsoleApp extends LightningElement {
  @api sessionId = '';
  /** The CRM to sign in with when the agent's sign-in expired ('' when the relay serves both). */
  @api crm = '';
  /** An invited agent's one-time invitation token (from the emailed link), spent by the first ticket. */
  @api invitation = '';

  /** @type {AgentSession | null} */
  agent = null;
  participantId = '';
  role = '';
  snapshot = null;
  socketState = 'connecting';
  live = false;
  joinUrl = '';
  error = '';
  chat = [];
  notes = [];
  seq = 0;
  inviteEmail = '';
  emailStatus = '';
  /** Why a Start recording did not start yet (the relay's answer); gone once the recording state moves. */
  recordingHint = '';
  /** Said after a relay node failure moved the session, until someone shares again. */
  movedNotice = '';
  inviteStatus = '';
  inviteInvalid = 'false';
  confirmingEnd = false;
  ended = false;
  endReason = 'host_ended';
  endDetail = '';
  controlRequested = false;
  takingOver = false;
  /** The latest guest presence from the relay: {participantId, name, state}. */
  presence = null;
  /** The agent's own screen is shown to the guests. */
  showing = false;
  /** The group's policy lets agents show their screen (the relay enforces it either way). */
  mayShowScreen = false;

  connectedCallback() {
    const capability = checkViewCapability();
    if (!capability.ok) {
      this.error = capability.reason;
      return;
    }
    this.start();
  }

  disconnectedCallback() {
    this.agent?.close();
  }

  renderedCallback() {
    // An agent with many tabs finds the session by the customer and the record in the tab's title.
    if (document.title !== this.pageTitle) document.title = this.pageTitle;
    const view = this.template.querySelector('sl-screen-view');
    if (view && this.agent) this.agent.attachCanvas(view.getCanvas());
  }

  async start() {
    try {
      await me();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        const returnTo = window.location.pathname;
        window.location.assign(
          this.crm
            ? `/auth/${encodeURIComponent(this.crm)}?returnTo=${encodeURIComponent(returnTo)}`
            : `${returnTo}?signin=choose`,
        );
        return;
      }
      this.error = error.message;
      return;
    }
    try {
      // The ticket first: for an invited agent it spends the invitation, which opens the details too.
      const ticket = await sessionTicket(this.sessionId, this.invitation);
      if (this.invitation) forgetInvitation(this.sessionId, window.sessionStorage);
      const details = await sessionDetails(this.sessionId).catch(() => ({}));
      if (details.joinUrl) this.joinUrl = details.joinUrl;
      this.mayShowScreen = details.mayShowScreen === true;
      // After a relay node failure another node holds the session: the ticket call (any node) names it.
      const agent = new AgentSession(ticket, { locate: () => sessionTicket(this.sessionId) });
      this.agent = agent;
      this.participantId = ticket.participantId;
      agent.addEventListener('message', (e) => this.onMessage(e.detail));
      agent.addEventListener('session', (e) => this.onSession(e.detail));
      agent.addEventListener('state', (e) => this.onState(e.detail));
      agent.addEventListener('live', (e) => {
        this.live = e.detail;
      });
      agent.addEventListener('showing', (e) => {
        this.showing = e.detail;
      });
      agent.connect();
      const view = this.template.querySelector('sl-screen-view');
      if (view) agent.attachCanvas(view.getCanvas());
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 410))
        this.finish('ended', error.message);
      else this.error = error.message;
    }
  }

  get isEnded() {
    return this.ended;
  }
  get pageTitle() {
    const customer = this.participants.find((p) => p.role === 'guest')?.displayName;
    const record = this.snapshot?.record?.label;
    const parts = [this.ended ? 'Ended' : '', customer, record, 'Sightline'].filter(Boolean);
    return parts.join(' · ');
  }
  get recordLabel() {
    return this.snapshot?.record?.label || 'connecting…';
  }
  get sessionKey() {
    return this.snapshot?.key || '';
  }
  get status() {
    if (this.socketState === 'reconnecting') return 'reconnecting';
    if (!this.snapshot) return 'connecting';
    return this.snapshot.status;
  }
  get participants() {
    return this.snapshot?.participants || [];
  }
  get presenterId() {
    return this.snapshot?.presenterId || '';
  }
  get handover() {
    return this.snapshot?.handover || null;
  }
  get screenWidth() {
    return this.snapshot?.streams?.[0]?.codedWidth || 0;
  }
  get screenHeight() {
    return this.snapshot?.streams?.[0]?.codedHeight || 0;
  }
  /** Where the customer is before sharing; nothing once they present. */
  get presenceText() {
    const p = this.presence;
    // A visitor not yet joined has no participant id (''); the presenter's own is spent (onSession).
    if (!p || (p.participantId && p.participantId === this.presenterId)) return '';
    return PRESENCE_TEXT[p.state]?.(p.name) || '';
  }
  get waitingText() {
    if (this.showing) return 'You are showing your screen to the customer.';
    if (!this.presenceText) return WAITING_TEXT;
    return this.presence.state === 'declined' ? this.presenceText : `${this.presenceText}…`;
  }
  get recordingLabel() {
    switch (this.snapshot?.recording) {
      case 'on':
        return 'Stop recording';
      case 'asking':
        return 'Waiting for the customer to allow recording (cancel)';
      case 'refused':
        return 'Recording refused by the customer';
      case 'not_allowed':
        return 'Recording not allowed by policy';
      default:
        return 'Start recording';
    }
  }
  get recordingDisabled() {
    const r = this.snapshot?.recording;
    return !r || r === 'refused' || r === 'not_allowed';
  }
  get controlDisabled() {
    // A customer who says no sends nothing back, so asking again stays possible.
    return !this.snapshot?.presenterId || this.controlled;
  }
  get controlled() {
    return !!this.snapshot?.controllerId && this.snapshot.controllerId === this.participantId;
  }
  get controlLabel() {
    if (this.controlled) return 'You have control';
    return this.controlRequested ? 'Control requested (ask again)' : 'Request control';
  }

  /** The session after the relay's welcome or a patch of what changed. */
  onSession(session) {
    // The relay's answer to Start recording is a hint until the recording state moves on.
    if (session.recording !== this.snapshot?.recording) this.recordingHint = '';
    this.snapshot = session;
    // Presence tells the agent where the customer is before sharing; once someone presents it is
    // spent (a share stopped later waits for the customer, not "reading the consent" again).
    if (session.presenterId) this.presence = null;
    if (session.presenterId) this.movedNotice = '';
    if (session.controllerId) this.controlRequested = false;
    if (session.status === 'ended') this.finish('host_ended');
  }

  onMessage(message) {
    switch (message.type) {
      case 'welcome':
        this.participantId = message.participantId;
        this.role = message.role;
        this.movedNotice = movedSinceLastShare(message.log)
          ? 'The session moved to another relay node after a failure. Waiting for the customer to share their screen again.'
          : '';
        break;
      case 'chat':
        if (message.from !== this.participantId)
          this.chat = [...this.chat, this.item(message.fromName, message.text, false, message.at)];
        break;
      case 'note':
        if (message.from !== this.participantId)
          this.notes = [...this.notes, this.item(this.nameOf(message.from), message.text, false, message.at)];
        break;
      case 'presence':
        this.presence = { participantId: message.participantId, name: message.name, state: message.state };
        break;
      case 'error':
        if (message.ref === 'recording') this.recordingHint = message.message;
        else this.error = message.message;
        break;
      case 'ended':
        this.finish(message.reason);
        break;
      default:
        break;
    }
  }

  onState(state) {
    this.socketState = state;
    if (state === 'open') this.error = '';
    if (state === 'failed')
      this.error = 'The connection to the relay was lost and could not be restored. Reload the page.';
  }

  nameOf(participantId) {
    return this.participants.find((p) => p.id === participantId)?.displayName || 'Agent';
  }

  /** A chat line or note; `at` is the relay's time for received ones, now for the agent's own. */
  item(fromName, text, mine = false, at = new Date().toISOString()) {
    return { id: `i${this.seq++}`, fromName, text, mine, at };
  }

  send(message) {
    if (this.agent?.send(message)) return true;
    this.error = 'Not connected to the relay right now; try again in a moment.';
    return false;
  }

  get lobby() {
    return this.snapshot?.lobby || [];
  }
  /** The role as the session has it now (a supervisor who takes over becomes the host). */
  get myRole() {
    return this.participants.find((p) => p.id === this.participantId)?.role || this.role;
  }
  get isHost() {
    return this.myRole === 'host';
  }
  get isSupervisor() {
    return this.myRole === 'supervisor';
  }
  get hostName() {
    return this.participants.find((p) => p.role === 'host')?.displayName || 'the agent';
  }

  /** The relay makes this supervisor the host; the snapshot that follows switches the console. */
  async handleTakeOver() {
    this.takingOver = true;
    try {
      await takeOver(this.sessionId);
    } catch (error) {
      this.error = error.message;
    } finally {
      this.takingOver = false;
    }
  }

  /** Admit or deny a guest waiting in the lobby (the event's type is the message's). */
  handleLobby(event) {
    this.send({ type: event.type, participantId: event.detail.participantId });
  }

  /** The host confirmed removing someone: the relay closes their socket and ends their tickets. */
  handleRemove(event) {
    this.send({ type: 'remove', participantId: event.detail.participantId });
  }

  handleChat(event) {
    if (this.send({ type: 'chat', text: event.detail.text }))
      this.chat = [...this.chat, this.item('You', event.detail.text, true)];
  }

  handleNote(event) {
    if (this.send({ type: 'note', text: event.detail.text }))
      this.notes = [...this.notes, this.item('You', event.detail.text, true)];
  }

  handlePointer(event) {
    const { x, y, visible } = event.detail;
    if (this.live) this.agent?.pointer(x, y, visible);
  }

  handleRecording() {
    // While the customer is being asked, the button withdraws the request.
    const r = this.snapshot?.recording;
    this.send({ type: 'recording', action: r === 'on' || r === 'asking' ? 'stop' : 'start' });
  }

  /** From the click: the browser's picker needs the user's gesture. */
  async handleShowScreen() {
    this.error = '';
    try {
      const stream = await requestScreen();
      this.agent?.showScreen(stream);
    } catch (error) {
      this.error =
        error instanceof ShareRefusedError ? 'You did not choose anything to show.' : 'Your screen could not be shown.';
    }
  }

  handleStopShowing() {
    this.agent?.stopShowing();
  }

  handleAskToPresent(event) {
    this.agent?.askToPresent(event.detail.participantId);
  }

  handlePresentAnswer(event) {
    this.agent?.answerPresentRequest(event.detail.participantId, event.detail.accept);
  }

  handleRemoteInput(event) {
    if (this.controlled) this.send({ type: 'input', event: event.detail });
  }

  handleGiveBack() {
    this.send({ type: 'control-revoke' });
  }

  handleRequestControl() {
    if (this.send({ type: 'control-request' })) this.controlRequested = true;
  }

  handleInviteInput(event) {
    this.inviteEmail = event.target.value;
    this.inviteInvalid = 'false';
    this.inviteStatus = '';
  }

  handleInvite(event) {
    event.preventDefault();
    const email = this.inviteEmail.trim();
    if (!EMAIL.test(email)) {
      this.inviteInvalid = 'true';
      this.inviteStatus = 'Enter the colleague’s email address, like name@example.com.';
      return;
    }
    if (this.send({ type: 'invite-agent', email })) {
      this.inviteStatus = `Invitation sent to ${email}.`;
      this.inviteEmail = '';
    }
  }

  async handleEmailCustomer() {
    this.emailStatus = 'Sending…';
    try {
      const { to } = await inviteCustomer(this.sessionId);
      this.emailStatus = `Join link emailed to ${to.join(', ')}.`;
    } catch (error) {
      this.emailStatus = error.message;
    }
  }

  handleEnd() {
    this.confirmingEnd = true;
  }

  handleCancelEnd() {
    this.confirmingEnd = false;
  }

  async handleConfirmEnd() {
    this.confirmingEnd = false;
    // A supervisor ends a session that is not theirs through the relay's API (it asks the CRM again).
    if (this.isSupervisor) {
      try {
        await endSession(this.sessionId);
        this.finish('supervisor_ended');
      } catch (error) {
        this.error = error.message;
      }
      return;
    }
    if (!this.send({ type: 'end' })) {
      try {
        await endSession(this.sessionId);
        this.finish('host_ended');
      } catch (error) {
        this.error = error.message;
      }
    }
  }

  finish(reason, detail = '') {
    this.ended = true;
    this.endReason = reason;
    this.endDetail = detail;
    this.live = false;
    this.agent?.close();
  }
}

/**
 * Whether the log (a welcome's) says the session moved to another node since the screen was last shared.
 * @param {{kind: string, text: string}[] | undefined} log
 */
function movedSinceLastShare(log = []) {
  const moved = log.findLastIndex(
    (e) => e.kind === 'session' && e.text.startsWith('session moved to another relay node'),
  );
  return moved >= 0 && moved > log.findLastIndex((e) => e.kind === 'share');
}
