// The signed-in agent: who they are, and what became of their sessions' CRM write-backs
// (failures stay visible here until they are delivered or discarded).
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AgentIdentity } from '../auth/identity.ts';
import { agentDeliveriesSchema, type WriteBackStatus } from '../protocol/index.ts';
import type { OutboxItem } from '../writeback/Outbox.ts';
import type { AppContext } from './AppContext.ts';
import { validate } from './validate.ts';

const status = (i: OutboxItem): WriteBackStatus => ({
  sessionId: i.sessionId,
  step: i.kind,
  status: i.status,
  attempts: i.attempts,
  error: i.status === 'done' ? null : i.lastError,
  resultId: i.resultId,
  updatedAt: new Date(i.updatedAt).toISOString(),
});

export function agentRoutes(ctx: AppContext): Router {
  const { outbox } = ctx;
  const router = Router();
  const agentOf = (res: Response) => res.locals.agent as AgentIdentity;

  router.get('/api/me', (_req, res) => {
    const a = agentOf(res);
    res.json({
      crm: a.crm,
      userId: a.userId,
      username: a.username,
      displayName: a.displayName,
      failedWriteBacks: outbox.failed({ crm: a.crm, userId: a.userId }, 20).map(status),
    });
  });

  router.get('/api/me/deliveries', (_req, res) => {
    const a = agentOf(res);
    res.json(agentDeliveriesSchema.parse(ctx.writeBack.deliveriesFor(a.crm, a.userId)));
  });

  router.get('/api/writebacks', (req, res) => {
    const { sessionId } = validate(z.object({ sessionId: z.string().min(1).max(80) }), req.query, 'query');
    const a = agentOf(res);
    // Only the host's own write-backs: the outbox acts as them.
    const items = outbox.forSession(sessionId).filter((i) => i.crm === a.crm && i.userId === a.userId);
    res.json({ sessionId, writebacks: items.map(status) });
  });

  return router;
}
