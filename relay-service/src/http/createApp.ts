// The relay's express app: hardening and CSRF first, then operability, sign-in, the guest API,
// the agent API behind the login cookie, the pages, and one JSON error handler.
import express, { type Express, type Router } from 'express';
import { createAuthRouter } from '../auth/authRouter.ts';
import { handoffRoutes } from '../auth/handoffRoutes.ts';
import { requireAgent } from '../auth/requireAgent.ts';
import { AdminAuth } from '../auth/adminAuth.ts';
import { adminRoutes } from './adminRoutes.ts';
import { agentRoutes } from './agentRoutes.ts';
import { desktopRoutes } from './desktopRoutes.ts';
import type { AppContext } from './AppContext.ts';
import { errorHandler } from './errorHandler.ts';
import { fail, HttpError } from './HttpError.ts';
import { joinRoutes } from './joinRoutes.ts';
import { opsRoutes } from './opsRoutes.ts';
import { cors, crmOrigins, csrf, securityHeaders } from './security.ts';
import { sessionRoutes } from './sessionRoutes.ts';
import { startFromCrm } from './startFromCrm.ts';
import type { Crm } from '../auth/identity.ts';

/** Paths as logged: join-link tokens are secrets and never reach the log. */
export const loggablePath = (path: string) => path.replace(/^\/j\/[^/]+/, '/j/[redacted]');

export interface AppExtras {
  webRouter?: Router | null;
  /** `POST /__test/clock`, mounted only when startRelay enables the test clock. */
  testClock?: Router | null;
  /** Node-to-node calls in cluster mode (bearer-authenticated, so before the browsers' CSRF check). */
  cluster?: Router | null;
}

export function createApp(ctx: AppContext, { webRouter, testClock, cluster }: AppExtras = {}): Express {
  const { config, logger, loginSessions, agents, agentAuth } = ctx;
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For only from the configured proxies; anyone else's header is ignored.
  app.set('trust proxy', config.relay.trustedProxies.length > 0 ? config.relay.trustedProxies : false);

  app.use((req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const ms = Math.round(performance.now() - started);
      logger.debug({ method: req.method, path: loggablePath(req.path), status: res.statusCode, ms }, 'http');
    });
    next();
  });
  app.use(securityHeaders(config, ctx.publicUrl));
  app.use(cors(config));
  app.use(express.json({ limit: '64kb' }));
  if (cluster) app.use(cluster);
  // A call another node forwards (cluster mode) had its Origin checked there; the agent is still authenticated here.
  const checkOrigin = csrf(config, ctx.publicUrl);
  app.use((req, res, next) => (ctx.forwarder?.fromNode(req) ? next() : checkOrigin(req, res, next)));
  if (ctx.sharedSignIns) app.use(ctx.sharedSignIns.middleware());

  app.use(opsRoutes(ctx));
  app.use(adminRoutes(ctx, new AdminAuth(config)));
  if (testClock) app.use(testClock);
  app.use(
    handoffRoutes({
      config,
      agents,
      agentAuth,
      sessions: loginSessions,
      publicUrl: ctx.publicUrl,
      allowedOrigins: crmOrigins(config),
      limiters: ctx.limiters,
      ...(ctx.sharedSignIns
        ? { pullAgent: (crm: Crm, userId: string) => ctx.sharedSignIns!.pullAgent(crm, userId) }
        : {}),
    }),
  );
  app.use(
    createAuthRouter({
      config,
      logger,
      agents,
      sessions: loginSessions,
      cookies: ctx.cookies,
      publicUrl: ctx.publicUrl,
      fail,
      agentAuth,
      startSession: startFromCrm(ctx),
      ...(ctx.sharedSignIns ? { shared: () => ctx.sharedSignIns!.settled() } : {}),
      ...(ctx.oauthStates ? { oauthStates: ctx.oauthStates } : {}),
    }),
  );
  app.use(joinRoutes(ctx));
  app.use(desktopRoutes(ctx));
  app.use('/api', requireAgent(loginSessions, agents, fail, agentAuth));
  app.use(agentRoutes(ctx));
  app.use(sessionRoutes(ctx));
  app.use('/api', (_req, _res, next) => next(new HttpError(404, 'not_found', 'no such API endpoint')));
  if (webRouter) app.use(webRouter);
  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'not found')));
  app.use(errorHandler(logger));
  return app;
}
