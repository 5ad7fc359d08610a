// The live connections of one session and the media path between them. Routing (who may send, who
// receives) asks the Session; forwarding (queues, keyframes, backpressure) happens here.
import type { Logger } from 'pino';
import type { SightlineConfig } from '@sightline/config';
import type { RelayMetrics } from '../metrics.ts';
import {
  FrameFormatError,
  PROTOCOL_VERSION,
  decodeAck,
  decodeFrameHeader,
  diffSessions,
  parseClientMessage,
  type FrameAck,
  type FrameHeader,
  type SessionPatch,
  type ServerMessage,
  type SessionSnapshot,
  type StreamConfig,
} from '../protocol/index.ts';
import type { FrameSink } from '../recording/RecordingSink.ts';
import type { Session } from '../sessions/Session.ts';
import type { SessionRegistry } from '../sessions/SessionRegistry.ts';
import { SessionRuleError } from '../sessions/errors.ts';
import type { EndReason } from '../sessions/types.ts';
import { Connection } from './Connection.ts';
import { handlers, type HandlerContext } from './handlers.ts';
import { KeyframeRequests } from './KeyframeRequests.ts';
import { LayerSelector } from './LayerSelector.ts';
import { ResumeSecrets } from './ResumeSecrets.ts';
import { StreamRates } from './StreamRates.ts';
import { TokenBucket } from './TokenBucket.ts';
import { ViewerQueue } from './ViewerQueue.ts';
import type { WebSocket } from 'ws';

/** A session may use this many times one participant's message and byte rates. */
export const SESSION_RATE_FACTOR = 4;

/** Options of every frame sent (one object, not one per send). */
const BINARY = { binary: true } as const;

/** The largest valid control message (an annotation with 256 points) is far below this. */
export const MAX_CONTROL_MESSAGE_BYTES = 32 * 1024;

/**
 * Longest the presenter's socket stays paused because every viewer is behind; then reading resumes
 * for as long again (the stalled viewers skip frames meanwhile). A viewer that stopped reading
 * altogether must not silence the presenter's control messages (stop sharing, leave) for long.
 */
export const MAX_PRESENTER_PAUSE_MS = 1000;

/** The span over which each stream's rate is measured (for choosing simulcast renditions). */
const STREAM_RATE_SPAN_MS = 2000;
/** How often a viewer's link is compared with the renditions of a stream. */
const LAYER_CHECK_MS = 250;

export interface RoomOptions {
  session: Session;
  registry: SessionRegistry;
  config: SightlineConfig;
  logger: Logger;
  metrics: RelayMetrics;
  /** Bytes a viewer may have unacknowledged at most, however fast its link. */
  viewerHighWaterBytes: number;
}

/**
 * The latest log entries an agent's welcome carries (the CRM gets them all): a full log (5000 entries
 * of up to 4000 characters) would be megabytes on every reconnect, and past the socket buffer limit.
 */
const WELCOME_LOG_ENTRIES = 200;

export class Room {
  readonly session: Session;
  readonly registry: SessionRegistry;
  readonly connections = new Map<string, Connection>();
  /** Guests in the lobby: their sockets get nothing of the session until the host admits them. */
  readonly waiting = new Map<string, Connection>();
  private readonly config: SightlineConfig;
  private readonly logger: Logger;
  private readonly metrics: RelayMetrics;
  private readonly highWater: number;
  private readonly sessionMessages: TokenBucket;
  private readonly sessionBytes: TokenBucket;
  private readonly keyframes: KeyframeRequests;
  private readonly recording: FrameSink;
  /** Stream configs the viewers were told about (diffed against the session on every change), and by whom. */
  private announced = new Map<number, { json: string; presenterId: string | null }>();
  private presenterPaused: Connection | null = null;
  private pauseTimer: NodeJS.Timeout | null = null;
  private noPauseUntil = 0;
  private wasPaused = false;
  /** The state every socket in the room was last told (welcome + patches); the base of the next patch. */
  #shown: SessionSnapshot | null = null;
  readonly #resume = new ResumeSecrets();
  /** Simulcast groups: each stream that has renditions, and each rendition, to the group (highest first). */
  #layers = new Map<number, readonly number[]>();
  readonly #streamRates = new StreamRates(STREAM_RATE_SPAN_MS);
  /** Each frame's header and each ack are read into these (nothing of them outlives onFrame). */
  readonly #header: FrameHeader = { stream: 0, sequence: 0, captureTimeMs: 0, keyframe: false };
  readonly #ack: FrameAck = { stream: 0, sequence: 0 };

  constructor(options: RoomOptions) {
    this.session = options.session;
    this.registry = options.registry;
    this.config = options.config;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.highWater = options.viewerHighWaterBytes;
    this.recording = options.session.recordingSink;
    const l = options.config.limits;
    this.sessionMessages = new TokenBucket(l.maxMessagesPerSecond * SESSION_RATE_FACTOR);
    this.sessionBytes = new TokenBucket(l.maxBytesPerSecondPerParticipant * SESSION_RATE_FACTOR);
    this.keyframes = new KeyframeRequests(l.keyframeRequestIntervalMs, (stream, reason) => {
      const presenter = this.presenter();
      if (!presenter) return;
      this.metrics.keyframeRequests.inc({ reason });
      presenter.send({ type: 'keyframe-request', stream });
    });
  }

  // ---- connections --------------------------------------------------------------------------

  /** Whether this participant has a live socket here (a ticket is bound to one socket at a time). */
  holds(participantId: string): boolean {
    const conn = this.connections.get(participantId) ?? this.waiting.get(participantId);
    return conn !== undefined && !conn.retired;
  }

  /** A reconnect that shows the secret this participant's socket was given is that participant's client. */
  mayReplace(participantId: string, resume: string | null): boolean {
    return this.#resume.matches(participantId, resume);
  }

  /** The client proved it reconnected: its old socket (half-open, as after a network change) goes now. */
  replace(participantId: string): void {
    const old = this.connections.get(participantId) ?? this.waiting.get(participantId);
    if (!old) return;
    old.retire(4409, 'replaced by a reconnect');
    old.ws.terminate(); // half-open: a close handshake would wait for a peer that is gone
    if (this.presenterPaused === old) this.resumePresenter();
  }

  attach(participantId: string, ws: WebSocket): void {
    const p = this.session.participants.get(participantId);
    const conn = new Connection(participantId, ws, {
      messagesPerSecond: this.config.limits.maxMessagesPerSecond,
      bytesPerSecond: this.config.limits.maxBytesPerSecondPerParticipant,
      maxBufferedBytes: this.config.limits.maxSocketBufferBytes,
    });
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer; // binaryType 'nodebuffer': one Buffer per message
      if (this.waiting.size > 0 && this.waiting.get(conn.participantId) === conn) this.onWaiting(conn, buf, isBinary);
      else if (isBinary) this.onFrame(conn, buf);
      else this.onText(conn, buf);
    });
    ws.on('close', () => this.detach(conn));
    ws.on('error', (err) => this.logger.debug({ err: err.message, participantId }, 'socket error'));
    if (p && !p.admitted && p.leftAt === null) {
      this.waiting.set(participantId, conn);
      conn.send({ type: 'lobby', hostName: this.session.host.displayName, resume: this.#resume.issue(participantId) });
      return;
    }
    this.enter(conn, p?.seen ?? false);
  }

  private enter(conn: Connection, reconnect: boolean): void {
    const { participantId } = conn;
    try {
      // Emits `changed` (others get the new state) before this socket is in the room: it gets `welcome`.
      this.session.connect(participantId, reconnect);
    } catch {
      conn.retire(4003, 'not a participant of this session');
      return;
    }
    // The others learn what changed; the newcomer gets the whole state, once.
    const snapshot = this.session.snapshot();
    this.publish(snapshot);
    this.connections.set(participantId, conn);
    conn.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      participantId,
      role: this.session.participants.get(participantId)!.role,
      session: this.viewFor(participantId, snapshot),
      resume: this.#resume.issue(participantId),
      ...(this.session.participants.get(participantId)!.role !== 'guest' && {
        log: this.session.logEntries().slice(-WELCOME_LOG_ENTRIES),
      }),
    });
    this.syncViewer(conn, true);
  }

  /** The host admitted waiting guests: they enter with a full welcome on the socket they waited on. */
  private admitWaiting(): boolean {
    let entered = false;
    for (const [id, conn] of [...this.waiting]) {
      if (!this.session.participants.get(id)?.admitted) continue;
      this.waiting.delete(id);
      this.enter(conn, false);
      entered = true;
    }
    return entered;
  }

  /** A lobby socket may only say hello, leave or ping; everything else waits for the host. */
  private onWaiting(conn: Connection, data: Buffer, isBinary: boolean): void {
    if (!conn.messages.take()) return conn.rateLimited('too many messages while waiting');
    const parsed = isBinary || data.byteLength > 1024 ? null : parseClientMessage(data.toString('utf8'));
    // What the guest's browser decodes is kept for when they are admitted (the socket says hello once).
    if (parsed?.ok && parsed.value.type === 'hello')
      return this.session.setDecoders(conn.participantId, parsed.value.decoders);
    if (parsed?.ok && parsed.value.type === 'ping') return conn.send({ type: 'pong', t: parsed.value.t });
    if (parsed?.ok && parsed.value.type === 'leave') {
      this.registry.revokeTickets(this.session.id, conn.participantId);
      conn.retire(1000, 'left');
      this.waiting.delete(conn.participantId);
      this.session.leave(conn.participantId);
      return;
    }
    this.reject(conn, 'not_allowed', 'wait until the host lets you in');
  }

  /** The host turned this participant away or removed them: tell them, close the socket. */
  removed(participantId: string, reason: 'denied' | 'removed'): void {
    const conn = this.connections.get(participantId) ?? this.waiting.get(participantId);
    if (!conn) return;
    this.#resume.forget(participantId);
    conn.send({ type: 'removed', reason });
    conn.retire(4403, reason);
    this.waiting.delete(participantId);
    this.connections.delete(participantId);
    conn.queue?.close();
    if (this.presenterPaused === conn) this.resumePresenter();
  }

  private detach(conn: Connection): void {
    conn.queue?.close();
    if (this.waiting.get(conn.participantId) === conn) {
      this.waiting.delete(conn.participantId);
      return;
    }
    if (this.connections.get(conn.participantId) !== conn) return; // replaced
    this.connections.delete(conn.participantId);
    if (this.presenterPaused === conn) this.resumePresenter();
    if (!conn.retired && this.session.status !== 'ended') this.session.disconnect(conn.participantId);
    this.resumePresenterIfRoom();
  }

  /** The session ended: tell everyone why and close every socket. */
  close(reason: EndReason): void {
    this.keyframes.clear();
    for (const conn of [...this.connections.values(), ...this.waiting.values()]) {
      conn.send({ type: 'ended', reason });
      conn.retire(1000, 'session ended');
    }
    this.connections.clear();
    this.waiting.clear();
    this.resumePresenter();
  }

  // ---- state fan-out ------------------------------------------------------------------------

  /** Session changed: new/stopped streams to the viewers, then the state to everyone. */
  onChanged(snapshot: SessionSnapshot): void {
    // Entering emits a newer change, already fanned out: this older snapshot must not follow it.
    if (this.admitWaiting()) return;
    this.syncStreams(snapshot);
    if (this.presenterPaused && this.presenterPaused.participantId !== snapshot.presenterId) this.resumePresenter();
    if (this.wasPaused && !snapshot.paused) {
      // The screen is shown again: everyone restarts from a fresh keyframe.
      for (const s of snapshot.streams) this.restartStream(s.stream, 'unpause');
    }
    this.wasPaused = snapshot.paused;
    this.publish(snapshot);
  }

  /** Sends each socket what changed since the state it was last told (O(change), not O(session)). */
  private publish(snapshot: SessionSnapshot): void {
    const patch = this.#shown ? diffSessions(this.#shown, snapshot) : null;
    this.#shown = snapshot;
    if (!patch) return;
    for (const conn of this.connections.values()) {
      const view = this.patchFor(conn.participantId, patch);
      if (view) conn.send({ type: 'patch', patch: view });
    }
  }

  sendToAgents(message: ServerMessage): void {
    for (const conn of this.connections.values()) {
      const role = this.session.participants.get(conn.participantId)?.role;
      // A supervisor reads what the agents read (notes, presence, the log), never the guests' side only.
      if (role === 'host' || role === 'agent' || role === 'supervisor') conn.send(message);
    }
  }

  broadcast(message: ServerMessage): void {
    for (const conn of this.connections.values()) conn.send(message);
  }

  presenter(): Connection | undefined {
    const id = this.session.presenterId;
    return id ? this.connections.get(id) : undefined;
  }

  requestKeyframe(stream: number, reason: string): void {
    this.keyframes.request(stream, reason);
  }

  private syncStreams(snapshot: SessionSnapshot): void {
    const current = new Map(snapshot.streams.map((s) => [s.stream, s]));
    for (const [stream, was] of this.announced) {
      if (current.has(stream)) continue;
      this.announced.delete(stream);
      // Its viewers are told, whoever presents now (after a handover the new presenter watched it).
      for (const conn of this.connections.values()) {
        conn.queue?.forget(stream);
        if (conn.participantId !== was.presenterId) conn.send({ type: 'stream-stop', stream });
      }
    }
    for (const [stream, config] of current) {
      const json = JSON.stringify(config);
      if (this.announced.get(stream)?.json === json) continue;
      this.announced.set(stream, { json, presenterId: snapshot.presenterId });
      for (const conn of this.connections.values()) this.announce(conn, config);
    }
    this.syncLayers(snapshot);
    for (const conn of this.connections.values()) this.syncViewer(conn, false);
  }

  /** Rebuilds the simulcast groups; viewers choose again in a group whose renditions changed. */
  private syncLayers(snapshot: SessionSnapshot): void {
    const groups = new Map<number, number[]>();
    for (const s of snapshot.streams) if (s.simulcastOf === undefined) groups.set(s.stream, [s.stream]);
    for (const s of [...snapshot.streams].sort((a, b) => a.stream - b.stream))
      if (s.simulcastOf !== undefined) groups.get(s.simulcastOf)?.push(s.stream);
    const next = new Map<number, readonly number[]>();
    for (const layers of groups.values()) if (layers.length > 1) for (const s of layers) next.set(s, layers);
    for (const [stream, layers] of this.#layers) {
      if (next.get(stream)?.join() === layers.join()) continue;
      if (!next.has(stream)) this.#streamRates.forget(stream);
      for (const conn of this.connections.values()) conn.layers?.reset(layers[0]!);
    }
    this.#layers = next;
  }

  /** Gives a viewer a queue (or takes it away) per the session's rules; a late joiner needs a keyframe. */
  private syncViewer(conn: Connection, joined: boolean): void {
    const may = this.session.mayView(conn.participantId) && this.session.streams.size > 0;
    if (!may) {
      conn.queue?.close();
      conn.queue = null;
      conn.layers = null;
      return;
    }
    if (conn.queue) return;
    conn.queue = this.newQueue(conn);
    conn.layers = this.newLayerSelector(conn, conn.queue);
    for (const config of this.session.streams.values()) {
      if (joined) this.announce(conn, config, false);
      conn.queue.waitForKeyframe(config.stream);
      // A new stream starts with a keyframe anyway; someone joining a running one needs one now (of the
      // rendition it starts with).
      if (joined && config.simulcastOf === undefined)
        this.requestKeyframe(conn.layers.chosen(config.stream) ?? config.stream, 'late_joiner');
    }
  }

  private announce(conn: Connection, config: StreamConfig, restart = true): void {
    if (!this.session.mayView(conn.participantId)) return;
    conn.send({ type: 'stream-start', config });
    if (restart) conn.queue?.waitForKeyframe(config.stream);
  }

  private restartStream(stream: number, reason: string): void {
    for (const conn of this.connections.values()) conn.queue?.waitForKeyframe(stream);
    this.requestKeyframe(stream, reason);
  }

  private newQueue(conn: Connection): ViewerQueue {
    const l = this.config.limits;
    return new ViewerQueue({
      capacity: l.viewerQueueFrames,
      maxInflightBytes: this.highWater,
      minWindowBytes: Math.min(l.viewerMinWindowBytes, this.highWater),
      targetDelayMs: l.viewerTargetDelayMs,
      maxPipeMs: l.viewerMaxPipeMs,
      maxQueueMs: l.viewerMaxQueueMs,
      now: () => performance.now(),
      send: (frame) => conn.ws.send(frame, BINARY),
      onSkip: (stream) => this.requestKeyframe(conn.layers?.skipped(stream) ?? stream, 'slow_viewer'),
      onDrop: () => this.metrics.framesDropped.inc({ reason: 'slow_viewer' }),
      onSent: (bytes) => {
        this.metrics.framesForwarded.add();
        this.metrics.bytesForwarded.add(bytes);
      },
      onRoom: () => this.resumePresenterIfRoom(),
    });
  }

  private newLayerSelector(conn: Connection, queue: ViewerQueue): LayerSelector {
    const l = this.config.limits;
    return new LayerSelector({
      layersOf: (stream) => this.#layers.get(stream),
      streamRate: (stream) => this.#streamRates.bytesPerSecond(stream, performance.now()),
      keyframeBytes: (stream) => this.#streamRates.keyframeBytes(stream),
      linkRate: () => queue.deliveryRate,
      now: () => performance.now(),
      want: (stream) => this.requestKeyframe(stream, 'layer_switch'),
      leave: (stream) => conn.queue?.forget(stream),
      upHeadroom: l.simulcastUpHeadroom,
      holdMs: l.simulcastHoldMs,
      probeCostMs: l.simulcastProbeCostMs,
      checkEveryMs: LAYER_CHECK_MS,
    });
  }

  // ---- media path ---------------------------------------------------------------------------

  private onFrame(conn: Connection, frame: Buffer): void {
    const ack = decodeAck(frame, this.#ack);
    if (ack) return this.onAck(conn, ack.stream, ack.sequence);
    const limits = this.config.limits;
    if (frame.byteLength > limits.maxFrameBytes) {
      this.reject(
        conn,
        'frame_too_large',
        `frame of ${frame.byteLength} bytes exceeds the ${limits.maxFrameBytes}-byte limit`,
      );
      return;
    }
    const now = performance.now();
    if (!conn.messages.take(1, now) || !this.sessionMessages.take(1, now)) {
      this.metrics.messagesRejected.inc({ code: 'rate_limited' });
      conn.rateLimited(`more than ${limits.maxMessagesPerSecond} messages per second; frames are being dropped`);
      return;
    }
    if (!conn.bytes.take(frame.byteLength, now) || !this.sessionBytes.take(frame.byteLength, now)) {
      this.metrics.messagesRejected.inc({ code: 'rate_limited' });
      conn.rateLimited(
        `more than ${limits.maxBytesPerSecondPerParticipant} bytes per second; frames are being dropped`,
      );
      return;
    }
    if (!this.session.mayForward(conn.participantId)) {
      const consentMissing = this.session.presenterId === conn.participantId;
      if (consentMissing) this.reject(conn, 'no_consent', 'frames are not forwarded before the consent');
      else this.reject(conn, 'not_presenter', 'send stream-start before sending frames');
      return;
    }
    let header;
    try {
      header = decodeFrameHeader(frame, this.#header);
    } catch (err) {
      if (!(err instanceof FrameFormatError)) throw err;
      this.reject(conn, 'bad_frame', err.message);
      return;
    }
    if (!this.session.streams.has(header.stream)) {
      this.reject(conn, 'bad_frame', `stream ${header.stream} was not started (send stream-start first)`);
      return;
    }
    if (this.session.paused) return; // the presenter hid the screen: nothing is shown
    this.metrics.framesReceived.add();
    if (header.keyframe) this.keyframes.satisfied(header.stream);
    // The recording is one more sink beside the viewers' queues (the session only switches it on and off).
    this.recording.push(header.stream, header.keyframe, header.captureTimeMs, frame);
    // One lookup, none without simulcast: the group of renditions this stream belongs to.
    const group = this.#layers.size > 0 ? this.#layers.get(header.stream) : undefined;
    const rendition = group !== undefined && group[0] !== header.stream;
    if (!header.keyframe && this.recording.needsKeyframe && !rendition)
      this.requestKeyframe(header.stream, 'recording');

    const layered = group !== undefined;
    if (layered) this.#streamRates.add(header.stream, now, frame.byteLength, header.keyframe);
    let viewers = 0;
    let withRoom = 0;
    for (const viewer of this.connections.values()) {
      if (!viewer.queue) continue;
      // Every viewer counts for pausing the presenter, also one that takes another rendition of this
      // stream: a full queue of the one viewer of a small rendition must not stop the full stream.
      viewers++;
      if (!layered || viewer.layers!.accept(header.stream, header.keyframe))
        viewer.queue.push(frame, header.stream, header.sequence, header.keyframe, now); // the same Buffer for everyone
      if (!viewer.queue.full) withRoom++;
    }
    // Read from the presenter only as fast as the fastest viewer drains.
    if (viewers > 0 && withRoom === 0) this.pausePresenter(conn);
  }

  /** A viewer received a frame: its queue may send more. An ack of nothing in flight is ignored. */
  private onAck(conn: Connection, stream: number, sequence: number): void {
    const now = performance.now();
    if (!conn.messages.take(1, now)) {
      this.metrics.messagesRejected.inc({ code: 'rate_limited' });
      return conn.rateLimited(`more than ${this.config.limits.maxMessagesPerSecond} messages per second`);
    }
    conn.queue?.ack(stream, sequence, now);
  }

  private pausePresenter(conn: Connection): void {
    if (this.presenterPaused !== null || performance.now() < this.noPauseUntil) return;
    conn.ws.pause();
    this.presenterPaused = conn;
    this.metrics.presenterPauses.inc();
    this.pauseTimer = setTimeout(() => {
      this.noPauseUntil = performance.now() + MAX_PRESENTER_PAUSE_MS;
      this.resumePresenter();
    }, MAX_PRESENTER_PAUSE_MS);
    this.pauseTimer.unref();
  }

  private resumePresenter(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    const paused = this.presenterPaused;
    this.presenterPaused = null;
    paused?.ws.resume();
  }

  private resumePresenterIfRoom(): void {
    if (!this.presenterPaused) return;
    const viewers = [...this.connections.values()].filter((c) => c.queue);
    if (viewers.length === 0 || viewers.some((c) => !c.queue!.full)) this.resumePresenter();
  }

  private onText(conn: Connection, data: Buffer): void {
    if (!conn.messages.take() || !this.sessionMessages.take()) {
      this.metrics.messagesRejected.inc({ code: 'rate_limited' });
      conn.rateLimited(
        `more than ${this.config.limits.maxMessagesPerSecond} messages per second; messages are being dropped`,
      );
      return;
    }
    if (data.byteLength > MAX_CONTROL_MESSAGE_BYTES) {
      this.reject(conn, 'bad_message', `a control message is at most ${MAX_CONTROL_MESSAGE_BYTES} bytes`);
      return;
    }
    if (!conn.bytes.take(data.byteLength) || !this.sessionBytes.take(data.byteLength)) {
      this.metrics.messagesRejected.inc({ code: 'rate_limited' });
      conn.rateLimited(
        `more than ${this.config.limits.maxBytesPerSecondPerParticipant} bytes per second; messages are being dropped`,
      );
      return;
    }
    const parsed = parseClientMessage(data.toString('utf8'));
    if (!parsed.ok) {
      this.reject(conn, parsed.code, parsed.message);
      return;
    }
    const message = parsed.value;
    const ctx: HandlerContext = { room: this, conn, session: this.session, from: conn.participantId };
    try {
      (handlers[message.type] as (c: HandlerContext, m: typeof message) => void)(ctx, message);
    } catch (err) {
      if (!(err instanceof SessionRuleError)) throw err;
      this.reject(conn, err.code, err.message, message.type);
    }
  }

  private reject(conn: Connection, code: Parameters<Connection['error']>[0], message: string, ref?: string): void {
    this.metrics.messagesRejected.inc({ code });
    conn.error(code, message, ref);
  }

  /** A patch as `viewFor` would show it: no lobby for guests, no other guest's contact details. */
  private patchFor(participantId: string, patch: SessionPatch): SessionPatch | null {
    if (this.session.participants.get(participantId)?.role !== 'guest') return patch;
    const { set, participants } = patch;
    if (!participants && Object.keys(set).length === 0) return null;
    if (!participants) return { set };
    const upsert = participants.upsert.map((p) =>
      p.id === participantId || p.role !== 'guest' ? p : { ...p, contact: {} },
    );
    return { set, participants: { upsert, remove: participants.remove } };
  }

  /** Guests are not told the session id, the lobby, or other participants' contact details. */
  private viewFor(participantId: string, snapshot: SessionSnapshot): SessionSnapshot {
    if (this.session.participants.get(participantId)?.role !== 'guest') return snapshot;
    return {
      ...snapshot,
      id: '',
      lobby: [],
      participants: snapshot.participants.map((p) =>
        p.id === participantId || p.role !== 'guest' ? p : { ...p, contact: {} },
      ),
    };
  }
}
