// Lets a customer who closed the tab (or reloaded) come back as the same participant: the join
// answer is kept on this device under the link (or key) it came from, so reopening the link resumes
// instead of asking for details and consent again and leaving a second, "reconnecting" attendee behind.
// Only the relay's ticket and participant id are kept (no contact details); the relay refuses the
// ticket once the session ends or the customer left, and the entry then goes (also on leaving, and
// after a day).
import { z } from 'zod';

const PREFIX = 'sightline.resume.';
const MAX_AGE_MS = 24 * 60 * 60_000;

const entrySchema = z.object({
  ref: z.string().min(1).max(200),
  participantId: z.string().min(1).max(64),
  ticket: z.string().min(22).max(128),
  wsUrl: z.string().min(1).max(2048),
  savedAt: z.number(),
  /** They shared something before: back in, the bar offers Resume sharing, not a first share. */
  shared: z.boolean().default(false),
});

/** @param {Storage | undefined} storage */
function safe(storage) {
  try {
    return storage ?? globalThis.localStorage;
  } catch {
    return undefined; // storage disabled (privacy mode, blocked site data): no resume, nothing else breaks
  }
}

/** What the customer came with: `{token}` from the link or `{key}` typed in. @param {{token?: string, key?: string}} keyOrToken */
export function resumeRef(keyOrToken) {
  return keyOrToken.token ? `link:${keyOrToken.token}` : `key:${keyOrToken.key ?? ''}`;
}

/**
 * @param {string} ref from resumeRef
 * @param {Storage} [storage]
 * @returns {{participantId: string, ticket: string, wsUrl: string, shared: boolean} | null}
 */
export function readResume(ref, storage) {
  const store = safe(storage);
  try {
    const raw = store?.getItem(PREFIX + ref);
    if (!raw) return null;
    const entry = entrySchema.safeParse(JSON.parse(raw));
    if (entry.success && entry.data.ref === ref && Date.now() - entry.data.savedAt < MAX_AGE_MS) return entry.data;
  } catch {
    // unreadable entry: dropped below
  }
  forgetResume(ref, store);
  return null;
}

/**
 * @param {string} ref from resumeRef
 * @param {{participantId: string, ticket: string, wsUrl: string}} joined
 * @param {Storage} [storage]
 */
export function saveResume(ref, joined, storage) {
  const { participantId, ticket, wsUrl } = joined;
  try {
    safe(storage)?.setItem(PREFIX + ref, JSON.stringify({ ref, participantId, ticket, wsUrl, savedAt: Date.now() }));
  } catch {
    // quota or disabled storage: the customer simply joins afresh next time
  }
}

/**
 * Notes on the kept entry that this participant has shared (once is enough).
 * @param {string} ref from resumeRef
 * @param {Storage} [storage]
 */
export function markResumeShared(ref, storage) {
  const entry = readResume(ref, storage);
  if (!entry || entry.shared) return;
  try {
    safe(storage)?.setItem(PREFIX + ref, JSON.stringify({ ...entry, shared: true }));
  } catch {
    // as in saveResume
  }
}

/**
 * @param {string} ref from resumeRef
 * @param {Storage} [storage]
 */
export function forgetResume(ref, storage) {
  try {
    safe(storage)?.removeItem(PREFIX + ref);
  } catch {
    // nothing to forget
  }
}
