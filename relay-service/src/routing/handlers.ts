// One handler per client message type. Rules live in Session (which throws SessionRuleError);
// handlers only call it and route the result to the right participants.
import type { ClientMessage, ClientMessageType } from '../protocol/index.ts';
import { SessionRuleError } from '../sessions/errors.ts';
import type { Session } from '../sessions/Session.ts';
import type { Connection } from './Connection.ts';
import type { Room } from './Room.ts';

export interface HandlerContext {
  room: Room;
  conn: Connection;
  session: Session;
  from: string;
}

type Handler<K extends ClientMessageType> = (ctx: HandlerContext, msg: Extract<ClientMessage, { type: K }>) => void;
type Handlers = { [K in ClientMessageType]: Handler<K> };

function name(ctx: HandlerContext): string {
  return ctx.session.participants.get(ctx.from)?.displayName ?? 'unknown';
}

function requireAgent(ctx: HandlerContext, what: string): void {
  const role = ctx.session.participant(ctx.from).role;
  if (role === 'guest') throw new SessionRuleError('not_allowed', `${what} is for agents`);
  if (role === 'supervisor')
    throw new SessionRuleError('not_allowed', `a supervisor watches: ${what} is for the agents`);
}

/** Sends to the presenter only; the sender learns when nobody is presenting. */
function toPresenter(ctx: HandlerContext, send: (presenter: Connection) => void): void {
  const presenter = ctx.room.presenter();
  if (!presenter) throw new SessionRuleError('not_allowed', 'nobody is presenting');
  send(presenter);
}

export const handlers: Handlers = {
  hello(ctx, msg) {
    // Its arrival stops the first-message timeout; the protocol version was checked. What this
    // socket's browser decodes narrows the presenter's codec choice.
    ctx.session.setDecoders(ctx.from, msg.decoders);
  },

  consent(ctx, msg) {
    ctx.session.consent(ctx.from, msg.view, msg.recording);
  },

  'recording-consent'(ctx, msg) {
    ctx.session.recordingConsent(ctx.from, msg.allow);
  },

  'share-refused'(ctx) {
    ctx.session.shareRefused(ctx.from);
  },

  presence(ctx, msg) {
    // The message names no participant: a guest can only ever speak about themself.
    const guest = ctx.session.presence(ctx.from, msg.state);
    ctx.room.sendToAgents({ type: 'presence', participantId: ctx.from, name: guest, state: msg.state });
  },

  'stream-start'(ctx, msg) {
    ctx.session.startStream(ctx.from, msg.config);
  },

  'stream-stop'(ctx, msg) {
    ctx.session.stopStream(ctx.from, msg.stream);
  },

  'present-ask'(ctx, msg) {
    ctx.session.askToPresent(ctx.from, msg.participantId);
  },

  'present-request'(ctx) {
    ctx.session.requestToPresent(ctx.from);
  },

  'present-answer'(ctx, msg) {
    ctx.session.answerHandover(ctx.from, msg.participantId, msg.accept);
  },

  'present-take'(ctx) {
    ctx.session.takePresenter(ctx.from);
  },

  pause(ctx, msg) {
    ctx.session.setPaused(ctx.from, msg.paused);
  },

  chat(ctx, msg) {
    const entry = ctx.session.chat(ctx.from, msg.text);
    ctx.room.broadcast({ type: 'chat', from: ctx.from, fromName: entry.actor, text: msg.text, at: entry.at });
  },

  note(ctx, msg) {
    const entry = ctx.session.note(ctx.from, msg.text);
    ctx.room.sendToAgents({ type: 'note', from: ctx.from, text: msg.text, at: entry.at });
  },

  'control-request'(ctx) {
    const presenterId = ctx.session.requestControl(ctx.from);
    ctx.room.connections.get(presenterId)?.send({ type: 'control-request', from: ctx.from, fromName: name(ctx) });
  },

  'control-grant'(ctx, msg) {
    ctx.session.grantControl(ctx.from, msg.participantId);
  },

  'control-revoke'(ctx) {
    ctx.session.revokeControl(ctx.from);
  },

  input(ctx, msg) {
    // Dropped unless the presenter granted control to the sender; only ever sent to the presenter.
    if (!ctx.session.mayInput(ctx.from)) {
      ctx.conn.error('not_allowed', 'input dropped: the presenter has not given you control', 'input');
      return;
    }
    ctx.room.presenter()?.send({ type: 'input', from: ctx.from, event: msg.event });
  },

  pointer(ctx, msg) {
    requireAgent(ctx, 'the pointer');
    toPresenter(ctx, (p) => p.send({ type: 'pointer', from: ctx.from, x: msg.x, y: msg.y, visible: msg.visible }));
  },

  annotation(ctx, msg) {
    requireAgent(ctx, 'annotation');
    toPresenter(ctx, (p) => p.send({ type: 'annotation', from: ctx.from, shape: msg.shape, points: msg.points }));
  },

  recording(ctx, msg) {
    ctx.session.setRecording(ctx.from, msg.action === 'start');
  },

  'invite-agent'(ctx, msg) {
    const invitation = ctx.session.inviteAgent(ctx.from, msg.email);
    const by = ctx.session.participants.get(ctx.from)?.agent ?? null;
    ctx.room.registry.notifyInvite(ctx.session.id, msg.email, by, invitation);
  },

  'keyframe-request'(ctx, msg) {
    if (!ctx.session.mayView(ctx.from)) throw new SessionRuleError('not_allowed', 'you are not viewing a screen');
    ctx.room.requestKeyframe(msg.stream, 'viewer');
  },

  leave(ctx) {
    ctx.room.registry.revokeTickets(ctx.session.id, ctx.from);
    ctx.conn.retire(1000, 'left');
    ctx.session.leave(ctx.from);
  },

  admit(ctx, msg) {
    ctx.session.admit(ctx.from, msg.participantId);
  },

  deny(ctx, msg) {
    ctx.session.deny(ctx.from, msg.participantId);
  },

  remove(ctx, msg) {
    ctx.session.remove(ctx.from, msg.participantId);
  },

  end(ctx) {
    if (ctx.session.participant(ctx.from).role !== 'host')
      throw new SessionRuleError('not_allowed', 'only the host ends the session');
    void ctx.room.registry.end(ctx.session.id, 'host_ended', name(ctx));
  },

  ping(ctx, msg) {
    ctx.conn.send({ type: 'pong', t: msg.t });
  },
};
