// Operability: liveness and Prometheus metrics (the shared registry plus the write-back backlog).
import { Router } from 'express';
import { Gauge } from 'prom-client';
import type { AppContext } from './AppContext.ts';

export function opsRoutes(ctx: AppContext): Router {
  const { registry, metrics, outbox } = ctx;
  new Gauge({
    name: 'sightline_writeback_backlog',
    help: 'CRM writes waiting in the outbox (pending) and given up on (failed)',
    labelNames: ['status'] as const,
    registers: [metrics.registry],
    collect() {
      this.set({ status: 'pending' }, outbox.count('pending'));
      this.set({ status: 'failed' }, outbox.count('failed'));
    },
  });
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', sessions: registry.size, writebackPending: outbox.count('pending') });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
