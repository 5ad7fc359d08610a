// Operability: liveness and Prometheus metrics (the shared registry, write-back gauges included).
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import type { AppContext } from './AppContext.ts';
import { HttpError } from './HttpError.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export function opsRoutes(ctx: AppContext): Router {
  const { metrics, config } = ctx;
  const token = config.relay.metricsToken;
  // Constant-time over digests (equal lengths whatever was sent).
  const authorized = (req: Request) =>
    token !== undefined && timingSafeEqual(sha256(req.get('authorization') ?? ''), sha256(`Bearer ${token}`));
  const router = Router();
  // Liveness only: how busy the relay is belongs to /metrics, behind its token.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/metrics', async (req, res) => {
    // No token configured: not served at all. A wrong one: 401, and nothing about the relay.
    if (token === undefined) throw new HttpError(404, 'not_found', 'not found');
    if (!authorized(req))
      throw new HttpError(
        401,
        'unauthenticated',
        'metrics need Authorization: Bearer <relay.metricsToken>',
        undefined,
        {
          'www-authenticate': 'Bearer',
        },
      );
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
