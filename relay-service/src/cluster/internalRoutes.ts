// The owner's side of node-to-node calls (`POST /internal/cluster/<op>`): only with the cluster's
// bearer, every body checked against the shared schema, answered from this node's own sessions.
import { Router, type Request as ExpressRequest } from 'express';
import { HttpError } from '../http/HttpError.ts';
import { validate } from '../http/validate.ts';
import { SessionNotFoundError } from '../sessions/errors.ts';
import { bearerMatches } from './nodeCalls.ts';
import type { LocalSessions } from './SessionDirectory.ts';
import { calls, CLUSTER_PATH, type Op, type Request, type Response } from './wire.ts';

type Handler<O extends Op> = (body: Request<O>) => Promise<Response<O>> | Response<O>;

export function internalRoutes(local: LocalSessions, bearer: string): Router {
  const router = Router();
  const route = <O extends Op>(op: O, handle: Handler<O>) =>
    router.post(`${CLUSTER_PATH}/${op}`, async (req: ExpressRequest, res) => {
      if (!bearerMatches(req.get('authorization'), bearer))
        throw new HttpError(401, 'not_a_node', 'node-to-node calls need the cluster bearer');
      const body = validate(calls[op].request, req.body, 'body') as Request<O>;
      res.json(await handle(body));
    });
  route('create', (b) => local.create(b, true));
  route('info', (b) => {
    const info = local.info(b.sessionId);
    if (!info) throw new SessionNotFoundError(b.sessionId);
    return info;
  });
  route('join', (b) => local.join(b.sessionId, b.contact));
  route('may-join', (b) => local.mayJoin(b.sessionId, b.agent, b.invitation));
  route('agent-ticket', (b) => local.ticket(b.sessionId, b.agent, b.invitation));
  return router;
}
