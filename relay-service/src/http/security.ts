// Browser-facing guards: CORS and CSP limited to the configured CRM origins, CSRF protection for
// state-changing calls, and the usual hardening headers.
import type { NextFunction, Request, Response } from 'express';
import type { SightlineConfig } from '@sightline/config';
import { readCookie, SESSION_COOKIE } from '../auth/cookies.ts';
import { HttpError } from './HttpError.ts';

/** The CRM origins (login/instance URLs) plus relay.allowedOrigins. */
export function crmOrigins(config: SightlineConfig): string[] {
  const origins = new Set<string>(config.relay.allowedOrigins.map((o) => new URL(o).origin));
  if (config.salesforce.enabled) origins.add(new URL(config.salesforce.loginUrl).origin);
  if (config.servicenow.enabled) origins.add(new URL(config.servicenow.instanceUrl).origin);
  return [...origins];
}

export function securityHeaders(config: SightlineConfig, publicUrl: () => string) {
  const crm = crmOrigins(config);
  return (req: Request, res: Response, next: NextFunction) => {
    const https = publicUrl().startsWith('https:');
    const ws = https ? 'wss:' : 'ws:';
    const self = new URL(publicUrl());
    res.set({
      'content-security-policy': [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        `connect-src 'self' ${ws}//${self.host}`,
        "object-src 'none'",
        "base-uri 'none'",
        `form-action 'self' ${crm.join(' ')}`,
        // The console may be embedded in the CRM's pages; nowhere else.
        `frame-ancestors 'self' ${crm.join(' ')}`,
      ].join('; '),
      'x-content-type-options': 'nosniff',
      // For browsers without CSP frame-ancestors (which wins where both are understood).
      'x-frame-options': 'SAMEORIGIN',
      // Join links carry a token in the path: never leak it in a Referer.
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-site',
      ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    });
    next();
  };
}

/**
 * CORS for the CRM origins only, without credentials: the CRM components authenticate with a bearer
 * token in the Authorization header (a cookie would be third-party there); everyone else gets no CORS
 * headers at all.
 */
export function cors(config: SightlineConfig) {
  const allowed = new Set(crmOrigins(config));
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (!origin || !allowed.has(origin)) {
      if (req.method === 'OPTIONS' && origin) return next(new HttpError(403, 'forbidden_origin', 'origin not allowed'));
      return next();
    }
    res.vary('Origin');
    res.set({ 'access-control-allow-origin': origin });
    if (req.method === 'OPTIONS') {
      res.set({
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type, authorization',
        'access-control-max-age': '600',
      });
      return res.status(204).end();
    }
    next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF, for every method but GET/HEAD/OPTIONS on every path (mounted before all routes): a body must
 * be JSON (a cross-site form cannot send that without a CORS preflight), a request carrying an
 * Origin must come from the relay itself or a CRM origin, and one carrying the agent's cookie must
 * carry its Origin (or be same-origin by Sec-Fetch-Site). With a `SameSite=None` login cookie on an
 * https relay, this is what stops another site from acting as the agent.
 */
export function csrf(config: SightlineConfig, publicUrl: () => string) {
  const allowed = new Set(crmOrigins(config));
  return (req: Request, _res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next();
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is('application/json')) {
      return next(new HttpError(415, 'unsupported_media_type', 'send the body as application/json'));
    }
    const origin = req.get('origin');
    const signedIn = readCookie(req, SESSION_COOKIE) !== undefined;
    // The relay's own pages, by the configured public origin: never by the Host header, which the
    // sender chooses (a request with Origin and Host both the attacker's would pass such a check).
    const own = publicUrl() !== '' && origin === new URL(publicUrl()).origin;
    if (origin !== undefined && !own && !allowed.has(origin)) {
      return next(new HttpError(403, 'forbidden_origin', `requests from ${origin} are not allowed`));
    }
    if (signedIn && origin === undefined && req.get('sec-fetch-site') !== 'same-origin') {
      return next(new HttpError(403, 'forbidden_origin', 'a signed-in request must carry its Origin'));
    }
    next();
  };
}
