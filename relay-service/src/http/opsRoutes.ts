// Operability: liveness and Prometheus metrics (the shared registry, write-back gauges included).
import { Router } from 'express';
import type { AppContext } from './AppContext.ts';

export function opsRoutes(ctx: AppContext): Router {
  const { registry, metrics, outbox } = ctx;
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', sessions: registry.size, writebackPending: outbox.count('pending') });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
