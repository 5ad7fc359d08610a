// The one owner of session state on this relay: creates sessions, resolves keys, link tokens and
// WebSocket tickets, runs the expiry sweeper and ends sessions. On end it emits one `ended`
// SessionReport and drops every reference to the session (keys, tickets, participants, recording).
import { EventEmitter } from 'node:events';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { SightlineConfig } from '@sightline/config';
import type { Contact, GuestPresence, LogEntry, SessionSnapshot } from '../protocol/index.ts';
import { applyContactPolicy } from './contact.ts';
import { AgentSessionLimitError, KeyInUseError, SessionNotFoundError } from './errors.ts';
import type { LimiterFactory } from '../cluster/limiters.ts';
import { KeyGuard, keyLengthFor } from './KeyGuard.ts';
import { digest, matchesDigest, randomDigits, randomToken, SecretIndex } from './secrets.ts';
import { Session, publicParticipant as publicOf, type ParticipantState, type SessionInit } from './Session.ts';
import type { JournaledSession } from './SessionJournal.ts';
import { RecordingBudget } from '../recording/RecordingBudget.ts';
import { recordingSpillDir } from '../recording/spillDir.ts';
import type {
  AgentIdentity,
  Clock,
  CreatedSession,
  CreateSessionInput,
  Crm,
  EndReason,
  JoinInfo,
  ParticipantTicket,
  SessionInfo,
  SessionReport,
} from './types.ts';

export interface SessionRegistryEvents {
  /** A session was created, or rebuilt from a dead node's journal (the session journal records it from here). */
  created: [{ sessionId: string }];
  /** A participant was issued a ticket (the journal keeps its digest, for a resume on another node). */
  ticket: [{ sessionId: string }];
  /** Once per session, after it ended and its recording was finalized. */
  ended: [SessionReport];
  /** Any change visible in the snapshot (participants, status, presenter, control, recording). */
  changed: [SessionSnapshot];
  /** Synchronously when a session ends, before the report (routing closes the sockets). */
  ending: [{ sessionId: string; reason: EndReason }];
  /** Every log entry as it is written (routing shows it to the session's agents). */
  logged: [{ sessionId: string; entry: LogEntry }];
  /** An agent invited another agent by email; the control plane sends the invitation. */
  'invite-agent': [{ sessionId: string; email: string; invitedBy: AgentIdentity | null; invitation: string }];
  /** Someone with the key or link, before joining, is at a step of the join page (agents are told). */
  presence: [{ sessionId: string; name: string; state: GuestPresence }];
  /** The host turned a waiting guest away or removed a participant (tickets already revoked). */
  removed: [{ sessionId: string; participantId: string; reason: 'denied' | 'removed' }];
}

export interface SessionRegistryOptions {
  config: SightlineConfig;
  logger: Logger;
  clock?: Clock;
  /** How long a disconnected participant may reconnect, and how long a session stays customer_absent. */
  graceMs?: number;
  /** node-cron expression of the sweeper (expiry, grace periods). */
  sweepSchedule?: string;
  /** Where the wrong-key limit counts (memory by default; Redis in cluster mode). */
  limiters?: LimiterFactory;
}

export interface TicketHolder {
  session: Session;
  participantId: string;
}

const systemClock: Clock = { now: () => Date.now() };

export class SessionRegistry extends EventEmitter<SessionRegistryEvents> {
  readonly clock: Clock;
  readonly graceMs: number;
  private readonly config: SightlineConfig;
  private readonly logger: Logger;
  private readonly sweepSchedule: string;
  private readonly sessions = new Map<string, Session>();
  private readonly index = new SecretIndex();
  /** index(key) -> session id, with the key's digest to confirm in constant time. */
  private readonly keys = new Map<string, { sessionId: string; digest: Buffer }>();
  private readonly tokens = new Map<string, { sessionId: string; digest: Buffer }>();
  private readonly tickets = new Map<string, { sessionId: string; participantId: string; digest: Buffer }>();
  /** Tickets of sessions taken over from a dead node, by digest (base64url): the clients still hold them. */
  private readonly restoredTickets = new Map<string, { sessionId: string; participantId: string }>();
  /** Per session: ticket index keys, to revoke them all on end. */
  private readonly ticketsOf = new Map<string, Map<string, string>>();
  private readonly keyGuard: KeyGuard;
  private readonly recordingBudget: RecordingBudget;
  private task: ScheduledTask | null = null;

  constructor({
    config,
    logger,
    clock,
    graceMs = 60_000,
    sweepSchedule = '*/5 * * * * *',
    limiters,
  }: SessionRegistryOptions) {
    super();
    this.config = config;
    this.logger = logger.child({ component: 'sessions' });
    this.clock = clock ?? systemClock;
    this.graceMs = graceMs;
    this.sweepSchedule = sweepSchedule;
    this.recordingBudget = new RecordingBudget(config.limits.recordingMemoryBudgetBytes);
    this.keyGuard = new KeyGuard({
      perSourcePerMinute: config.limits.wrongKeysPerSourcePerMinute,
      ...(limiters && { limiters }),
    });
  }

  /** Starts the sweeper (expiry after policy.waitingTimeoutMinutes, grace periods). */
  start(): void {
    if (this.task) return;
    this.task = cron.schedule(this.sweepSchedule, () => this.sweep(), {
      noOverlap: true,
      logger: cronLogger(this.logger.child({ component: 'sweeper' })),
    });
  }

  /** Stops the sweeper; live sessions are left as they are (call endAll to end them). */
  stop(): void {
    void this.task?.destroy();
    this.task = null;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Live counts for the metrics gauges and health checks. */
  counts(): { sessions: Record<string, number>; participants: number } {
    const sessions: Record<string, number> = {};
    let participants = 0;
    for (const s of this.sessions.values()) {
      sessions[s.status] = (sessions[s.status] ?? 0) + 1;
      for (const p of s.participants.values()) if (p.connected) participants++;
    }
    return { sessions, participants };
  }

  create({ host, record, policy, recordRequested = false }: CreateSessionInput): CreatedSession {
    const max = this.config.limits.maxLiveSessionsPerAgent;
    const hosted = [...this.sessions.values()].filter((s) => s.host.crm === host.crm && s.host.userId === host.userId);
    if (hosted.length >= max)
      throw new AgentSessionLimitError(`you already host ${max} live sessions; end one before starting another`);
    const key = this.newKey(policy);
    const token = randomToken(24);
    const id = `s_${randomToken(16)}`;
    const session = this.build({
      id,
      key,
      token,
      host,
      record,
      policy,
      recordRequested: policy.recording === 'host' && recordRequested,
    });
    this.register(session);
    this.emitSafe('created', { sessionId: id });
    this.logger.info(
      { sessionId: id, crm: record.crm, recordId: record.id, keyMode: policy.keyMode },
      'session created',
    );
    return { sessionId: id, key, token, status: 'waiting', expiresAt: new Date(session.expiresAt).toISOString() };
  }

  private build(
    init: Pick<SessionInit, 'id' | 'key' | 'token' | 'host' | 'record' | 'policy' | 'recordRequested' | 'restored'>,
  ): Session {
    return new Session({
      ...init,
      clock: this.clock,
      recording: {
        memoryBytes: this.config.limits.recordingMemoryBytes,
        maxBytes: this.config.limits.recordingMaxBytes,
        maxPackets: this.config.limits.recordingMaxPackets,
        spillDir: recordingSpillDir(this.config),
        budget: this.recordingBudget,
      },
      maxLobby: this.config.limits.maxLobbyPerSession,
      maxLogEntries: this.config.limits.maxLogEntriesPerSession,
      hooks: {
        changed: (s) => this.emitSafe('changed', s.snapshot()),
        logged: (s, entry) => this.emitSafe('logged', { sessionId: s.id, entry }),
        end: (s, reason) => void this.end(s.id, reason),
        removed: (s, participantId, reason) => {
          this.revokeTickets(s.id, participantId);
          this.emitSafe('removed', { sessionId: s.id, participantId, reason });
        },
      },
    });
  }

  /**
   * Rebuilds, live, a session taken over from a dead node (cluster mode), from its journal: same id,
   * key, link, participants and consents, log so far. Each participant comes back with the ticket
   * their client holds (only its digest was journaled); false if the journal lacks what that needs.
   */
  restore({ state, log }: JournaledSession): boolean {
    const { live } = state;
    if (!live || this.sessions.has(state.sessionId)) return false;
    const now = this.clock.now();
    const participants: ParticipantState[] = state.participants.map((p) => ({
      id: p.participantId,
      role: p.role,
      displayName: p.displayName,
      contact: { ...p.contact },
      ...(p.agent ? { agent: p.agent } : {}),
      joinedAt: Date.parse(p.joinedAt),
      leftAt: p.leftAt === null ? null : Date.parse(p.leftAt),
      connected: false,
      admitted: p.admitted,
      seen: p.admitted,
      disconnectedAt: p.leftAt === null ? now : null,
      consentView: p.consentView ?? null,
      consentRecording: p.consentRecording ?? null,
    }));
    const session = this.build({
      id: state.sessionId,
      key: live.key,
      token: live.token,
      host: state.host,
      record: state.record,
      policy: state.policy,
      recordRequested: live.recordRequested,
      restored: { createdAt: Date.parse(state.startedAt), log, participants, recording: state.recording },
    });
    this.register(session);
    for (const p of state.participants)
      if (p.ticketDigest && p.leftAt === null)
        this.restoredTickets.set(p.ticketDigest, { sessionId: session.id, participantId: p.participantId });
    this.emitSafe('created', { sessionId: session.id });
    this.emitSafe('changed', session.snapshot());
    this.logger.warn({ sessionId: session.id }, 'session taken over from a dead node: live here now');
    return true;
  }

  /** The digest (sha256, base64url) of the participant's current ticket, for the journal; never the ticket. */
  ticketDigestOf(sessionId: string, participantId: string): string | undefined {
    for (const [indexKey, pid] of this.ticketsOf.get(sessionId) ?? [])
      if (pid === participantId) return this.tickets.get(indexKey)?.digest.toString('base64url');
    for (const [d, t] of this.restoredTickets)
      if (t.sessionId === sessionId && t.participantId === participantId) return d;
    return undefined;
  }

  private register(session: Session): void {
    const { id, key, token } = session;
    this.sessions.set(id, session);
    if (key !== null) this.keys.set(this.index.key(key), { sessionId: id, digest: digest(key) });
    this.tokens.set(this.index.key(token), { sessionId: id, digest: digest(token) });
    this.ticketsOf.set(id, new Map());
  }

  /**
   * Resolves a spoken key. A wrong key counts against the source address; past the limit every lookup
   * from that source throws KeyRateLimitedError for a while. Other sources are never affected.
   */
  async lookupByKey(key: string, sourceIp: string): Promise<JoinInfo | null> {
    await this.keyGuard.check(sourceIp);
    const entry = this.keys.get(this.index.key(key));
    const session = entry && matchesDigest(key, entry.digest) ? this.sessions.get(entry.sessionId) : undefined;
    if (!session || session.status === 'ended') {
      await this.keyGuard.wrongKey(sourceIp);
      this.logger.info({ source: sourceIp }, 'wrong session key');
      return null;
    }
    return this.joinInfo(session);
  }

  /** Resolves a join-link token (unguessable, so not rate-limited beyond the HTTP layer's limits). */
  lookupByToken(token: string): JoinInfo | null {
    const entry = this.tokens.get(this.index.key(token));
    if (!entry || !matchesDigest(token, entry.digest)) return null;
    const session = this.sessions.get(entry.sessionId);
    return session ? this.joinInfo(session) : null;
  }

  /**
   * A guest joins with contact details (checked against the policy); returns their WebSocket ticket.
   * The key or link admits the first guest; later ones wait in the lobby (`waiting`) for the host.
   */
  join(sessionId: string, contact: Contact): ParticipantTicket & { waiting: boolean } {
    const session = this.live(sessionId);
    const allowed = applyContactPolicy(contact, session.policy.contactFields);
    const p = session.addGuest(`p_${randomToken(12)}`, allowed);
    return { participant: publicOf(p), ticket: this.issueTicket(session, p.id), waiting: !p.admitted };
  }

  /**
   * The host, an agent already in the session, or the person the host invited: their CRM email with the
   * one-time invitation token from their emailed link. The session id alone opens nothing.
   */
  mayJoinAsAgent(sessionId: string, agent: AgentIdentity, invitation?: string): boolean {
    const s = this.sessions.get(sessionId);
    if (!s || s.status === 'ended') return false;
    if (this.isAgentOf(sessionId, agent)) return true;
    return agent.crm === s.host.crm && s.admission.holdsInvitation(agent, invitation);
  }

  /**
   * Ticket for an agent's console. The host gets the host role; an invited agent joins as "agent" and
   * spends the invitation. A console reload gets the same participant with a fresh ticket.
   */
  agentTicket(sessionId: string, agent: AgentIdentity, invitation?: string): ParticipantTicket {
    const session = this.live(sessionId);
    if (!this.isAgentOf(sessionId, agent) && !session.admission.redeem(agent, invitation))
      throw new SessionNotFoundError(sessionId);
    const p = session.addAgent(`p_${randomToken(12)}`, agent);
    return { participant: publicOf(p), ticket: this.issueTicket(session, p.id) };
  }

  /**
   * A supervisor's console ticket; the caller checked their CRM permission and that the host is in their
   * team. An agent of the session gets their own ticket instead (never downgraded to watching).
   */
  supervisorTicket(sessionId: string, agent: AgentIdentity): ParticipantTicket {
    const session = this.live(sessionId);
    const p = this.isAgentOf(sessionId, agent)
      ? session.addAgent(`p_${randomToken(12)}`, agent)
      : session.addSupervisor(`p_${randomToken(12)}`, agent);
    return { participant: publicOf(p), ticket: this.issueTicket(session, p.id) };
  }

  /** A supervisor (checked by the caller) becomes the host, joining first if they were not watching. */
  takeOver(sessionId: string, agent: AgentIdentity): void {
    const session = this.live(sessionId);
    const p = session.agentParticipant(agent);
    if (p && p.leftAt === null && p.role === 'host') return;
    const supervisor = p && p.leftAt === null ? p : session.addSupervisor(`p_${randomToken(12)}`, agent);
    session.takeOver(supervisor.id);
  }

  /** Live sessions hosted by these users of one CRM org (a supervisor's team), newest first. */
  liveHostedBy(crm: Crm, orgId: string | undefined, userIds: ReadonlySet<string>): SessionInfo[] {
    return [...this.sessions.values()]
      .filter((s) => s.status !== 'ended' && s.host.crm === crm && s.host.orgId === orgId && userIds.has(s.host.userId))
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((s) => this.info(s));
  }

  /** A visitor's step before joining (the key or link was checked by the caller); false when not live here. */
  visitorPresence(sessionId: string, state: GuestPresence, name: string | undefined): boolean {
    const s = this.sessions.get(sessionId);
    if (!s || s.status === 'ended') return false;
    const shown = s.visitorPresence(state, name);
    this.emitSafe('presence', { sessionId, name: shown, state });
    return true;
  }

  /** The WebSocket layer's lookup: the live session and participant a ticket belongs to. */
  resolveTicket(ticket: string): TicketHolder | null {
    const found = this.tickets.get(this.index.key(ticket));
    // A ticket issued by a dead node, for a session taken over here: found by its digest (sha256 of
    // 32 random bytes, so the lookup's timing tells a guesser nothing).
    const entry =
      found && matchesDigest(ticket, found.digest)
        ? found
        : this.restoredTickets.get(digest(ticket).toString('base64url'));
    if (!entry) return null;
    const session = this.sessions.get(entry.sessionId);
    const p = session?.participants.get(entry.participantId);
    if (!session || !p || p.leftAt !== null) return null;
    return { session, participantId: p.id };
  }

  /** What the join page shows of a live session, by id (cluster lookups resolved elsewhere). */
  joinInfoOf(id: string): JoinInfo | null {
    const s = this.sessions.get(id);
    return s && s.status !== 'ended' ? this.joinInfo(s) : null;
  }

  get(id: string): SessionInfo | undefined {
    const s = this.sessions.get(id);
    return s ? this.info(s) : undefined;
  }

  /** The live session object, for the routing layer (which calls its rule-checked methods). */
  session(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** Whether this agent is the host or an invited agent of the session (a watching supervisor is not). */
  isAgentOf(id: string, agent: AgentIdentity): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    const p = s.agentParticipant(agent);
    return (s.host.crm === agent.crm && s.host.userId === agent.userId) || (p !== undefined && p.role !== 'supervisor');
  }

  activeFor(crm: Crm, recordId: string): SessionInfo[] {
    return [...this.sessions.values()]
      .filter((s) => s.record.crm === crm && s.record.id === recordId)
      .map((s) => this.info(s));
  }

  /** Every live session this agent hosts or was admitted to as an agent, on any record, newest first. */
  liveForAgent(agent: AgentIdentity): SessionInfo[] {
    // Reversed insertion order first, so sessions created in the same millisecond stay newest first.
    return [...this.sessions.values()]
      .reverse()
      .filter((s) => s.status !== 'ended' && this.isAgentOf(s.id, agent))
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((s) => this.info(s));
  }

  /** A participant's action noted by the control plane (e.g. an invitation); used by routing. */
  notifyInvite(sessionId: string, email: string, invitedBy: AgentIdentity | null, invitation: string): void {
    this.emitSafe('invite-agent', { sessionId, email, invitedBy, invitation });
  }

  /**
   * Ends a session: keys, link and tickets stop working at once, the recording is finalized, one
   * `ended` report is emitted, and nothing of the session is kept. Null if it was not live.
   */
  async end(id: string, reason: EndReason, by = 'Sightline'): Promise<SessionReport | null> {
    const session = this.sessions.get(id);
    if (!session || session.status === 'ended') return null;
    session.markEnded(reason, by);
    this.forget(session);
    this.logger.info({ sessionId: id, reason }, 'session ended');
    this.emitSafe('ending', { sessionId: id, reason });
    this.emitSafe('changed', session.snapshot());
    const report = await session.takeReport();
    this.emitSafe('ended', report);
    return report;
  }

  /** Ends every live session (relay shutdown) and waits for their reports to be emitted. */
  async endAll(reason: EndReason = 'relay_shutdown'): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.end(id, reason)));
  }

  /** One sweep: expiry of sessions nobody joined, reconnect grace, customer-absent grace. */
  sweep(): void {
    const now = this.clock.now();
    for (const s of [...this.sessions.values()]) {
      if (s.status === 'waiting' && now >= s.expiresAt) {
        void this.end(s.id, 'expired');
        continue;
      }
      if (s.status === 'customer_absent' && s.absentSince !== null && now - s.absentSince >= this.graceMs) {
        void this.end(s.id, 'last_guest_left');
        continue;
      }
      for (const p of [...s.participants.values()]) {
        if (!p.connected && p.leftAt === null && p.disconnectedAt !== null && now - p.disconnectedAt >= this.graceMs) {
          this.revokeTickets(s.id, p.id);
          s.leave(p.id, 'left (did not reconnect)');
          if (s.status === 'ended' || !this.sessions.has(s.id)) break;
        }
      }
    }
  }

  /** Revokes a participant's tickets (explicit leave). */
  revokeTickets(sessionId: string, participantId: string): void {
    for (const [d, t] of this.restoredTickets)
      if (t.sessionId === sessionId && t.participantId === participantId) this.restoredTickets.delete(d);
    const mine = this.ticketsOf.get(sessionId);
    if (!mine) return;
    for (const [indexKey, pid] of mine) {
      if (pid !== participantId) continue;
      this.tickets.delete(indexKey);
      mine.delete(indexKey);
    }
  }

  private live(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s || s.status === 'ended') throw new SessionNotFoundError(sessionId);
    return s;
  }

  private newKey(policy: SessionInfo['policy']): string | null {
    if (policy.keyMode === 'none') return null;
    if (policy.keyMode === 'fixed') {
      const key = policy.fixedKey!;
      if (this.keys.has(this.index.key(key))) throw new KeyInUseError();
      return key;
    }
    // Longer keys as more sessions are live: a guess stays a 1 in keySpacePerLiveSession shot.
    const length = keyLengthFor(policy.keyLength, this.keys.size, this.config.limits.keySpacePerLiveSession);
    for (;;) {
      const key = randomDigits(length);
      if (!this.keys.has(this.index.key(key))) return key; // unique among live sessions
    }
  }

  private issueTicket(session: Session, participantId: string): string {
    this.revokeTickets(session.id, participantId); // one valid ticket per participant
    const ticket = randomToken(32);
    const indexKey = this.index.key(ticket);
    this.tickets.set(indexKey, { sessionId: session.id, participantId, digest: digest(ticket) });
    this.ticketsOf.get(session.id)?.set(indexKey, participantId);
    this.emitSafe('ticket', { sessionId: session.id });
    return ticket;
  }

  private forget(session: Session): void {
    this.sessions.delete(session.id);
    if (session.key !== null) this.keys.delete(this.index.key(session.key));
    this.tokens.delete(this.index.key(session.token));
    for (const indexKey of this.ticketsOf.get(session.id)?.keys() ?? []) this.tickets.delete(indexKey);
    this.ticketsOf.delete(session.id);
    for (const [d, t] of this.restoredTickets) if (t.sessionId === session.id) this.restoredTickets.delete(d);
  }

  private joinInfo(s: Session): JoinInfo {
    return {
      sessionId: s.id,
      recordLabel: s.record.label,
      hostName: s.host.displayName,
      contactFields: s.policy.contactFields,
      recordingPrompt: s.recordingWanted,
    };
  }

  private info(s: Session): SessionInfo {
    const agents = [...s.participants.values()].filter((p) => p.agent && p.leftAt === null).map((p) => p.agent!);
    return {
      snapshot: s.snapshot(),
      host: s.host,
      agents,
      policy: s.policy,
      token: s.token,
      createdAt: new Date(s.createdAt).toISOString(),
      expiresAt: new Date(s.expiresAt).toISOString(),
      recordRequested: s.recordRequested,
    };
  }

  /** A throwing listener must not break the session's lifecycle. */
  private emitSafe<K extends keyof SessionRegistryEvents>(event: K, ...args: SessionRegistryEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: SessionRegistryEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.logger.error({ err, event }, 'session event listener failed');
    }
  }
}

/**
 * node-cron's own messages (a run missed while the event loop was blocked, a run still going) through
 * the relay's logger: by default it writes them to the console, past the log's level and format.
 */
function cronLogger(logger: Logger) {
  const text = (m: string | Error) => (typeof m === 'string' ? m : m.message);
  return {
    info: (m: string) => logger.info(m),
    warn: (m: string) => logger.warn(m),
    error: (m: string | Error, err?: Error) => logger.error({ err: err ?? m }, text(m)),
    debug: (m: string | Error) => logger.debug(text(m)),
  };
}
