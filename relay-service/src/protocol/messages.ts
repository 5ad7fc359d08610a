// Control messages (JSON text frames on the participant's WebSocket). One schema per message
// type; the relay, the browser pages and the desktop client all validate against these.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** A supervisor (the CRM's supervisor permission, the host in their team) watches; they never present or control. */
export const roleSchema = z.enum(['host', 'agent', 'guest', 'supervisor']);
export type Role = z.infer<typeof roleSchema>;

export const sessionStatusSchema = z.enum(['waiting', 'in_progress', 'customer_absent', 'ended']);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);
const unit = z.number().min(0).max(1); // coordinates are fractions of the shared surface

const colorName = z.string().regex(/^[a-z0-9-]{1,24}$/);

/** WebCodecs decoder configuration the presenter announces before its first frame. */
export const streamConfigSchema = z
  .object({
    stream: z.number().int().min(0).max(65535),
    codec: z.string().regex(/^(vp8|vp09\.[\d.]+|avc1\.[0-9a-fA-F]{6}|av01\.[\w.]+)$/),
    codedWidth: z.number().int().min(1).max(16384),
    codedHeight: z.number().int().min(1).max(16384),
    /** base64 codec description (avcC for H.264), when the codec needs one. */
    description: z.string().max(4096).optional(),
    /**
     * Simulcast: this stream is a smaller, lower-rate rendition of stream `simulcastOf` (the same
     * picture). The relay forwards each viewer one rendition of it, picked by what the viewer's link
     * delivers and switched only at a keyframe; the viewer shows whichever arrives in that stream's
     * place. Several renditions of one stream go from higher to lower rate as their ids grow.
     */
    simulcastOf: z.number().int().min(0).max(65535).optional(),
    /** What is shared: the browser's displaySurface or the desktop client's monitor. */
    surface: z.enum(['monitor', 'window', 'browser', 'unknown']).default('unknown'),
    /** The encoder's colour space (WebCodecs VideoColorSpaceInit); without it decoders assume BT.709
     * and screen colours shift visibly. Added by the pages helper (additive). */
    colorSpace: z
      .object({
        primaries: colorName.nullable().optional(),
        transfer: colorName.nullable().optional(),
        matrix: colorName.nullable().optional(),
        fullRange: z.boolean().nullable().optional(),
      })
      .strict()
      .optional(),
    /** The presenter has an H.264 encoder and switches to it while the session is recorded (MP4 plays
     * in every browser, Safari on iPhone and iPad included). Absent: record the stream as it comes. */
    canEncodeH264: z.boolean().optional(),
  })
  .strict();
export type StreamConfig = z.infer<typeof streamConfigSchema>;

export const pointerInputSchema = z
  .object({
    kind: z.literal('pointer'),
    action: z.enum(['move', 'down', 'up', 'wheel']),
    x: unit,
    y: unit,
    button: z.number().int().min(0).max(4).optional(),
    deltaY: z.number().min(-10000).max(10000).optional(),
  })
  .strict();
export const keyInputSchema = z
  .object({
    kind: z.literal('key'),
    action: z.enum(['down', 'up']),
    key: z.string().min(1).max(32),
    code: z.string().min(1).max(32),
    modifiers: z
      .array(z.enum(['Alt', 'Control', 'Meta', 'Shift']))
      .max(4)
      .default([]),
  })
  .strict();
export const inputEventSchema = z.discriminatedUnion('kind', [pointerInputSchema, keyInputSchema]);
export type InputEvent = z.infer<typeof inputEventSchema>;

/** Where a guest is on the join page before sharing starts, told to the agents ("Jane is reading the consent"). */
export const guestPresenceSchema = z.enum(['details', 'consent', 'choosing_screen', 'declined']);
export type GuestPresence = z.infer<typeof guestPresenceSchema>;

/**
 * A presenter change waiting for an answer (one at a time): an agent asked a guest to present (`asked`,
 * the guest answers), or a guest asked to (`requested`, an agent answers). `by` is who asked.
 */
export const handoverSchema = z
  .object({
    participantId: z.string(),
    kind: z.enum(['asked', 'requested']),
    by: z.string(),
  })
  .strict();
export type Handover = z.infer<typeof handoverSchema>;

/** Codec families a viewer can decode (WebCodecs `VideoDecoder.isConfigSupported`), in the
 * presenter's order of preference. */
export const codecFamilySchema = z.enum(['av1', 'vp9', 'vp8', 'h264']);
export type CodecFamily = z.infer<typeof codecFamilySchema>;
/** What a viewer that says nothing (an older client) is taken to decode: what the presenter sent before
 * AV1 was added. Never AV1 (Safari without AV1 hardware decode has none). */
export const LEGACY_DECODERS: readonly CodecFamily[] = ['vp9', 'vp8', 'h264'];
const decodersSchema = z.array(codecFamilySchema).max(codecFamilySchema.options.length);

const msg = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape }).strict();

/** Messages a participant sends to the relay. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  /** A client's first message, right after the socket opens (a socket that says nothing is closed). */
  msg('hello', {
    protocol: z.literal(PROTOCOL_VERSION),
    /** What this browser decodes; absent (an older client): LEGACY_DECODERS. */
    decoders: decodersSchema.optional(),
  }),
  /** The guest's answer to "may the agent see your screen" (and the recording prompt). */
  msg('consent', { view: z.boolean(), recording: z.boolean().optional() }),
  /** The guest's answer when the host starts recording after the guest joined (snapshot `recording: 'asking'`). */
  msg('recording-consent', { allow: z.boolean() }),
  /** The guest cancelled the browser's screen picker (or the OS refused): the session ends. */
  msg('share-refused', {}),
  /** The guest tells the agents which step of the join page they are on; always about the sender. */
  msg('presence', { state: guestPresenceSchema }),
  msg('stream-start', { config: streamConfigSchema }),
  msg('stream-stop', { stream: z.number().int().min(0).max(65535) }),
  /** An agent asks a guest in the session to present (the guest's page asks them first). */
  msg('present-ask', { participantId: z.string().min(1).max(64) }),
  /** A guest asks to present; an agent answers. */
  msg('present-request', {}),
  /** The answer to the open handover, naming whom it is about (the guest themself, or the guest who asked). */
  msg('present-answer', { participantId: z.string().min(1).max(64), accept: z.boolean() }),
  /** An agent becomes the presenter at once (to show their own screen, or to take the role back). */
  msg('present-take', {}),
  msg('pause', { paused: z.boolean() }),
  msg('chat', { text: text(2000) }),
  /** Private to agents; never shown to guests. */
  msg('note', { text: text(4000) }),
  msg('control-request', {}),
  msg('control-grant', { participantId: z.string().min(1).max(64) }),
  msg('control-revoke', {}),
  msg('input', { event: inputEventSchema }),
  msg('pointer', { x: unit, y: unit, visible: z.boolean() }),
  msg('annotation', {
    shape: z.enum(['line', 'arrow', 'circle', 'clear']),
    points: z.array(z.tuple([unit, unit])).max(256),
  }),
  msg('recording', { action: z.enum(['start', 'stop']) }),
  msg('invite-agent', { email: z.email().max(254) }),
  msg('keyframe-request', { stream: z.number().int().min(0).max(65535) }),
  msg('leave', {}),
  /** The host lets a guest waiting in the lobby in, or turns them away. */
  msg('admit', { participantId: z.string().min(1).max(64) }),
  msg('deny', { participantId: z.string().min(1).max(64) }),
  /** The host removes a participant: their tickets stop working at once. */
  msg('remove', { participantId: z.string().min(1).max(64) }),
  msg('end', {}),
  msg('ping', { t: z.number() }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];

export const contactSchema = z
  .object({
    name: z.string().trim().max(120).optional(),
    email: z.email().max(254).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[\d\s().-]{5,32}$/, 'a phone number of digits, spaces, dashes, dots or brackets')
      .optional(),
  })
  .strict();
export type Contact = z.infer<typeof contactSchema>;

export const participantSchema = z.object({
  id: z.string(),
  role: roleSchema,
  displayName: z.string(),
  contact: contactSchema,
  connected: z.boolean(),
  joinedAt: z.string(),
});
export type Participant = z.infer<typeof participantSchema>;

/** Why a session ended, as the participants, the journal and the CRM record are told. */
export const endReasonSchema = z.enum([
  'host_ended',
  'supervisor_ended',
  'last_guest_left',
  'expired',
  'consent_refused',
  'share_refused',
  'relay_shutdown',
  'relay_restarted',
]);

export const crmSchema = z.enum(['salesforce', 'servicenow']);
/** A Salesforce record or user id (15 or 18 characters) or a ServiceNow sys_id (32 hex). */
export const crmIdSchema = z.string().regex(/^([a-zA-Z0-9]{15}|[a-zA-Z0-9]{18}|[0-9a-f]{32})$/);
/** The CRM record a session was started from. */
export const recordRefSchema = z.object({ crm: crmSchema, id: z.string(), label: z.string() });

export const sessionSnapshotSchema = z.object({
  /** The session id; empty in a guest's view (guests are never told it). */
  id: z.string(),
  key: z.string().nullable(),
  status: sessionStatusSchema,
  record: recordRefSchema,
  participants: z.array(participantSchema),
  /** Guests waiting for the host to admit them (agents' view only; always empty for guests). */
  lobby: z.array(participantSchema),
  /** Who presents: the one whose streams are shown (set before their first stream-start after a handover). */
  presenterId: z.string().nullable(),
  handover: handoverSchema.nullable(),
  controllerId: z.string().nullable(),
  paused: z.boolean(),
  /** 'asking': the host wants a recording and a guest who joined before has not answered yet (nothing is
   * recorded meanwhile). */
  recording: z.enum(['off', 'on', 'asking', 'refused', 'not_allowed']),
  streams: z.array(streamConfigSchema),
  /** The codec families every connected viewer of the presenter decodes: the presenter encodes one of them. */
  decoders: decodersSchema,
});
export type SessionSnapshot = z.infer<typeof sessionSnapshotSchema>;

/** Members of a list (participants, lobby) that were added or changed, and the ids that went away. */
export const listPatchSchema = z
  .object({
    upsert: z.array(participantSchema),
    remove: z.array(z.string()),
  })
  .strict();
export type ListPatch = z.infer<typeof listPatchSchema>;

/** The session's fields that change during a session (id and record never do). */
export const sessionFieldsSchema = sessionSnapshotSchema
  .pick({
    key: true,
    status: true,
    presenterId: true,
    handover: true,
    controllerId: true,
    paused: true,
    recording: true,
    streams: true,
    decoders: true,
  })
  .partial()
  .strict();
export type SessionFields = z.infer<typeof sessionFieldsSchema>;

/** What changed since the last snapshot or patch on this socket (sessionPatch.ts computes and applies it). */
export const sessionPatchSchema = z
  .object({
    /** Fields with their new value (absent: unchanged). */
    set: sessionFieldsSchema,
    participants: listPatchSchema.optional(),
    lobby: listPatchSchema.optional(),
  })
  .strict();
export type SessionPatch = z.infer<typeof sessionPatchSchema>;

export const logEntrySchema = z.object({
  at: z.string(),
  actor: z.string(),
  kind: z.string(),
  text: z.string(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

export const errorCodeSchema = z.enum([
  'bad_message',
  'unknown_type',
  'frame_too_large',
  'bad_frame',
  'rate_limited',
  'not_allowed',
  'not_presenter',
  'no_consent',
  'session_ended',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** Messages the relay sends to a participant. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  msg('welcome', {
    protocol: z.literal(PROTOCOL_VERSION),
    participantId: z.string(),
    role: roleSchema,
    session: sessionSnapshotSchema,
    /** Proof for this socket's reconnect (`resume=` next to the ticket): it replaces a half-open old socket. */
    resume: z.string().min(16).max(64),
    /** Agents only: the latest log entries (up to 200), so a console that reconnected (here or, after a failover, on another node) has the context. */
    log: z.array(logEntrySchema).optional(),
  }),
  /** What changed in the session since this socket's `welcome` or last `patch` (never the whole state). */
  msg('patch', { patch: sessionPatchSchema }),
  msg('log', { entry: logEntrySchema }),
  msg('chat', { from: z.string(), fromName: z.string(), text: z.string(), at: z.string() }),
  msg('note', { from: z.string(), text: z.string(), at: z.string() }),
  /** The guest cancelled the browser's screen picker (or the OS refused): the session ends. */
  msg('share-refused', {}),
  /** To agents only: a guest's step on the join page. */
  msg('presence', { participantId: z.string(), name: z.string(), state: guestPresenceSchema }),
  msg('stream-start', { config: streamConfigSchema }),
  msg('stream-stop', { stream: z.number() }),
  msg('keyframe-request', { stream: z.number() }),
  msg('control-request', { from: z.string(), fromName: z.string() }),
  msg('input', { from: z.string(), event: inputEventSchema }),
  msg('pointer', { from: z.string(), x: unit, y: unit, visible: z.boolean() }),
  msg('annotation', {
    from: z.string(),
    shape: z.enum(['line', 'arrow', 'circle', 'clear']),
    points: z.array(z.tuple([unit, unit])),
  }),
  msg('error', { code: errorCodeSchema, message: z.string(), ref: z.string().optional() }),
  /** To a guest in the lobby: nothing of the session is shown until the host admits them (then `welcome`). */
  msg('lobby', { hostName: z.string(), resume: z.string().min(16).max(64) }),
  /** The host turned this guest away (`denied`) or removed them (`removed`); the socket closes. */
  msg('removed', { reason: z.enum(['denied', 'removed']) }),
  msg('ended', { reason: endReasonSchema }),
  msg('pong', { t: z.number() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** Parses one text frame from a client; never throws. */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'bad_message', message: 'message is not valid JSON' };
  }
  const known = clientMessageSchema.options.map((o) => o.shape.type.value) as string[];
  const type = (data as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !known.includes(type)) {
    return { ok: false, code: 'unknown_type', message: `unknown message type ${JSON.stringify(type)}` };
  }
  const result = clientMessageSchema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  return { ok: false, code: 'bad_message', message: `${type}: ${issue.path.join('.') || 'message'}: ${issue.message}` };
}

export function parseServerMessage(raw: string): ParseResult<ServerMessage> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'bad_message', message: 'message is not valid JSON' };
  }
  const result = serverMessageSchema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, code: 'bad_message', message: result.error.issues[0]!.message };
}
