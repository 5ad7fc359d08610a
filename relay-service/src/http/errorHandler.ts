// Every failure becomes `{error, message, issues?}` with a fitting status; unexpected ones are
// logged (without request data) and answered as a plain 500.
import type { NextFunction, Request, Response } from 'express';
import { CrmError } from '../crm/CrmError.ts';
import type { Logger } from '../logger.ts';
import {
  AgentSessionLimitError,
  ContactPolicyError,
  KeyInUseError,
  KeyRateLimitedError,
  SessionFullError,
  SessionNotFoundError,
} from '../sessions/errors.ts';
import { HttpError } from './HttpError.ts';
import { errorPageText, messageHtml } from './messagePage.ts';

function toHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof KeyRateLimitedError) {
    const seconds = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    return new HttpError(429, 'rate_limited', err.message, undefined, { 'retry-after': String(seconds) });
  }
  if (err instanceof SessionNotFoundError)
    return new HttpError(404, 'not_found', 'this session has ended or does not exist');
  if (err instanceof ContactPolicyError) return new HttpError(400, 'bad_request', err.message, err.issues);
  if (err instanceof KeyInUseError) return new HttpError(409, 'key_in_use', err.message);
  if (err instanceof SessionFullError) return new HttpError(409, 'session_full', err.message);
  if (err instanceof AgentSessionLimitError) {
    const retry: Record<string, string> =
      err.retryAfterMs === null ? {} : { 'retry-after': String(Math.ceil(err.retryAfterMs / 1000)) };
    return new HttpError(429, 'too_many_sessions', err.message, undefined, retry);
  }
  if (err instanceof CrmError) {
    if (err.kind === 'not_found' || err.kind === 'forbidden') {
      return new HttpError(403, 'record_not_readable', 'you cannot read this record with your CRM account');
    }
    if (err.kind === 'revoked') return new HttpError(401, 'crm_reauth', `${err.message}`);
    if (err.kind === 'invalid') return new HttpError(422, 'crm_rejected', err.message);
    return new HttpError(502, 'crm_unavailable', 'the CRM did not answer; try again in a moment');
  }
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.parse.failed') return new HttpError(400, 'bad_request', 'the body is not valid JSON');
  if (e.type === 'entity.too.large') return new HttpError(413, 'too_large', 'the body is too large');
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, 'bad_request', 'the request could not be read');
  }
  return null;
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = toHttpError(err);
    if (!known) logger.error({ err, method: req.method, path: req.path }, 'request failed');
    const httpError = known ?? new HttpError(500, 'internal', 'something went wrong on the relay');
    if (res.headersSent) return;
    if (wantsPage(req)) {
      const { title, text } = errorPageText(httpError.status, httpError.error, httpError.message);
      res.status(httpError.status).set(httpError.headers).type('html').send(messageHtml(title, text));
      return;
    }
    res
      .status(httpError.status)
      .set(httpError.headers)
      .json({
        error: httpError.error,
        message: httpError.message,
        ...(httpError.issues ? { issues: httpError.issues } : {}),
      });
  };
}

/** A browser navigating to a page (a link, a sign-in redirect), not a script calling the API. */
function wantsPage(req: Request): boolean {
  if (req.method !== 'GET' || req.path.startsWith('/api/')) return false;
  return req.accepts(['json', 'html']) === 'html';
}
