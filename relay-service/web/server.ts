// The pages the relay serves: the customer's join page (`/join`, `/j/:token`), the agent console
// (`/console/:sessionId`) and their bundles under `/static/`, all under a strict CSP. The
// bundles are built with rollup on first use and cached in web/dist (see build.ts).
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { join } from 'node:path';
import { z } from 'zod';
import type { SightlineConfig } from '@sightline/config';
import { buildBundles } from './build.ts';
import { messageHtml } from '../src/http/messagePage.ts';
import { pageHtml, signInChoiceHtml } from './pages.ts';

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,64}$/);
const sessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const crmSchema = z.enum(['salesforce', 'servicenow']);
const SESSION_COOKIE = 'sightline_sid';

export interface WebRouterOptions {
  config: SightlineConfig;
  /** Where built bundles are cached (tests may use a temp dir). */
  distDir?: string;
}

/** ws(s) origins the pages may open sockets to: this host and the configured public URL. */
function socketOrigins(req: Request, config: SightlineConfig): string {
  const origins = new Set<string>();
  const host = req.get('host');
  if (host) origins.add(`${req.protocol === 'https' ? 'wss' : 'ws'}://${host}`);
  if (config.relay.publicUrl) {
    const url = new URL(config.relay.publicUrl);
    origins.add(`${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`);
  }
  return [...origins].join(' ');
}

/** The customer's pages: a phone with no screen capture shares its camera there. */
const JOIN_PAGE = /^\/(join|j\/[^/]+)$/;

/** Strict headers for the pages: own scripts and styles only, no framing, no referrer. */
function pageHeaders(config: SightlineConfig) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.set({
      'content-security-policy': [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        `connect-src 'self' ${socketOrigins(req, config)}`,
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ].join('; '),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      // Join links carry their token in the path; never send it anywhere in a Referer.
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      // The camera only where a phone shares it (the join pages); never the microphone or location.
      'permissions-policy': `display-capture=(self), camera=${JOIN_PAGE.test(req.path) ? '(self)' : '()'}, microphone=(), geolocation=()`,
      'cache-control': 'no-store',
    });
    next();
  };
}

/** The CRM to sign in with: the `crm` query, else the only one configured, else unknown (''). */
function crmOf(req: Request, config: SightlineConfig): 'salesforce' | 'servicenow' | '' {
  const asked = crmSchema.safeParse(req.query.crm);
  if (asked.success) return asked.data;
  const enabled = crmSchema.options.filter((crm) => config[crm].enabled);
  return enabled.length === 1 ? enabled[0]! : '';
}

const hasCookie = (req: Request, name: string) =>
  (req.get('cookie') ?? '').split(';').some((part) => part.trim().startsWith(`${name}=`));

export async function createWebRouter({ config, distDir }: WebRouterOptions): Promise<Router> {
  const router = express.Router();
  let build: Promise<string> | null = null;
  /** Built once on first use; a failed build is retried on the next request. */
  const bundles = () => {
    build ??= buildBundles(distDir ? { dist: distDir } : {}).catch((error: unknown) => {
      build = null;
      throw error;
    });
    return build;
  };
  // Warm the cache now so the first visitor does not wait for rollup (a failure retries on use).
  bundles().catch(() => {});
  let serveBuild: ReturnType<typeof express.static> | null = null;
  let servedDir = '';

  const headers = pageHeaders(config);
  const sendPage = (res: Response, html: string, status = 200) => res.status(status).type('html').send(html);

  // Pages wait for the bundles so the first visitor never gets a page without its script.
  const ready = async (_req: Request, res: Response, next: NextFunction) => {
    try {
      await bundles();
      next();
    } catch {
      sendPage(res, messageHtml('Temporarily unavailable', 'The page could not be prepared. Please try again.'), 503);
    }
  };

  router.get('/join', headers, ready, (_req, res) => {
    sendPage(res, pageHtml({ title: 'Join a screen share', script: 'join', data: {}, loading: 'Loading…' }));
  });

  router.get('/j/:token', headers, ready, (req, res) => {
    const token = tokenSchema.safeParse(req.params.token);
    if (!token.success) {
      sendPage(
        res,
        messageHtml('This link is not valid', 'Check that the whole link was copied, or ask your agent for a new one.'),
        404,
      );
      return;
    }
    sendPage(
      res,
      pageHtml({ title: 'Join a screen share', script: 'join', data: { token: token.data }, loading: 'Loading…' }),
    );
  });

  router.get('/console/:sessionId', headers, (req, res, next) => {
    const id = sessionIdSchema.safeParse(req.params.sessionId);
    if (!id.success) {
      sendPage(res, messageHtml('No such session', 'This console link is not valid.'), 404);
      return;
    }
    const crm = crmOf(req, config);
    const returnTo = `/console/${id.data}`;
    if (!hasCookie(req, SESSION_COOKIE) || req.query.signin === 'choose') {
      // With one CRM configured there is nothing to ask; with both the agent picks theirs.
      if (crm) res.redirect(302, `/auth/${crm}?returnTo=${encodeURIComponent(returnTo)}`);
      else sendPage(res, signInChoiceHtml(returnTo));
      return;
    }
    ready(req, res, () =>
      sendPage(
        res,
        pageHtml({
          title: 'Screen share console',
          script: 'console',
          data: { 'session-id': id.data, crm },
          loading: 'Connecting to the session…',
        }),
      ),
    ).catch(next);
  });

  // A supervisor's team's live sessions (the relay asks the CRM for the permission and the team).
  router.get('/supervise', headers, (req, res, next) => {
    const crm = crmOf(req, config);
    if (!hasCookie(req, SESSION_COOKIE) || req.query.signin === 'choose') {
      if (crm) res.redirect(302, `/auth/${crm}?returnTo=${encodeURIComponent('/supervise')}`);
      else sendPage(res, signInChoiceHtml('/supervise'));
      return;
    }
    ready(req, res, () =>
      sendPage(
        res,
        pageHtml({ title: "Your team's sessions", script: 'supervise', data: { crm }, loading: 'Loading…' }),
      ),
    ).catch(next);
  });

  router.use('/static', headers, async (req, res, next) => {
    try {
      const dir = await bundles();
      if (dir !== servedDir) {
        servedDir = dir;
        serveBuild = express.static(dir, { index: false, fallthrough: true, cacheControl: false });
      }
      res.set('cache-control', 'no-cache');
      serveBuild!(req, res, next);
    } catch (error) {
      next(error);
    }
  });
  router.use('/static', express.static(join(import.meta.dirname, 'public'), { index: false, cacheControl: false }));

  return router;
}
