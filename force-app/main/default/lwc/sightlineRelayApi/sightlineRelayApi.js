// The relay's agent API as the launcher uses it: credentialed CORS calls carrying the relay's own
// httpOnly login cookie (sightline_sid). The relay's CORS policy allows only the org's origin.

/** After sign-in the relay redirects the sign-in window here; it is replaced by the console. */
export const SIGNED_IN_RETURN_PATH = '/api/me';

export class RelayError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'RelayError';
    this.status = status;
    this.code = code;
  }
}

function isNonEmptyString(v) {
  return typeof v === 'string' && v.length > 0;
}

/** Keeps only well-formed session objects: the relay is another system, so check what it says. */
export function parseSession(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const { sessionId, joinUrl, consoleUrl, status } = raw;
  if (![sessionId, joinUrl, consoleUrl, status].every(isNonEmptyString)) return null;
  if (!/^https?:\/\//.test(joinUrl) || !/^https?:\/\//.test(consoleUrl)) return null;
  const key = isNonEmptyString(raw.key) ? raw.key : null;
  const expiresAt = isNonEmptyString(raw.expiresAt) ? raw.expiresAt : null;
  return { sessionId, key, joinUrl, consoleUrl, status, expiresAt };
}

async function call(relayUrl, path, init = {}) {
  let response;
  try {
    response = await fetch(relayUrl + path, {
      ...init,
      credentials: 'include',
      headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    });
  } catch (e) {
    throw new RelayError(0, 'network', e && e.message ? e.message : 'network error');
  }
  let body = null;
  const text = await response.text();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const message = body && isNonEmptyString(body.message) ? body.message : `HTTP ${response.status}`;
    const code = body && isNonEmptyString(body.error) ? body.error : 'http_error';
    throw new RelayError(response.status, code, message);
  }
  return body;
}

export function signInUrl(relayUrl) {
  return `${relayUrl}/auth/salesforce?returnTo=${encodeURIComponent(SIGNED_IN_RETURN_PATH)}`;
}

/** Resolves to the agent identity, or null when not signed in to the relay. */
export async function whoAmI(relayUrl) {
  try {
    return await call(relayUrl, '/api/me');
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function createSession(relayUrl, recordId) {
  const body = await call(relayUrl, '/api/sessions', {
    method: 'POST',
    body: JSON.stringify({ crm: 'salesforce', recordId }),
  });
  const session = parseSession(body);
  if (!session) throw new RelayError(502, 'bad_response', 'The relay answered with an unexpected session shape.');
  return session;
}

/** The agent's active sessions on this record, newest first (accepts a bare array or {sessions}). */
export async function activeSessions(relayUrl, recordId) {
  const body = await call(relayUrl, `/api/sessions?crm=salesforce&recordId=${encodeURIComponent(recordId)}`);
  const list = Array.isArray(body) ? body : body && Array.isArray(body.sessions) ? body.sessions : [];
  return list.map(parseSession).filter(Boolean);
}

export async function sendInvite(relayUrl, sessionId, emailAddresses) {
  return call(relayUrl, `/api/sessions/${encodeURIComponent(sessionId)}/invite`, {
    method: 'POST',
    body: JSON.stringify({ to: emailAddresses }),
  });
}
