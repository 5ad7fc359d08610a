// One session's state and rules (roles, consent, presenting, control, recording). Mutated only through
// these methods, called by the registry (lifecycle) and the routing handlers (participants' actions).
// A forbidden action throws SessionRuleError, which the caller turns into an `error` message.
import type { Policy } from '@sightline/config';
import {
  codecFamilySchema,
  LEGACY_DECODERS,
  type CodecFamily,
  type Contact,
  type GuestPresence,
  type Handover,
  type LogEntry,
  type Participant,
  type Role,
  type SessionSnapshot,
  type SessionStatus,
  type StreamConfig,
} from '../protocol/index.ts';
import type { Recording, RecorderStopReason } from '../recording/Recorder.ts';
import { RecordingSink, type FrameSink, type RecordingSinkOptions } from '../recording/RecordingSink.ts';
import { Admission } from './Admission.ts';
import { SessionRuleError } from './errors.ts';
import { SessionLog } from './SessionLog.ts';
import type { AgentIdentity, Attendee, Clock, EndReason, RecordRef, SessionReport } from './types.ts';

export interface ParticipantState {
  id: string;
  role: Role;
  displayName: string;
  contact: Contact;
  agent?: AgentIdentity;
  joinedAt: number;
  leftAt: number | null;
  connected: boolean;
  /** In the session (agents always; a guest once the key admitted them or the host did). */
  admitted: boolean;
  /** Ever had an open socket. */
  seen: boolean;
  disconnectedAt: number | null;
  /** Guest's answers to the consent prompt; null until asked. */
  consentView: boolean | null;
  consentRecording: boolean | null;
}

export interface SessionHooks {
  changed(session: Session): void;
  logged(session: Session, entry: LogEntry): void;
  /** The session's rules ended it (consent refused, last guest left). */
  end(session: Session, reason: EndReason): void;
  /** The host turned a waiting guest away or removed a participant: their tickets and socket go now. */
  removed(session: Session, participantId: string, reason: 'denied' | 'removed'): void;
}

export interface SessionInit {
  id: string;
  key: string | null;
  token: string;
  host: AgentIdentity;
  record: RecordRef;
  policy: Policy;
  recordRequested: boolean;
  clock: Clock;
  /** The recorder's limits, budget and spill directory (the sink itself is made here, fed by the Room). */
  recording: Omit<RecordingSinkOptions, 'onStopped' | 'baseName'>;
  /** Guests who may wait in the lobby at once (limits.maxLobbyPerSession). */
  maxLobby: number;
  /** Entries the log keeps; chat and notes are refused past it (limits.maxLogEntriesPerSession). */
  maxLogEntries: number;
  hooks: SessionHooks;
  /** A session taken over from a dead node: rebuilt from its journal instead of starting anew. */
  restored?: RestoredSession;
}

/** What the journal kept of a session whose node died (SessionRegistry.restore builds it). */
export interface RestoredSession {
  createdAt: number;
  log: readonly LogEntry[];
  participants: ParticipantState[];
  /** The recording as last journaled: one in progress lost its file with the node. */
  recording: SessionSnapshot['recording'];
}

const STOP_TEXT: Record<RecorderStopReason, string> = {
  size_limit: 'recording stopped: the recording reached the size limit',
  format_changed: 'recording stopped: the shared screen changed video format',
  muxer_error: 'recording stopped: the recording could not be written',
};

export class Session {
  readonly id: string;
  readonly key: string | null;
  readonly token: string;
  #host: AgentIdentity;
  readonly record: RecordRef;
  readonly policy: Policy;
  readonly createdAt: number;
  readonly expiresAt: number;
  recordRequested: boolean;
  status: SessionStatus = 'waiting';
  endReason: EndReason | null = null;
  endedAt: number | null = null;
  /** When the last connected guest went away (customer_absent). */
  absentSince: number | null = null;
  presenterId: string | null = null;
  /** The presenter change waiting for an answer (one at a time). */
  handover: Handover | null = null;
  controllerId: string | null = null;
  paused = false;
  readonly streams = new Map<number, StreamConfig>();
  /** What each participant's browser decodes, from the hello on its current socket. Absent (not
   * connected, or not said hello yet): not counted, so a joining viewer changes the codec once at most. */
  readonly #decoders = new Map<string, readonly CodecFamily[]>();
  readonly admission: Admission;
  participants = new Map<string, ParticipantState>();
  readonly #recording: RecordingSink;
  /** Whose streams the recording was last fed from (a new presenter's stream is followed). */
  #lastPresenterId: string | null = null;
  #visitorDeclined = false;
  private guestCount = 0;
  private readonly clock: Clock;
  private readonly hooks: SessionHooks;
  private readonly maxLogEntries: number;
  private log: SessionLog;

  constructor(init: SessionInit) {
    this.id = init.id;
    this.key = init.key;
    this.token = init.token;
    this.#host = init.host;
    this.record = init.record;
    this.policy = init.policy;
    this.recordRequested = init.recordRequested;
    this.clock = init.clock;
    this.hooks = init.hooks;
    this.#recording = new RecordingSink({
      ...init.recording,
      // The session key never goes into a file name (it would outlive the session in the CRM).
      baseName: `sightline-${new Date(init.clock.now()).toISOString().slice(0, 10)}-${init.id.slice(2, 12)}`,
      onStopped: (reason) => {
        this.log.add('Sightline', 'recording', STOP_TEXT[reason]);
        this.hooks.changed(this);
      },
      onStarted: (stream, container) => {
        // Said once, so whoever plays it later knows why it is WebM (Safari on iPhone/iPad may not play it).
        if (container === 'webm' && stream.canEncodeH264 === false)
          this.log.add('Sightline', 'recording', "recording as WebM: the presenter's browser has no H.264 encoder");
      },
    });
    this.admission = new Admission(init.policy, init.maxLobby);
    this.maxLogEntries = init.maxLogEntries;
    const r = init.restored;
    this.createdAt = r?.createdAt ?? init.clock.now();
    this.expiresAt = this.createdAt + init.policy.waitingTimeoutMinutes * 60_000;
    this.log = new SessionLog(init.clock, (entry) => this.hooks.logged(this, entry), r?.log);
    if (r) this.#resume(r);
    else this.log.add(init.host.displayName, 'session', `started the session for ${init.record.label}`);
  }

  /**
   * Goes on from the journal: everyone is disconnected until their client reconnects here (the usual
   * reconnect grace applies), nobody presents, and the screen must be shared again.
   */
  #resume(r: RestoredSession): void {
    for (const p of r.participants) {
      this.participants.set(p.id, p);
      if (p.role === 'guest') this.guestCount++;
    }
    this.log.add(
      'Sightline',
      'session',
      'session moved to another relay node (its node failed); the screen must be shared again',
    );
    // The file was being written on the dead node: it is gone. A new recording starts (consents hold)
    // once the screen is shared again, so the report's recording covers only the time after the move.
    if (r.recording === 'on')
      this.log.add(
        'Sightline',
        'recording',
        'the recording in progress was lost with its relay node; a new one starts when the screen is shared again',
      );
    if (this.seenGuests().length > 0) {
      this.status = 'customer_absent';
      this.absentSince = this.clock.now();
    }
  }

  /** Who hosts: the agent who started the session, or the supervisor who took it over. */
  get host(): AgentIdentity {
    return this.#host;
  }

  // ---- participants -------------------------------------------------------------------------

  /** A guest with the key or link: admitted (the first one, or an open session) or waiting in the lobby. */
  addGuest(id: string, contact: Contact): ParticipantState {
    const arrival = this.admission.arrive(this.activeGuests().length, this.lobbyGuests().length);
    this.guestCount++;
    const name = contact.name || `Guest ${this.guestCount}`;
    const details = [contact.email, contact.phone].filter(Boolean).join(', ');
    const p = this.add(id, 'guest', name, contact, undefined, arrival === 'admitted');
    if (p.admitted) this.log.add(p.displayName, 'join', `joined as a guest${details ? ` (${details})` : ''}`);
    else this.log.add(p.displayName, 'lobby', `asks to join${details ? ` (${details})` : ''}`);
    return p;
  }

  /** Guests waiting for the host. */
  lobbyGuests(): ParticipantState[] {
    return [...this.participants.values()].filter((p) => !p.admitted && p.leftAt === null);
  }

  admit(id: string, guestId: string): void {
    const host = this.hostOnly(id, 'only the host lets guests in');
    const g = this.waitingGuest(guestId);
    if (!this.admission.mayAdmit(this.activeGuests().length))
      throw new SessionRuleError('not_allowed', `the session already has ${this.policy.maxGuests} guests`);
    g.admitted = true;
    this.log.add(host.displayName, 'lobby', `let ${describe(g)} in`);
    this.log.add(g.displayName, 'join', 'joined as a guest');
    this.hooks.changed(this);
  }

  deny(id: string, guestId: string): void {
    const host = this.hostOnly(id, 'only the host turns guests away');
    const g = this.waitingGuest(guestId);
    g.leftAt = this.clock.now();
    g.connected = false;
    this.log.add(host.displayName, 'lobby', `did not let ${describe(g)} in`);
    this.hooks.removed(this, g.id, 'denied');
    this.hooks.changed(this);
  }

  /** The host removes anyone but themselves; a removed guest's tickets die with it. */
  remove(id: string, participantId: string): void {
    const host = this.hostOnly(id, 'only the host removes participants');
    const p = this.participants.get(participantId);
    if (!p || p.leftAt !== null || p.id === host.id)
      throw new SessionRuleError('not_allowed', 'remove names another participant in the session');
    if (!p.admitted) return this.deny(id, participantId);
    this.hooks.removed(this, p.id, 'removed');
    this.leave(p.id, `was removed by ${host.displayName}`);
  }

  private hostOnly(id: string, message: string): ParticipantState {
    const p = this.participant(id);
    if (p.role !== 'host') throw new SessionRuleError('not_allowed', message);
    return p;
  }

  private waitingGuest(guestId: string): ParticipantState {
    const g = this.participants.get(guestId);
    if (!g || g.admitted || g.leftAt !== null)
      throw new SessionRuleError('not_allowed', 'nobody by that id is waiting');
    return g;
  }

  /** The host, or another agent invited to the session. Returns the existing one on a console reload. */
  addAgent(id: string, agent: AgentIdentity): ParticipantState {
    const existing = this.agentParticipant(agent);
    if (existing && existing.leftAt === null) return existing;
    const role: Role = sameAgent(agent, this.host) ? 'host' : 'agent';
    const contact: Contact = agent.email
      ? { name: agent.displayName, email: agent.email }
      : { name: agent.displayName };
    const p = this.add(id, role, agent.displayName, contact, agent);
    this.log.add(p.displayName, 'join', `joined as ${role === 'host' ? 'the host' : 'an agent'}`);
    return p;
  }

  /**
   * A supervisor (the relay checked their CRM permission and team) joins to watch: everyone sees them
   * in the session and the log says so. They never present, point or control, and do not chat.
   */
  addSupervisor(id: string, agent: AgentIdentity): ParticipantState {
    const existing = this.agentParticipant(agent);
    if (existing && existing.leftAt === null) return existing;
    const contact: Contact = agent.email
      ? { name: agent.displayName, email: agent.email }
      : { name: agent.displayName };
    const p = this.add(id, 'supervisor', agent.displayName, contact, agent);
    this.log.add(p.displayName, 'join', 'joined as a supervisor, to watch');
    return p;
  }

  /** The supervisor becomes the host; the host stays on as an agent. */
  takeOver(id: string): void {
    const p = this.participant(id);
    if (p.role !== 'supervisor' || !p.agent) throw new SessionRuleError('not_allowed', 'only a supervisor takes over');
    const host = [...this.participants.values()].find((h) => h.role === 'host' && h.leftAt === null);
    if (host) host.role = 'agent';
    p.role = 'host';
    const from = this.#host.displayName;
    this.#host = p.agent;
    this.log.add(p.displayName, 'session', `took over the session from ${from}`);
    this.hooks.changed(this);
  }

  agentParticipant(agent: AgentIdentity): ParticipantState | undefined {
    for (const p of this.participants.values()) if (p.agent && sameAgent(p.agent, agent)) return p;
    return undefined;
  }

  participant(id: string): ParticipantState {
    const p = this.participants.get(id);
    if (!p || p.leftAt !== null) throw new SessionRuleError('not_allowed', 'you are not in this session');
    if (!p.admitted) throw new SessionRuleError('not_allowed', 'wait until the host lets you in');
    return p;
  }

  connect(id: string, reconnect: boolean): void {
    const p = this.participant(id);
    p.connected = true;
    p.seen = true;
    p.disconnectedAt = null;
    if (reconnect) this.log.add(p.displayName, 'connection', 'reconnected');
    this.refreshStatus();
  }

  disconnect(id: string): void {
    const p = this.participants.get(id);
    if (!p || !p.connected) return;
    p.connected = false;
    this.#decoders.delete(id);
    p.disconnectedAt = this.clock.now();
    this.log.add(p.displayName, 'connection', 'lost the connection');
    // A presenter who drops must restart sharing; control never survives a lost presenter.
    if (this.presenterId === id) this.clearPresenter(p);
    this.refreshStatus();
  }

  /** Leaves for good (explicit leave, or gone past the reconnect grace period). */
  leave(id: string, text = 'left the session'): void {
    const p = this.participants.get(id);
    if (!p || p.leftAt !== null) return;
    p.leftAt = p.connected ? this.clock.now() : (p.disconnectedAt ?? this.clock.now());
    p.connected = false;
    this.#decoders.delete(id);
    if (this.presenterId === id) this.clearPresenter(p);
    if (this.controllerId === id) this.controllerId = null;
    if (this.handover?.participantId === id || this.handover?.by === id) this.handover = null;
    if (!p.admitted) {
      this.log.add(p.displayName, 'lobby', 'stopped waiting');
      this.hooks.changed(this);
      return;
    }
    this.log.add(p.displayName, 'leave', text);
    if (p.role === 'guest' && this.seenGuests().length > 0 && this.activeGuests().length === 0) {
      this.hooks.end(this, 'last_guest_left');
      return;
    }
    this.refreshStatus();
  }

  activeGuests(): ParticipantState[] {
    return [...this.participants.values()].filter((p) => p.role === 'guest' && p.admitted && p.leftAt === null);
  }

  private seenGuests(): ParticipantState[] {
    return [...this.participants.values()].filter((p) => p.role === 'guest' && p.admitted && p.seen);
  }

  private refreshStatus(): void {
    if (this.status === 'ended') return;
    const guests = this.activeGuests();
    const before = this.status;
    if (guests.some((g) => g.connected)) {
      this.status = 'in_progress';
      this.absentSince = null;
    } else if (this.seenGuests().length > 0) {
      this.status = 'customer_absent';
      this.absentSince ??= this.clock.now();
    }
    if (before !== this.status && this.status !== 'waiting')
      this.log.add('Sightline', 'session', this.status === 'in_progress' ? 'session in progress' : 'customer absent');
    this.hooks.changed(this);
  }

  // ---- consent, presenting, control ---------------------------------------------------------

  consent(id: string, view: boolean, recording: boolean | undefined): void {
    const p = this.participant(id);
    if (p.role !== 'guest') throw new SessionRuleError('not_allowed', 'only a guest answers the consent prompt');
    p.consentView = view;
    this.log.add(
      p.displayName,
      'consent',
      view ? 'allowed the agent to see the shared screen' : 'refused screen sharing',
    );
    if (recording !== undefined) {
      p.consentRecording = recording;
      this.log.add(p.displayName, 'consent', recording ? 'allowed recording' : 'refused recording');
    }
    if (!view) {
      this.hooks.end(this, 'consent_refused');
      return;
    }
    this.updateRecording();
    this.hooks.changed(this);
  }

  /** A guest's answer to the recording question asked after they joined (the host started recording later). */
  recordingConsent(id: string, allow: boolean): void {
    const p = this.participant(id);
    if (!this.recordingQuestionOpen(p))
      throw new SessionRuleError('not_allowed', 'there is no recording question for you to answer');
    p.consentRecording = allow;
    this.log.add(p.displayName, 'consent', allow ? 'allowed recording' : 'refused recording');
    this.updateRecording();
    this.hooks.changed(this);
  }

  /** A guest's step on the join page; only declining goes into the log. Returns the guest's name. */
  presence(id: string, state: GuestPresence): string {
    const p = this.participant(id);
    if (p.role !== 'guest') throw new SessionRuleError('not_allowed', 'only a guest reports their presence');
    if (state === 'declined') this.log.add(p.displayName, 'consent', 'declined to share');
    return p.displayName;
  }

  /**
   * Someone with the key or link, not yet joined (the join page's steps before the socket). Only declining
   * goes into the log, once per session and while the log has room. Returns the name the agents read.
   */
  visitorPresence(state: GuestPresence, name: string | undefined): string {
    const who = name || 'The customer';
    if (state === 'declined' && !this.#visitorDeclined && this.log.size < this.maxLogEntries) {
      this.#visitorDeclined = true;
      this.log.add(who, 'consent', 'declined to share before joining');
    }
    return who;
  }

  /** The guest would not pick a screen to share: like refusing consent, it ends the session. */
  shareRefused(id: string): void {
    const p = this.participant(id);
    if (p.role !== 'guest') throw new SessionRuleError('not_allowed', 'only a guest refuses to share');
    this.log.add(p.displayName, 'consent', 'did not share a screen');
    this.hooks.end(this, 'share_refused');
  }

  startStream(id: string, config: StreamConfig): void {
    const p = this.participant(id);
    if (p.role === 'supervisor') throw new SessionRuleError('not_allowed', 'a supervisor watches and does not present');
    this.mayPresent(p);
    if (p.role === 'guest' && p.consentView !== true)
      throw new SessionRuleError('no_consent', 'answer the consent prompt before sharing');
    if (this.presenterId !== null && this.presenterId !== id)
      throw new SessionRuleError(
        'not_allowed',
        `${this.participants.get(this.presenterId)?.displayName} is presenting`,
      );
    if (config.simulcastOf !== undefined) {
      const of = this.streams.get(config.simulcastOf);
      if (config.simulcastOf === config.stream || !of || of.simulcastOf !== undefined)
        throw new SessionRuleError(
          'bad_message',
          `stream ${config.stream} is a rendition of stream ${config.simulcastOf}, which is not a started stream of its own`,
        );
    }
    const first = this.streams.size === 0;
    this.presenterId = id;
    if (this.handover?.participantId === id) this.handover = null;
    this.streams.set(config.stream, config);
    if (first) this.log.add(p.displayName, 'share', `started sharing (${config.surface})`);
    // The recording follows whoever presents: the same file if the new stream's format fits it.
    if (first && this.#lastPresenterId !== null && this.#lastPresenterId !== id) this.#recording.follow(config);
    else this.#recording.formatChanged(config);
    this.#lastPresenterId = id;
    this.updateRecording();
    this.hooks.changed(this);
  }

  /** The policy's word on who may show a screen: a guest's to the agents, an agent's own to the guests. */
  private mayPresent(p: ParticipantState): void {
    if (p.role === 'guest' && !this.policy.allowViewGuestScreen)
      throw new SessionRuleError('not_allowed', "this session's policy does not allow viewing a guest's screen");
    if (p.role !== 'guest' && !this.policy.hostsMayShowScreens)
      throw new SessionRuleError('not_allowed', "this session's policy does not allow agents to show their screen");
  }

  // ---- presenter handover -------------------------------------------------------------------

  /** An agent asks a guest to present; the guest's page asks them before anything is captured. */
  askToPresent(id: string, guestId: string): void {
    const agent = this.agentOnly(id, 'only an agent asks a guest to present');
    const guest = this.handoverGuest(guestId);
    this.handover = { participantId: guest.id, kind: 'asked', by: agent.id };
    this.log.add(agent.displayName, 'share', `asked ${guest.displayName} to present`);
    this.hooks.changed(this);
  }

  /** A guest asks to present; an agent answers. */
  requestToPresent(id: string): void {
    const guest = this.handoverGuest(id);
    if (this.handover?.participantId === id && this.handover.kind === 'requested') return;
    this.handover = { participantId: guest.id, kind: 'requested', by: guest.id };
    this.log.add(guest.displayName, 'share', 'asked to present');
    this.hooks.changed(this);
  }

  /**
   * The answer to the open handover about `guestId`: the guest answers an agent's ask, an agent a guest's
   * request. Yes makes the guest the presenter (the former presenter's screen stops being shown); no
   * leaves everything as it was and ends nothing.
   */
  answerHandover(id: string, guestId: string, accept: boolean): void {
    const p = this.participant(id);
    const h = this.handover;
    if (!h || h.participantId !== guestId)
      throw new SessionRuleError('not_allowed', 'there is no open request to present about that participant');
    const answerer = h.kind === 'asked' ? p.id === guestId : p.role !== 'guest';
    if (!answerer)
      throw new SessionRuleError(
        'not_allowed',
        h.kind === 'asked' ? 'only the guest who was asked answers' : 'only an agent answers a request to present',
      );
    const guest = this.handoverGuest(guestId);
    this.handover = null;
    if (!accept) {
      this.log.add(
        p.displayName,
        'share',
        h.kind === 'asked' ? 'declined to present' : `did not let ${guest.displayName} present`,
      );
      this.hooks.changed(this);
      return;
    }
    this.log.add(p.displayName, 'share', h.kind === 'asked' ? 'agreed to present' : `let ${guest.displayName} present`);
    if (guest.consentView !== true) {
      // Agreeing to present is the guest's consent to be seen.
      guest.consentView = true;
      this.log.add(guest.displayName, 'consent', 'allowed the agent to see the shared screen');
    }
    this.handPresenterTo(guest);
  }

  /** An agent becomes the presenter now, to show their own screen (or to take the role back). */
  takePresenter(id: string): void {
    const agent = this.agentOnly(id, 'only an agent takes the presenter role');
    this.mayPresent(agent);
    if (this.presenterId === id) return;
    if (this.handover?.kind === 'asked') this.handover = null;
    this.handPresenterTo(agent);
  }

  private handPresenterTo(next: ParticipantState): void {
    const before = this.presenterId ? this.participants.get(this.presenterId) : undefined;
    if (before && before.id !== next.id) this.clearPresenter(before);
    this.presenterId = next.id;
    this.log.add(
      next.displayName,
      'share',
      before && before.id !== next.id ? `presents instead of ${before.displayName}` : 'is the presenter',
    );
    this.hooks.changed(this);
  }

  private agentOnly(id: string, message: string): ParticipantState {
    const p = this.participant(id);
    if (p.role === 'guest') throw new SessionRuleError('not_allowed', message);
    return p;
  }

  /** A guest in the session who may become the presenter under the policy. */
  private handoverGuest(guestId: string): ParticipantState {
    const g = this.participants.get(guestId);
    if (!g || g.role !== 'guest' || !g.admitted || g.leftAt !== null)
      throw new SessionRuleError('not_allowed', 'only a guest in the session can be asked to present');
    this.mayPresent(g);
    if (this.presenterId === g.id) throw new SessionRuleError('not_allowed', `${g.displayName} is already presenting`);
    return g;
  }

  stopStream(id: string, stream: number): void {
    const p = this.participant(id);
    if (this.presenterId !== id) throw new SessionRuleError('not_presenter', 'you are not presenting');
    // Its renditions show nothing without it. The last stream's stop clears the presenter (and logs it).
    const gone = new Set([stream]);
    for (const [other, config] of this.streams) if (config.simulcastOf === stream) gone.add(other);
    if ([...this.streams.keys()].every((s) => gone.has(s))) this.clearPresenter(p);
    else for (const s of gone) this.streams.delete(s);
    this.hooks.changed(this);
  }

  private clearPresenter(p: ParticipantState): void {
    const shared = this.streams.size > 0;
    this.streams.clear();
    this.presenterId = null;
    this.paused = false;
    if (shared) this.log.add(p.displayName, 'share', 'stopped sharing');
    if (this.controllerId !== null) {
      const c = this.participants.get(this.controllerId);
      this.controllerId = null;
      this.log.add(p.displayName, 'control', `control ended for ${c?.displayName}`);
    }
    this.updateRecording();
  }

  /** The presenter's frames may be routed (guests only after they allowed viewing). */
  mayForward(id: string): boolean {
    if (this.presenterId !== id || this.status === 'ended') return false;
    const p = this.participants.get(id);
    return p !== undefined && (p.role !== 'guest' || p.consentView === true);
  }

  /** Whether `viewerId` receives the current presenter's screen. */
  mayView(viewerId: string): boolean {
    if (viewerId === this.presenterId) return false;
    const viewer = this.participants.get(viewerId);
    const presenter = this.presenterId ? this.participants.get(this.presenterId) : undefined;
    if (!viewer || !presenter || viewer.leftAt !== null || !viewer.admitted) return false;
    // Without "guests may show screens", a guest's screen is shown to the agents only.
    return !(presenter.role === 'guest' && viewer.role === 'guest' && !this.policy.guestsMayShowScreens);
  }

  /**
   * A socket's hello said what its browser decodes (undefined: an older client, LEGACY_DECODERS).
   * Also told by a guest still in the lobby: counted once they are admitted.
   */
  setDecoders(id: string, decoders: readonly CodecFamily[] | undefined): void {
    const p = this.participants.get(id);
    if (!p || p.leftAt !== null) return;
    this.#decoders.set(id, decoders ?? LEGACY_DECODERS);
    this.hooks.changed(this);
  }

  /** The families every connected viewer of the presenter decodes (all of them while nobody presents). */
  private viewerDecoders(): CodecFamily[] {
    let common = [...codecFamilySchema.options];
    for (const [id, decoders] of this.#decoders) {
      if (this.participants.get(id)?.connected && this.mayView(id)) common = common.filter((f) => decoders.includes(f));
    }
    return common;
  }

  setPaused(id: string, paused: boolean): void {
    const p = this.participant(id);
    if (this.presenterId !== id) throw new SessionRuleError('not_presenter', 'only the presenter pauses the screen');
    if (this.paused === paused) return;
    this.paused = paused;
    this.log.add(p.displayName, 'pause', paused ? 'hid the screen' : 'showed the screen again');
    this.hooks.changed(this);
  }

  /** Returns the presenter's id, to whom the request is forwarded. */
  requestControl(id: string): string {
    const p = this.participant(id);
    if (this.presenterId === null) throw new SessionRuleError('not_allowed', 'nobody is presenting');
    if (this.presenterId === id) throw new SessionRuleError('not_allowed', 'you are the presenter');
    if (p.role === 'supervisor') throw new SessionRuleError('not_allowed', 'a supervisor watches and never controls');
    // An agent shows their screen from the console, which can be pointed at but never controlled.
    if (this.participants.get(this.presenterId)?.role !== 'guest')
      throw new SessionRuleError('not_allowed', "an agent's shown screen can be pointed at, not controlled");
    if (!this.policy.presentersMayShareControl)
      throw new SessionRuleError('not_allowed', "this session's policy does not allow sharing control");
    this.log.add(p.displayName, 'control', 'asked for control');
    return this.presenterId;
  }

  grantControl(id: string, to: string): void {
    const p = this.participant(id);
    if (this.presenterId !== id) throw new SessionRuleError('not_presenter', 'only the presenter grants control');
    if (!this.policy.presentersMayShareControl)
      throw new SessionRuleError('not_allowed', "this session's policy does not allow sharing control");
    const target = this.participants.get(to);
    if (!target || target.leftAt !== null || to === id || target.role === 'supervisor')
      throw new SessionRuleError('not_allowed', 'control can only be granted to another participant in the session');
    this.controllerId = to;
    this.log.add(p.displayName, 'control', `granted control to ${target.displayName}`);
    this.hooks.changed(this);
  }

  /** The presenter takes control back at any moment; the controller may hand it back. */
  revokeControl(id: string): void {
    const p = this.participant(id);
    if (this.presenterId !== id && this.controllerId !== id)
      throw new SessionRuleError('not_allowed', 'only the presenter or the controller ends control');
    if (this.controllerId === null) return;
    const c = this.participants.get(this.controllerId);
    this.controllerId = null;
    this.log.add(
      p.displayName,
      'control',
      id === this.presenterId ? `revoked control from ${c?.displayName}` : 'gave control back',
    );
    this.hooks.changed(this);
  }

  mayInput(id: string): boolean {
    return this.presenterId !== null && this.controllerId === id;
  }

  // ---- chat, notes, invitations -------------------------------------------------------------

  chat(id: string, text: string): LogEntry {
    const p = this.participant(id);
    if (p.role === 'supervisor')
      throw new SessionRuleError('not_allowed', 'a supervisor watches; write a private note to the agents');
    this.roomInLog();
    return this.log.add(p.displayName, 'chat', text);
  }

  note(id: string, text: string): LogEntry {
    const p = this.participant(id);
    if (p.role === 'guest') throw new SessionRuleError('not_allowed', 'notes are for agents');
    this.roomInLog();
    return this.log.add(p.displayName, 'note', text);
  }

  /** The log so far (an agent's console is shown it on every welcome). */
  logEntries(): LogEntry[] {
    return this.log.list();
  }

  /** The log goes to the CRM in one record: chat and notes stop at limits.maxLogEntriesPerSession. */
  private roomInLog(): void {
    if (this.log.size >= this.maxLogEntries)
      throw new SessionRuleError('not_allowed', `this session's log is full (${this.maxLogEntries} entries)`);
  }

  /** Only the host invites; returns the one-time token that admits that person (their CRM email) only. */
  inviteAgent(id: string, email: string): string {
    const p = this.hostOnly(id, 'only the host invites other agents');
    const invitation = this.admission.invite(email);
    this.log.add(p.displayName, 'invite', `invited agent ${email}`);
    return invitation;
  }

  // ---- recording ----------------------------------------------------------------------------

  /** What the guest's prompt asks and the snapshot shows. */
  get recordingWanted(): boolean {
    return this.policy.recording === 'always' || (this.policy.recording === 'host' && this.recordRequested);
  }

  setRecording(id: string, on: boolean): void {
    const p = this.participant(id);
    if (p.role !== 'host') throw new SessionRuleError('not_allowed', 'only the host starts or stops recording');
    if (this.policy.recording === 'never')
      throw new SessionRuleError('not_allowed', 'the policy does not allow recording');
    if (this.policy.recording === 'always' && !on)
      throw new SessionRuleError('not_allowed', 'the policy records every session');
    if (on && this.recordingRefused()) throw new SessionRuleError('no_consent', 'the customer refused recording');
    this.recordRequested = on;
    this.updateRecording(p.displayName);
    this.hooks.changed(this);
    // Kept as requested: guests who join from now on are asked, and it starts when one allows it. While
    // present guests are being asked the snapshot says so ('asking'), which is the agent's hint.
    if (on && !this.#recording.isRecording && this.recordingState() !== 'asking')
      throw new SessionRuleError('no_consent', 'recording starts once the customer allows it and shares a screen');
  }

  /** Where the Room feeds the accepted frames, beside the viewer queues (the session only switches it). */
  get recordingSink(): FrameSink {
    return this.#recording;
  }

  private recordingRefused(): boolean {
    return [...this.participants.values()].some((p) => p.role === 'guest' && p.consentRecording === false);
  }

  /** A guest in the session who let the agent see their screen but was never asked about recording
   * (they joined before it was wanted): they are asked now, and nothing is recorded until they answer. */
  private recordingQuestionOpen(p: ParticipantState): boolean {
    return (
      this.recordingWanted &&
      p.role === 'guest' &&
      p.admitted &&
      p.leftAt === null &&
      p.consentView === true &&
      p.consentRecording === null
    );
  }

  private recordingAsked(): boolean {
    return [...this.participants.values()].some((p) => this.recordingQuestionOpen(p));
  }

  private recordingState(): SessionSnapshot['recording'] {
    if (this.policy.recording === 'never') return 'not_allowed';
    if (this.recordingRefused()) return 'refused';
    if (this.recordingAsked()) return 'asking';
    return this.#recording.isRecording ? 'on' : 'off';
  }

  private updateRecording(actor = 'Sightline'): void {
    const consented =
      [...this.participants.values()].some((p) => p.role === 'guest' && p.consentRecording === true) &&
      !this.recordingRefused() &&
      !this.recordingAsked();
    // A simulcast rendition is a smaller copy of its stream: the recording keeps the full picture.
    const recordable = [...this.streams.values()].filter((s) => s.simulcastOf === undefined);
    const stream = this.presenterId ? recordable.sort((a, b) => a.stream - b.stream)[0] : undefined;
    const on = this.recordingWanted && consented && stream !== undefined && this.status !== 'ended';
    const wasOn = this.#recording.isRecording;
    this.#recording.sync(on && stream ? stream : null);
    const isOn = this.#recording.isRecording;
    if (isOn !== wasOn) this.log.add(actor, 'recording', isOn ? 'recording started' : 'recording stopped');
  }

  // ---- snapshot, end, report ----------------------------------------------------------------

  snapshot(): SessionSnapshot {
    return {
      id: this.id,
      key: this.key,
      status: this.status,
      record: { ...this.record },
      participants: [...this.participants.values()]
        .filter((p) => p.leftAt === null && p.admitted)
        .map(publicParticipant),
      lobby: this.lobbyGuests().map(publicParticipant),
      presenterId: this.presenterId,
      handover: this.handover,
      controllerId: this.controllerId,
      paused: this.paused,
      recording: this.recordingState(),
      streams: [...this.streams.values()],
      decoders: this.viewerDecoders(),
    };
  }

  /** Marks the session ended (synchronously: nothing more is routed or recorded). */
  markEnded(reason: EndReason, by: string): void {
    if (this.status === 'ended') return;
    const now = this.clock.now();
    if (this.#recording.isRecording) this.log.add('Sightline', 'recording', 'recording stopped');
    this.#recording.sync(null);
    this.status = 'ended';
    this.endReason = reason;
    this.endedAt = now;
    this.presenterId = null;
    this.handover = null;
    this.controllerId = null;
    this.streams.clear();
    for (const p of this.participants.values()) {
      if (p.leftAt === null) p.leftAt = p.connected ? now : (p.disconnectedAt ?? now);
      p.connected = false;
    }
    this.log.add(by, 'session', `session ended (${reason.replaceAll('_', ' ')})`);
  }

  /** Finalizes the recording and hands everything over; the session keeps nothing afterwards. */
  async takeReport(): Promise<SessionReport> {
    // A muxer failure loses the recording (the log says so), never the report.
    const recording: Recording | null = await this.#recording.finish().catch(() => {
      this.log.add('Sightline', 'recording', STOP_TEXT.muxer_error);
      return null;
    });
    const endedAt = this.endedAt ?? this.clock.now();
    // A guest the host never let in is no attendee (no Lead for someone turned away at the door).
    const attendees: Attendee[] = [...this.participants.values()]
      .filter((p) => p.admitted)
      .map((p) => ({
        participantId: p.id,
        role: p.role,
        displayName: p.displayName,
        contact: { ...p.contact },
        ...(p.agent ? { agent: p.agent } : {}),
        joinedAt: iso(p.joinedAt),
        leftAt: p.leftAt === null ? null : iso(p.leftAt),
      }));
    this.participants = new Map();
    // The key is not in the report: nothing after the session needs it, and it must not reach the CRM.
    return {
      sessionId: this.id,
      record: this.record,
      host: this.host,
      policy: this.policy,
      startedAt: iso(this.createdAt),
      endedAt: iso(endedAt),
      endReason: this.endReason ?? 'host_ended',
      durationSeconds: Math.round((endedAt - this.createdAt) / 1000),
      attendees,
      log: this.log.drain(),
      recording,
    };
  }

  private add(
    id: string,
    role: Role,
    displayName: string,
    contact: Contact,
    agent?: AgentIdentity,
    admitted = true,
  ): ParticipantState {
    const p: ParticipantState = {
      admitted,
      id,
      role,
      displayName,
      contact,
      ...(agent ? { agent } : {}),
      joinedAt: this.clock.now(),
      leftAt: null,
      connected: false,
      seen: false,
      disconnectedAt: null,
      consentView: null,
      consentRecording: null,
    };
    this.participants.set(id, p);
    this.hooks.changed(this);
    return p;
  }
}

function sameAgent(a: AgentIdentity, b: AgentIdentity): boolean {
  return a.crm === b.crm && a.userId === b.userId;
}

/** "Sam (sam@globex.example)", as the host reads a lobby request. */
function describe(p: ParticipantState): string {
  return p.contact.email ? `${p.displayName} (${p.contact.email})` : p.displayName;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function publicParticipant(p: ParticipantState): Participant {
  return {
    id: p.id,
    role: p.role,
    displayName: p.displayName,
    contact: { ...p.contact },
    connected: p.connected,
    joinedAt: iso(p.joinedAt),
  };
}
