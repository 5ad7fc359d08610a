// The guest's side: look a session up by spoken key or link token, then join it. Wrong keys are
// rate-limited by the registry (per source and relay-wide); every join call is also limited per
// source here so link tokens cannot be scanned either.
import { Router, type Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import {
  joinLookupRequestSchema,
  joinRequestSchema,
  type JoinLookupResponse,
  type JoinResponse,
} from '../protocol/index.ts';
import type { JoinInfo } from '../sessions/types.ts';
import { wsUrlOf, type AppContext } from './AppContext.ts';
import { HttpError } from './HttpError.ts';
import { termsText } from './terms.ts';
import { validate } from './validate.ts';

export function joinRoutes(ctx: AppContext): Router {
  const { registry, publicUrl } = ctx;
  const perSource = new RateLimiterMemory({ points: 60, duration: 60 });
  const router = Router();

  const limit = async (req: Request) => {
    try {
      await perSource.consume(req.ip ?? 'unknown');
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new HttpError(429, 'rate_limited', `too many attempts; retry in ${seconds} s`, undefined, {
        'retry-after': String(seconds),
      });
    }
  };

  const find = async (
    req: Request,
    lookup: { key?: string | undefined; token?: string | undefined },
  ): Promise<JoinInfo> => {
    await limit(req);
    const info =
      lookup.key !== undefined
        ? await registry.lookupByKey(lookup.key, req.ip ?? 'unknown')
        : registry.lookupByToken(lookup.token!);
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
  };

  router.post('/api/join/lookup', async (req, res) => {
    const body = validate(joinLookupRequestSchema, req.body, 'body');
    const info = await find(req, body);
    const { sessionId: _hidden, ...shown } = info;
    const answer: JoinLookupResponse = { ...shown, terms: termsText(info.hostName, info.recordingPrompt) };
    res.json(answer);
  });

  router.post('/api/join', async (req, res) => {
    const body = validate(joinRequestSchema, req.body, 'body');
    const info = await find(req, body);
    const { participant, ticket, waiting } = registry.join(info.sessionId, body.contact);
    // Guests are never told the session id.
    const answer: JoinResponse = {
      participantId: participant.id,
      ticket,
      wsUrl: wsUrlOf(publicUrl()),
      recordingPrompt: info.recordingPrompt,
      waiting,
    };
    res.status(201).json(answer);
  });

  return router;
}
