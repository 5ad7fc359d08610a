// The relay's agent API as the Case components use it. No cookie: seen from Lightning the relay is a
// third party, and browsers block or partition its cookies. Instead a short-lived bearer token in the
// Authorization header (CORS without credentials, only the org's origin allowed), renewed silently
// with a rotating refresh token kept in this origin's localStorage, so the agent signs in once and
// sees no pop-up again for days. First sign-in hand-off, built for Lightning Web Security (the window
// window.open returns is a stand-in: this module never looks at it) and for a Cross-Origin-Opener-Policy
// cutting window.opener: a sign-in request is created before the click (an id for the window's URL, a
// secret kept here), the window goes through the CRM's OAuth page, and the result is collected from
// the relay with the secret. No token ever travels in a URL.

export class RelayError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'RelayError';
    this.status = status;
    this.code = code;
  }
}

const STORE_PREFIX = 'sightline.relay:';
const RENEW_EARLY_MS = 30 * 1000;
const WAIT_ROUNDS = 40; // long polls of ~20 s: the sign-in window gets ten minutes

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
  const record = raw.record && typeof raw.record === 'object' ? raw.record : {};
  const label = isNonEmptyString(record.label) ? record.label : null;
  const recordId = isNonEmptyString(record.id) ? record.id : null;
  const crm = record.crm === 'salesforce' || record.crm === 'servicenow' ? record.crm : null;
  const role = raw.role === 'agent' ? 'agent' : 'host';
  return { sessionId, key, joinUrl, consoleUrl, status, expiresAt, label, recordId, crm, role };
}

function parseTokens(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const { refreshToken, expiresIn, agent } = raw;
  if (!isNonEmptyString(raw.accessToken) || !isNonEmptyString(refreshToken) || typeof expiresIn !== 'number')
    return null;
  return {
    accessToken: raw.accessToken,
    refreshToken,
    expiresIn,
    agent: agent && typeof agent === 'object' ? agent : null,
  };
}

// One credential per relay for every Sightline component on the page (the module is shared), and
// at most one renewal at a time: the refresh token works once.
const credentials = new Map();
const renewals = new Map();

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function stored(relayUrl) {
  const s = storage();
  const raw = s && s.getItem(STORE_PREFIX + relayUrl);
  try {
    const parsed = raw ? JSON.parse(raw) : null;
    return parsed && isNonEmptyString(parsed.refreshToken) ? parsed : null;
  } catch {
    return null;
  }
}

function keep(relayUrl, tokens) {
  credentials.set(relayUrl, { accessToken: tokens.accessToken, expiresAt: Date.now() + tokens.expiresIn * 1000 });
  const s = storage();
  if (s) s.setItem(STORE_PREFIX + relayUrl, JSON.stringify({ refreshToken: tokens.refreshToken }));
}

function forget(relayUrl) {
  credentials.delete(relayUrl);
  const s = storage();
  if (s) s.removeItem(STORE_PREFIX + relayUrl);
}

async function send(relayUrl, path, { method = 'GET', body, token } = {}) {
  let response;
  try {
    response = await fetch(relayUrl + path, {
      method,
      credentials: 'omit',
      headers: {
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new RelayError(0, 'network', e && e.message ? e.message : 'network error');
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const message = data && isNonEmptyString(data.message) ? data.message : `HTTP ${response.status}`;
    const code = data && isNonEmptyString(data.error) ? data.error : 'http_error';
    throw new RelayError(response.status, code, message);
  }
  return data;
}

/** True when this browser holds a relay sign-in (it may still need a silent renewal). */
export function hasSignIn(relayUrl) {
  return credentials.has(relayUrl) || stored(relayUrl) !== null;
}

/** A live bearer token, renewed with the stored refresh token when needed; null when signed out. */
export function accessToken(relayUrl, { force = false } = {}) {
  const current = credentials.get(relayUrl);
  if (!force && current && current.expiresAt - RENEW_EARLY_MS > Date.now()) return Promise.resolve(current.accessToken);
  if (renewals.has(relayUrl)) return renewals.get(relayUrl);
  const saved = stored(relayUrl);
  if (!saved) return Promise.resolve(null);
  const renewal = send(relayUrl, '/auth/token', { method: 'POST', body: { refreshToken: saved.refreshToken } })
    .then(
      (raw) => {
        const tokens = parseTokens(raw);
        if (!tokens) throw new RelayError(502, 'bad_response', 'The relay answered with an unexpected token shape.');
        keep(relayUrl, tokens);
        return tokens.accessToken;
      },
      (e) => {
        if (e.status === 401) {
          forget(relayUrl);
          return null;
        }
        throw e;
      },
    )
    .finally(() => renewals.delete(relayUrl));
  renewals.set(relayUrl, renewal);
  return renewal;
}

const signedOut = () => new RelayError(401, 'sign_in_required', 'Sign in to Sightline first.');

/** An agent API call with the bearer token; an expired one is renewed once, silently. */
async function call(relayUrl, path, init = {}) {
  const token = await accessToken(relayUrl);
  if (!token) throw signedOut();
  try {
    return await send(relayUrl, path, { ...init, token });
  } catch (e) {
    if (e.status !== 401 || e.code !== 'token_expired') throw e;
  }
  const renewed = await accessToken(relayUrl, { force: true });
  if (!renewed) throw signedOut();
  return send(relayUrl, path, { ...init, token: renewed });
}

/**
 * Step 1 of the first sign-in, done ahead of the click so the window opens synchronously in it:
 * `{requestId, secret, signInUrl, expiresAt}`.
 */
export async function prepareSignIn(relayUrl, crm, userId) {
  const created = await send(relayUrl, '/auth/requests', { method: 'POST', body: { crm, userId } });
  if (!created || !isNonEmptyString(created.requestId) || !isNonEmptyString(created.secret)) {
    throw new RelayError(502, 'bad_response', 'The relay answered with an unexpected sign-in request.');
  }
  if (!isNonEmptyString(created.signInUrl) || !created.signInUrl.startsWith(`${relayUrl}/auth/`)) {
    throw new RelayError(502, 'bad_response', 'The relay answered with an unexpected sign-in address.');
  }
  const expiresAt = Date.parse(created.expiresAt);
  return { ...created, expiresAt: Number.isNaN(expiresAt) ? Date.now() + 5 * 60 * 1000 : expiresAt };
}

/** A prepared request the click may still use (a minute of margin for the agent to sign in). */
export function usable(request) {
  return Boolean(request) && request.expiresAt - 60 * 1000 > Date.now();
}

/**
 * Step 2: waits (long polls) until the sign-in window completes the request; stores the relay
 * credential and resolves to the agent. `cancelled()` stops the wait.
 */
export async function completeSignIn(relayUrl, request, cancelled = () => false) {
  for (let round = 0; round < WAIT_ROUNDS && !cancelled(); round++) {
    // eslint-disable-next-line no-await-in-loop -- one long poll after the other
    const answer = await send(relayUrl, `/auth/requests/${encodeURIComponent(request.requestId)}/wait`, {
      method: 'POST',
      body: { secret: request.secret },
    });
    if (answer && answer.status === 'signed_in') {
      const tokens = parseTokens(answer.tokens);
      if (!tokens) throw new RelayError(502, 'bad_response', 'The relay answered with an unexpected token shape.');
      keep(relayUrl, tokens);
      return tokens.agent;
    }
    if (answer && answer.status === 'failed') {
      throw new RelayError(403, answer.error || 'sign_in_failed', answer.message || 'Sign-in failed.');
    }
  }
  throw new RelayError(408, 'sign_in_timeout', 'Sign-in was not completed.');
}

/** Ends this browser's relay sign-in (the grant dies on the relay too). */
export async function signOut(relayUrl) {
  const saved = stored(relayUrl);
  const current = credentials.get(relayUrl);
  forget(relayUrl);
  try {
    await send(relayUrl, '/auth/signout', {
      method: 'POST',
      body: saved ? { refreshToken: saved.refreshToken } : {},
      token: current ? current.accessToken : undefined,
    });
  } catch {
    // Forgotten here either way; the relay lets unused credentials expire.
  }
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
    body: { crm: 'salesforce', recordId },
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

/** The agent's live Salesforce sessions on every record, newest first (the utility bar's list). */
export async function liveSessions(relayUrl) {
  const body = await call(relayUrl, '/api/sessions?crm=salesforce');
  const list = body && Array.isArray(body.sessions) ? body.sessions : [];
  return list.map(parseSession).filter(Boolean);
}

/** What became of the agent's session records: `{awaitingSignIn, failed: [...]}` (zeros when unknown). */
export async function deliveries(relayUrl) {
  const body = await call(relayUrl, '/api/me/deliveries');
  const awaitingSignIn = body && Number.isInteger(body.awaitingSignIn) ? body.awaitingSignIn : 0;
  const failed = body && Array.isArray(body.failed) ? body.failed.filter((f) => f && isNonEmptyString(f.reason)) : [];
  return { awaitingSignIn, failed };
}

export async function sendInvite(relayUrl, sessionId, emailAddresses) {
  return call(relayUrl, `/api/sessions/${encodeURIComponent(sessionId)}/invite`, {
    method: 'POST',
    body: { to: emailAddresses },
  });
}

/** Test seam: forgets every credential and renewal held by the module. */
export function resetForTests() {
  credentials.clear();
  renewals.clear();
}
