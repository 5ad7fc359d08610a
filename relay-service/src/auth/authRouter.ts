// Agent sign-in routes: /auth/<crm> starts the OAuth dance, /auth/<crm>/callback finishes it and
// opens a relay login session (the console's first-party cookie) and, when the window was opened by a
// CRM component (`?request=`), completes that component's sign-in request; POST /auth/logout closes it.
import { randomBytes } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { Passport } from 'passport';
import { z } from 'zod';
import { signInRequestIdSchema } from './SignInRequests.ts';
import type { SightlineConfig } from '@sightline/config';
import type { Logger } from '../logger.ts';
import type { AgentAuth } from './AgentAuth.ts';
import type { AgentStore } from './AgentStore.ts';
import { sameUser } from './handoffRoutes.ts';
import { clearCookie, LOGIN_COOKIE, readCookie, SESSION_COOKIE, setCookie, type CookiePolicy } from './cookies.ts';
import { crmSchema, type Crm } from './identity.ts';
import type { LoginSessions } from './LoginSessions.ts';
import { OAuthStateStore, type BoundRequest, type SharedPendingSignIns } from './OAuthStateStore.ts';
import { salesforceStrategy, servicenowStrategy, type SignedIn } from './strategies.ts';

/** Only same-site paths: an open redirect after sign-in would hand the agent to anyone. */
export const returnToSchema = z
  .string()
  .max(2048)
  .regex(/^\/(?![/\\])[^\s]*$/, 'returnTo must be a path on the relay, like /console/abc')
  .default('/');

const LOGIN_TTL_MS = 10 * 60_000;

export interface AuthDeps {
  config: SightlineConfig;
  logger: Logger;
  agents: AgentStore;
  sessions: LoginSessions;
  cookies: CookiePolicy;
  publicUrl: () => string;
  /** Tells the error handler what to send (http/HttpError.ts). */
  fail: (status: number, error: string, message: string) => Error;
  /** After a successful sign-in (the outbox retries writes that failed on revoked access). */
  onSignedIn?: (identity: SignedIn['identity']) => void;
  /** The CRM components' pending sign-in requests (auth/handoffRoutes.ts). */
  agentAuth?: AgentAuth;
  /** `?start=<recordId>` (a CRM form button): creates the session after sign-in, answers its id. */
  startSession?: (identity: SignedIn['identity'], recordId: string) => Promise<string>;
  /** Cluster mode: resolves once a sign-in or sign-out made here is shared, so the next request may reach any node. */
  shared?: () => Promise<void>;
  /** Cluster mode: sign-ins under way, readable by every node (the CRM may send the browser back to another). */
  oauthStates?: SharedPendingSignIns;
}

const startParamSchema = z
  .string()
  .regex(/^([a-zA-Z0-9]{15}|[a-zA-Z0-9]{18}|[0-9a-f]{32})$/, 'not a record id')
  .optional();

const requestParamSchema = signInRequestIdSchema.optional();

export function createAuthRouter(deps: AuthDeps): Router {
  const { config, logger, agents, sessions, cookies, publicUrl, fail, onSignedIn, agentAuth, startSession } = deps;
  const shared = deps.shared ?? (() => Promise.resolve());
  const store = new OAuthStateStore(deps.oauthStates ? { shared: deps.oauthStates } : {});
  const passport = new Passport();
  const callbackUrl = (crm: Crm) => `${publicUrl()}/auth/${crm}/callback`;
  if (config.salesforce.enabled)
    passport.use('salesforce', salesforceStrategy(config, store, callbackUrl('salesforce')));
  if (config.servicenow.enabled)
    passport.use('servicenow', servicenowStrategy(config, store, callbackUrl('servicenow')));

  const crmParam = (req: Request): Crm => {
    const crm = crmSchema.safeParse(req.params.crm);
    if (!crm.success || !config[crm.data].enabled) throw fail(404, 'not_found', 'unknown or disabled CRM');
    return crm.data;
  };

  const router = Router();
  router.use(passport.initialize());

  router.get('/auth/:crm', async (req: BoundRequest, res: Response, next: NextFunction) => {
    const crm = crmParam(req);
    const returnTo = returnToSchema.safeParse(req.query.returnTo ?? undefined);
    if (!returnTo.success) throw fail(400, 'bad_request', returnTo.error.issues[0]!.message);
    // A CRM component's sign-in window: it names the request the component will collect.
    const request = requestParamSchema.safeParse(req.query.request ?? undefined);
    if (!request.success) throw fail(400, 'bad_request', request.error.issues[0]!.message);
    const start = startParamSchema.safeParse(req.query.start ?? undefined);
    if (!start.success) throw fail(400, 'bad_request', start.error.issues[0]!.message);
    if (request.data !== undefined && (await agentAuth?.requests.open(request.data))?.crm !== crm) {
      throw fail(
        410,
        'sign_in_expired',
        'this sign-in link has expired: close this window and click again in your CRM',
      );
    }
    const binding = readCookie(req, LOGIN_COOKIE) ?? randomBytes(24).toString('base64url');
    req.loginBinding = binding;
    setCookie(res, cookies, LOGIN_COOKIE, binding, { maxAgeMs: LOGIN_TTL_MS, path: '/auth' });
    passport.authenticate(crm, {
      session: false,
      callbackURL: callbackUrl(crm),
      state: request.data
        ? { returnTo: `/auth/done?request=${request.data}`, request: request.data }
        : start.data
          ? { returnTo: '/', start: start.data }
          : { returnTo: returnTo.data },
    } as never)(req, res, next);
  });

  /** Hands the sign-in to the component that asked, if the agent is the CRM user it runs as. */
  const completeRequest = async (requestId: string, identity: SignedIn['identity']) => {
    const pending = await agentAuth?.requests.open(requestId);
    if (!pending || pending.crm !== identity.crm) return;
    await agentAuth!.requests.complete(
      requestId,
      sameUser(identity.crm, pending.userId, identity.userId)
        ? { ok: true, value: { crm: identity.crm, userId: identity.userId } }
        : {
            ok: false,
            error: 'wrong_user',
            message: `You signed in as ${identity.username}, not as the user of this CRM page. Sign in again as yourself.`,
          },
    );
  };

  router.get('/auth/:crm/callback', (req: Request, res: Response, next: NextFunction) => {
    const crm = crmParam(req);
    const done = (err: Error | null, user: SignedIn | false, info?: { message?: string; state?: unknown }) => {
      if (err) {
        logger.warn({ crm, err: { message: err.message } }, 'sign-in failed at the CRM');
        return next(fail(502, 'crm_error', `sign-in with ${crm} failed: ${err.message}`));
      }
      if (!user) {
        logger.warn({ crm, reason: info?.message }, 'sign-in refused');
        return next(fail(403, 'sign_in_refused', info?.message ?? 'sign-in was refused'));
      }
      agents.save(user.identity, user.tokens);
      const sid = sessions.create(user.identity.crm, user.identity.userId);
      setCookie(res, cookies, SESSION_COOKIE, sid, { maxAgeMs: sessions.ttlMs, sameSite: cookies.sessionSameSite });
      clearCookie(res, cookies, LOGIN_COOKIE, { path: '/auth' });
      logger.info({ crm, userId: user.identity.userId }, 'agent signed in');
      onSignedIn?.(user.identity);
      const state = info?.state as { returnTo?: unknown; request?: unknown; start?: unknown } | undefined;
      // The agent's row is shared before the request completes: the component's wait may be on any node.
      const settled = shared().then(() =>
        typeof state?.request === 'string' ? completeRequest(state.request, user.identity) : undefined,
      );
      if (typeof state?.start === 'string' && startSession) {
        settled
          .then(() => startSession(user.identity, String(state.start)))
          .then((id) => res.redirect(303, `/console/${id}`), next);
        return;
      }
      const returnTo = returnToSchema.safeParse(state?.returnTo);
      settled.then(() => res.redirect(303, returnTo.success ? returnTo.data : '/'), next);
    };
    passport.authenticate(crm, { session: false, callbackURL: callbackUrl(crm) } as never, done)(req, res, next);
  });

  router.post('/auth/logout', (req, res, next) => {
    sessions.destroy(readCookie(req, SESSION_COOKIE));
    clearCookie(res, cookies, SESSION_COOKIE, { sameSite: cookies.sessionSameSite });
    shared().then(() => res.status(204).end(), next);
  });

  return router;
}
