// Sign-in for the people pages: a UI session cookie per CRM, security headers on every page.
import express, { type Request, type Response } from 'express';
import { cookie, localPath, sameOriginRequest, sessionCookie } from '../http.ts';
import type { AuthServer } from '../oauth/AuthServer.ts';
import { esc, page } from './html.ts';

export interface GuardOptions {
  auth: AuthServer;
  cookieName: string;
  brand: string;
  /** Extra connect-src origins for the page's CSP (the relay). */
  connectSources: () => string[];
}

export function securityHeaders(res: Response, connect: string[]): void {
  const ws = connect.map((u) => u.replace(/^http/, 'ws'));
  res.set({
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob:",
      `connect-src 'self' ${[...connect, ...ws].join(' ')}`.trim(),
      "frame-ancestors 'none'",
      "form-action 'self'",
      "base-uri 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
}

export function signInPage(brand: string, returnTo: string, error?: string): string {
  return page({
    title: `Sign in - ${brand}`,
    brand,
    nav: [],
    body: `<section><h1>Sign in</h1>${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form class="signin" method="post" action="/login"><input type="hidden" name="returnTo" value="${esc(returnTo)}">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log In</button></form>
<p class="hint">Demo users are listed in crm-sandbox/README.md (password <code>sightline-demo</code>).</p></section>`,
  });
}

/** Routes for /login and /logout, and `userOf(req)` for the pages. */
export function guard(o: GuardOptions) {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/login', (req, res) => {
    securityHeaders(res, []);
    res.type('html').send(signInPage(o.brand, localPath(req.query.returnTo)));
  });

  router.post('/login', form, (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const returnTo = localPath(b.returnTo);
    securityHeaders(res, []);
    if (!sameOriginRequest(req)) {
      res
        .status(403)
        .type('html')
        .send(signInPage(o.brand, returnTo, 'Sign-in must come from this site.'));
      return;
    }
    const userId =
      typeof b.username === 'string' && typeof b.password === 'string'
        ? o.auth.checkPassword(b.username, b.password)
        : undefined;
    if (!userId) {
      res
        .status(401)
        .type('html')
        .send(signInPage(o.brand, returnTo, 'Please check your username and password.'));
      return;
    }
    res.set('Set-Cookie', sessionCookie(o.cookieName, o.auth.startUiSession(userId), 12 * 3600));
    res.redirect(303, returnTo);
  });

  router.post('/logout', (req, res) => {
    if (sameOriginRequest(req)) o.auth.endUiSession(cookie(req, o.cookieName));
    res.set('Set-Cookie', sessionCookie(o.cookieName, '', 0));
    res.redirect(303, '/');
  });

  const userOf = (req: Request): string | undefined => o.auth.uiSessionUser(cookie(req, o.cookieName));

  /** The signed-in user's id, or a redirect to the sign-in page answered (and undefined). */
  const requireUser = (req: Request, res: Response): string | undefined => {
    const userId = userOf(req);
    securityHeaders(res, o.connectSources());
    if (!userId) res.redirect(302, `/login?returnTo=${encodeURIComponent(localPath(req.originalUrl))}`);
    return userId;
  };

  /** For pages anyone may read (the outbox): the headers, and the user's id when signed in. */
  const optionalUser = (req: Request, res: Response): string | undefined => {
    securityHeaders(res, o.connectSources());
    return userOf(req);
  };

  return { router, userOf, requireUser, optionalUser };
}
