// Typed errors the registry throws; the HTTP layer maps them to status codes.
import type { ErrorCode } from '../protocol/index.ts';

/** Too many wrong keys from this source: HTTP 429 with Retry-After. */
export class KeyRateLimitedError extends Error {
  override name = 'KeyRateLimitedError';
  readonly retryAfterMs: number;
  readonly scope: 'source';
  constructor(retryAfterMs: number, scope: 'source') {
    super(`too many wrong session keys; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.retryAfterMs = retryAfterMs;
    this.scope = scope;
  }
}

/** No live session with that id (never existed or already ended): HTTP 404. */
export class SessionNotFoundError extends Error {
  override name = 'SessionNotFoundError';
  constructor(sessionId: string) {
    super(`no live session ${JSON.stringify(sessionId)}`);
  }
}

/** The contact details do not satisfy the policy: HTTP 400 with `issues`. */
export class ContactPolicyError extends Error {
  override name = 'ContactPolicyError';
  readonly issues: { path: string; message: string }[];
  constructor(issues: { path: string; message: string }[]) {
    super(`contact details: ${issues.map((i) => i.message).join('; ')}`);
    this.issues = issues;
  }
}

/** The policy's fixed key is already used by another live session: HTTP 409. */
export class KeyInUseError extends Error {
  override name = 'KeyInUseError';
  constructor() {
    super('the fixed session key of this policy is in use by another live session; end it first');
  }
}

/** A participant's action that the session's rules or policy forbid; sent as an `error` message. */
export class SessionRuleError extends Error {
  override name = 'SessionRuleError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The session has all the guests (or waiting guests) it may have: HTTP 409. */
export class SessionFullError extends Error {
  override name = 'SessionFullError';
}

/**
 * The agent hosts limits.maxLiveSessionsPerAgent live sessions already, or started
 * limits.sessionCreationsPerAgentPerMinute in the last minute: HTTP 429 (with Retry-After for the latter).
 */
export class AgentSessionLimitError extends Error {
  override name = 'AgentSessionLimitError';
  readonly retryAfterMs: number | null;
  constructor(message: string, retryAfterMs: number | null = null) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}
