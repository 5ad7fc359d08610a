// The guest's side: look a session up by spoken key or link token, then join it. Wrong keys are
// rate-limited by the registry (per source and relay-wide); every join call is also limited per
// source here so link tokens cannot be scanned either.
import { Router, type Request } from 'express';
import {
  joinLookupRequestSchema,
  joinPresenceRequestSchema,
  joinRequestSchema,
  type JoinLookupResponse,
  type JoinResponse,
} from '../protocol/index.ts';
import type { SessionDirectory } from '../cluster/SessionDirectory.ts';
import type { JoinInfo } from '../sessions/types.ts';
import type { AppContext } from './AppContext.ts';
import { HttpError } from './HttpError.ts';
import { perSourceLimit } from './perSourceLimit.ts';
import { termsText } from './terms.ts';
import { validate } from './validate.ts';

export type KeyOrToken = { key?: string | undefined; token?: string | undefined };

/** The session a spoken key or a link token names (after the caller's per-source limit), else 404. */
export async function findJoinSession(
  registry: Pick<SessionDirectory, 'findByKey' | 'findByToken'>,
  limit: (req: Request) => Promise<void>,
  req: Request,
  lookup: KeyOrToken,
): Promise<JoinInfo> {
  await limit(req);
  const info =
    lookup.key !== undefined
      ? await registry.findByKey(lookup.key, req.ip ?? 'unknown')
      : await registry.findByToken(lookup.token!);
  if (!info) {
    throw new HttpError(
      404,
      'not_found',
      lookup.key !== undefined
        ? 'no session with that key; check the digits with your agent'
        : 'this link has expired or the session has ended',
    );
  }
  return info;
}

export function joinRoutes(ctx: AppContext): Router {
  const { sessions } = ctx;
  const router = Router();
  const limit = perSourceLimit('join-src', 60, 60, ctx.limiters);

  const find = (req: Request, lookup: KeyOrToken) => findJoinSession(sessions, limit, req, lookup);

  router.post('/api/join/lookup', async (req, res) => {
    const body = validate(joinLookupRequestSchema, req.body, 'body');
    const info = await find(req, body);
    const { sessionId: _hidden, ...shown } = info;
    const wsUrl = await sessions.wsUrlOf(info.sessionId);
    const answer: JoinLookupResponse = {
      ...shown,
      terms: termsText(info.hostName, info.recordingPrompt),
      ...(wsUrl && { wsUrl }),
    };
    res.json(answer);
  });

  // Before joining there is no socket: the key or link (looked up as above, same limits) authorises a
  // step report, which makes nobody an attendee. In cluster mode the node holding the session is told:
  // the call goes on to it, which looks the key or link up again (not limited twice per guest).
  const presenceLimit = (req: Request) => (ctx.forwarder?.fromNode(req) ? Promise.resolve() : limit(req));
  router.post('/api/join/presence', async (req, res) => {
    const body = validate(joinPresenceRequestSchema, req.body, 'body');
    const info = await findJoinSession(sessions, presenceLimit, req, body);
    if (ctx.registry.visitorPresence(info.sessionId, body.state, body.name)) return void res.status(204).end();
    if (await ctx.forwarder?.toOwner(req, res, info.sessionId)) return;
    res.status(204).end(); // it ended meanwhile: nobody is left to tell
  });

  router.post('/api/join', async (req, res) => {
    const body = validate(joinRequestSchema, req.body, 'body');
    const info = await find(req, body);
    // The node holding the session issues the ticket; its WebSocket URL is where the guest goes.
    const { participant, ticket, waiting, wsUrl } = await sessions.join(info.sessionId, body.contact);
    // Guests are never told the session id.
    const answer: JoinResponse = {
      participantId: participant.id,
      ticket,
      wsUrl,
      recordingPrompt: info.recordingPrompt,
      waiting,
    };
    res.status(201).json(answer);
  });

  return router;
}
