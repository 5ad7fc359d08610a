// The relay's HTTP API as the pages use it. Every response body is validated with the shared
// schemas before the page trusts it; errors carry the relay's own plain message.
import { z } from 'zod';
import {
  agentDeliveriesSchema,
  apiErrorSchema,
  joinLookupResponseSchema,
  joinResponseSchema,
  teamSessionsResponseSchema,
  ticketResponseSchema,
} from '../../src/protocol/http.ts';
import { handOffResponseSchema } from '../../src/protocol/desktop.ts';

export const meSchema = z.object({
  crm: z.string(),
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
});
const sessionDetailsSchema = z.object({ joinUrl: z.string(), key: z.string().nullable() }).loose();

/** An HTTP error from the relay, with its status and plain-words message. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {number} [retryAfterSeconds]
   */
  constructor(status, code, message, retryAfterSeconds) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * @template T
 * @param {string} path
 * @param {{method?: string, body?: unknown}} request
 * @param {z.ZodType<T>} schema
 * @returns {Promise<T>}
 */
export async function call(path, { method = 'GET', body } = {}, schema) {
  /** @type {Response} */
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The connection to the server failed. Check your network and try again.');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = apiErrorSchema.safeParse(data);
    const retry = Number(response.headers.get('retry-after')) || undefined;
    throw new ApiError(
      response.status,
      error.success ? error.data.error : 'http_' + response.status,
      error.success ? error.data.message : `The server answered ${response.status}.`,
      retry,
    );
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ApiError(response.status, 'bad_response', 'The server sent an answer this page does not understand.');
  }
  return parsed.data;
}

/** @param {{key?: string, token?: string}} keyOrToken */
export function lookupJoin(keyOrToken) {
  return call('/api/join/lookup', { method: 'POST', body: keyOrToken }, joinLookupResponseSchema);
}

/**
 * Where the person is before joining (no socket yet): the key or link authorises it; a failure only
 * means the agent is not told, so it is never shown.
 * @param {{key?: string, token?: string}} keyOrToken
 * @param {'details' | 'consent' | 'declined'} state
 * @param {string} [name] what they typed as their name
 */
export function joinPresence(keyOrToken, state, name) {
  const body = { ...keyOrToken, state, ...(name ? { name } : {}) };
  return call('/api/join/presence', { method: 'POST', body }, z.unknown()).catch(() => undefined);
}

/** @param {object} joinRequest body per the shared joinRequestSchema */
export function join(joinRequest) {
  return call('/api/join', { method: 'POST', body: joinRequest }, joinResponseSchema);
}

/** A one-time code that hands this session to the desktop app. @param {{key?: string, token?: string}} keyOrToken */
export function desktopHandOff(keyOrToken) {
  return call('/api/desktop/handoff', { method: 'POST', body: keyOrToken }, handOffResponseSchema);
}

export function me() {
  return call('/api/me', {}, meSchema);
}

/**
 * @param {string} sessionId
 * @param {string} [invitation] an invited agent's one-time token from the emailed link
 */
export function sessionTicket(sessionId, invitation) {
  return call(
    `/api/sessions/${encodeURIComponent(sessionId)}/ticket`,
    { method: 'POST', body: invitation ? { invitation } : {} },
    ticketResponseSchema,
  );
}

/** @param {string} sessionId */
export function sessionDetails(sessionId) {
  return call(`/api/sessions/${encodeURIComponent(sessionId)}`, {}, sessionDetailsSchema);
}

/**
 * Emails the join link to the record's contact, through the CRM as the agent.
 * @param {string} sessionId
 */
export function inviteCustomer(sessionId) {
  return call(
    `/api/sessions/${encodeURIComponent(sessionId)}/invite`,
    { method: 'POST', body: {} },
    z.object({ sent: z.boolean(), to: z.array(z.string()) }),
  );
}

/** @param {string} sessionId */
export function endSession(sessionId) {
  return call(`/api/sessions/${encodeURIComponent(sessionId)}/end`, { method: 'POST', body: {} }, z.unknown());
}

/** The live sessions of the signed-in supervisor's team (403 without the supervisor permission). */
export function teamSessions() {
  return call('/api/supervisor/sessions', {}, teamSessionsResponseSchema);
}

/** A supervisor of the host's team becomes the host. @param {string} sessionId */
export function takeOver(sessionId) {
  return call(
    `/api/sessions/${encodeURIComponent(sessionId)}/take-over`,
    { method: 'POST', body: {} },
    z.object({ sessionId: z.string(), role: z.literal('host') }),
  );
}

/** The signed-in agent's session records the relay could not deliver (and those awaiting a sign-in). */
export function deliveries() {
  return call('/api/me/deliveries', {}, agentDeliveriesSchema);
}
