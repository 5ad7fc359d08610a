// What changed in a session, sent instead of the whole state: a socket gets the full snapshot once
// (in `welcome`), then only `patch` messages. A join thus costs every other participant a few hundred
// bytes, however many people are in the session (a full state each time grew with the square of it).
import {
  sessionFieldsSchema,
  type ListPatch,
  type Participant,
  type SessionFields,
  type SessionPatch,
  type ServerMessage,
  type SessionSnapshot,
} from './messages.ts';

const FIELDS = Object.keys(sessionFieldsSchema.shape) as (keyof SessionFields)[];

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

function diffList(before: readonly Participant[], after: readonly Participant[]): ListPatch | undefined {
  const old = new Map(before.map((p) => [p.id, p]));
  const now = new Set(after.map((p) => p.id));
  const upsert = after.filter((p) => !same(old.get(p.id), p));
  const remove = before.filter((p) => !now.has(p.id)).map((p) => p.id);
  return upsert.length || remove.length ? { upsert, remove } : undefined;
}

/** What turns `before` into `after`; null when nothing a participant sees changed. */
export function diffSessions(before: SessionSnapshot, after: SessionSnapshot): SessionPatch | null {
  const set: Record<string, unknown> = {};
  for (const field of FIELDS) if (!same(before[field], after[field])) set[field] = after[field];
  const participants = diffList(before.participants, after.participants);
  const lobby = diffList(before.lobby, after.lobby);
  if (!participants && !lobby && Object.keys(set).length === 0) return null;
  return {
    set: set as SessionFields,
    ...(participants ? { participants } : {}),
    ...(lobby ? { lobby } : {}),
  };
}

function applyList(list: readonly Participant[], patch: ListPatch | undefined): Participant[] {
  if (!patch) return [...list];
  const gone = new Set(patch.remove);
  const changed = new Map(patch.upsert.map((p) => [p.id, p]));
  const kept = list.filter((p) => !gone.has(p.id)).map((p) => changed.get(p.id) ?? p);
  const known = new Set(kept.map((p) => p.id));
  // New members go to the end (the relay lists people in the order they arrived).
  return [...kept, ...patch.upsert.filter((p) => !known.has(p.id))];
}

/** The snapshot after a patch (a new object; the old one is left as it was). */
export function applySessionPatch(snapshot: SessionSnapshot, patch: SessionPatch): SessionSnapshot {
  return {
    ...snapshot,
    ...patch.set,
    participants: applyList(snapshot.participants, patch.participants),
    lobby: applyList(snapshot.lobby, patch.lobby),
  };
}

/**
 * A client's copy of the session after one message from the relay: the snapshot `welcome` brings,
 * kept current by each `patch` (other messages leave it as it is).
 */
export function followSession(current: SessionSnapshot | null, message: ServerMessage): SessionSnapshot | null {
  if (message.type === 'welcome') return message.session;
  if (message.type === 'patch' && current) return applySessionPatch(current, message.patch);
  return current;
}
