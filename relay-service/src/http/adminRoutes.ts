// The admin API for `sf sightline relay status` / `writebacks retry` / `org check`: read endpoints
// and one retry, each authenticated by AdminAuth (the admin's own org token + Sightline_Admin),
// rate-limited per source before any CRM call is made, validated and logged with who asked.
import { readFileSync } from 'node:fs';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { AdminAuth, AdminIdentity } from '../auth/adminAuth.ts';
import { retryRequestSchema, type AdminConfig, type AdminStatus } from '../protocol/index.ts';
import type { AppContext } from './AppContext.ts';
import { HttpError } from './HttpError.ts';
import { crmOrigins } from './security.ts';
import { validate } from './validate.ts';

const VERSION = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))).version;
const started = Date.now();

export function adminRoutes(ctx: AppContext, auth: AdminAuth): Router {
  const { config, logger, registry, writeBack } = ctx;
  const log = logger.child({ component: 'admin' });
  // Every call may cost two CRM requests: a small budget per source, and less for failed sign-ins.
  const perSource = new RateLimiterMemory({ points: 60, duration: 60 });
  const refusals = new RateLimiterMemory({ points: 10, duration: 60 });
  const router = Router();

  const consume = async (limiter: RateLimiterMemory, key: string) => {
    try {
      await limiter.consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new HttpError(429, 'rate_limited', `too many admin requests; retry in ${seconds} s`, undefined, {
        'retry-after': String(seconds),
      });
    }
  };

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const source = req.ip ?? 'unknown';
    try {
      // A source that keeps sending refused tokens is cut off before its tokens reach the org.
      const refused = await refusals.get(source);
      if (refused && refused.remainingPoints <= 0) await consume(refusals, source);
      await consume(perSource, source);
      res.locals.admin = await auth.verify(req.get('authorization'));
      next();
    } catch (err) {
      if (err instanceof HttpError && (err.status === 401 || err.status === 403)) {
        await refusals.consume(source).catch(() => undefined);
        log.warn({ path: req.path, status: err.status, reason: err.error }, 'admin request refused');
      }
      next(err);
    }
  };
  const adminOf = (res: Response) => res.locals.admin as AdminIdentity;
  const audit = (res: Response, req: Request, extra: Record<string, unknown> = {}) =>
    log.info(
      { admin: adminOf(res).username, userId: adminOf(res).userId, method: req.method, path: req.path, ...extra },
      'admin request',
    );

  router.use('/admin', authenticate);

  router.get('/admin/status', (req, res) => {
    audit(res, req);
    const body: AdminStatus = {
      status: 'ok',
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      liveSessions: registry.size,
      writeback: writeBack.summary(),
    };
    res.json(body);
  });

  router.get('/admin/config', (req, res) => {
    audit(res, req);
    const body: AdminConfig = {
      version: VERSION,
      publicUrl: ctx.publicUrl(),
      allowedOrigins: crmOrigins(config),
      salesforce: { loginUrl: config.salesforce.loginUrl, orgId: config.salesforce.orgId ?? null },
    };
    res.json(body);
  });

  router.post('/admin/writebacks/retry', (req, res) => {
    const filter = validate(retryRequestSchema, req.body ?? {}, 'retry request');
    const retried = writeBack.retry(filter);
    audit(res, req, { sessionId: filter.sessionId, retried });
    res.json({ retried });
  });

  router.use('/admin', (_req, _res, next) => next(new HttpError(404, 'not_found', 'no such admin endpoint')));
  return router;
}
