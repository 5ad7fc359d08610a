// Small pure helpers shared by the Sightline components.

/** 754 -> "12:34", 3723 -> "1:02:03"; null when unknown. */
/** A session key in groups of three digits, as the relay's console shows it ("482 913"). */
export function groupKey(key) {
  return String(key).replace(/(\d{3})(?=\d)/g, '$1 ');
}

export function formatDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return null;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export function formatDateTime(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** "Ada Byron King" -> {firstName: "Ada Byron", lastName: "King"}; Lead needs a LastName. */
export function splitName(fullName, email) {
  const parts = String(fullName || '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (parts.length === 0) return { firstName: null, lastName: String(email || '').split('@')[0] || '-' };
  const lastName = parts.pop();
  return { firstName: parts.length ? parts.join(' ') : null, lastName };
}

// Personal mailbox providers say nothing about the attendee's company (same list as the relay's
// automatic leads, relay-service/src/writeback/format.ts, so both make the same Lead).
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** "a@b.com, c@d.org" -> ['a@b.com','c@d.org'], or null if any entry is not an address. */
export function parseEmailList(text) {
  const list = String(text || '')
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0 || !list.every((e) => EMAIL.test(e))) return null;
  return list;
}

export function normalizeEmail(email) {
  return typeof email === 'string' && email.trim() ? email.trim().toLowerCase() : null;
}

/** A message a person can read from LDS, GraphQL, Apex or fetch errors. */
export function reduceErrors(error) {
  const errors = Array.isArray(error) ? error : [error];
  return errors
    .filter(Boolean)
    .map((e) => {
      if (typeof e === 'string') return e;
      if (e.body) {
        if (Array.isArray(e.body)) return e.body.map((b) => b.message).join(', ');
        if (e.body.output && Array.isArray(e.body.output.errors) && e.body.output.errors.length)
          return e.body.output.errors.map((x) => x.message).join(', ');
        if (typeof e.body.message === 'string') return e.body.message;
      }
      return e.message || String(e);
    })
    .join('; ');
}
