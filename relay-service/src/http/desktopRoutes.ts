// The desktop app's side of joining: the join page asks for a hand-off code (naming the session by
// the key or link token it already holds), the app looks the session up and joins with the code,
// which is spent on join. The download page lists the installers a release publishes.
import { Router, type Request } from 'express';
import {
  desktopJoinRequestSchema,
  desktopLookupRequestSchema,
  handOffLink,
  handOffRequestSchema,
  type DesktopLookupResponse,
  type HandOffResponse,
  type JoinResponse,
} from '../protocol/index.ts';
import { HandOffCodes, type CodeCheck } from '../sessions/HandOffCodes.ts';
import type { JoinInfo } from '../sessions/types.ts';
import { wsUrlOf, type AppContext } from './AppContext.ts';
import { downloadPageHtml } from './downloadPage.ts';
import { HttpError } from './HttpError.ts';
import { findJoinSession } from './joinRoutes.ts';
import { perSourceLimit } from './perSourceLimit.ts';
import { termsText } from './terms.ts';
import { validate } from './validate.ts';

const REFUSED: Record<Exclude<CodeCheck, 'ok'>, string> = {
  unknown: 'this hand-off code is not valid or was already used; open the app again from the join page',
  expired: 'this hand-off code has expired; open the app again from the join page',
  other_session: 'this hand-off code belongs to another session',
};

export function desktopRoutes(ctx: AppContext): Router {
  const { registry, publicUrl, config } = ctx;
  const codes = new HandOffCodes({ ttlMs: config.desktop.handOffTtlSeconds * 1000, clock: registry.clock });
  registry.on('ending', ({ sessionId }) => codes.forgetSession(sessionId));
  const limit = perSourceLimit(30, 60);
  const router = Router();

  /** The live session behind a code (not spent), with what the join page would show. */
  const sessionOf = async (req: Request, sessionId: string, code: string, spend: boolean): Promise<JoinInfo> => {
    await limit(req);
    const result = spend ? codes.redeem(sessionId, code) : codes.check(sessionId, code);
    const info = registry.get(sessionId);
    if (result !== 'ok' || !info || info.snapshot.status === 'ended') {
      ctx.logger.info({ source: req.ip, result }, 'desktop hand-off code refused');
      throw new HttpError(404, 'not_found', REFUSED[result === 'ok' ? 'unknown' : result]);
    }
    return registry.lookupByToken(info.token)!;
  };

  router.post('/api/desktop/handoff', async (req, res) => {
    const body = validate(handOffRequestSchema, req.body, 'body');
    const info = await findJoinSession(registry, limit, req, body);
    const { code, expiresAt } = codes.issue(info.sessionId);
    const base = publicUrl();
    const answer: HandOffResponse = {
      sessionId: info.sessionId,
      code,
      expiresAt: new Date(expiresAt).toISOString(),
      appUrl: handOffLink({ relay: base, sessionId: info.sessionId, code }),
      downloadUrl: `${base}/download`,
    };
    res.set('cache-control', 'no-store').status(201).json(answer);
  });

  router.post('/api/desktop/lookup', async (req, res) => {
    const body = validate(desktopLookupRequestSchema, req.body, 'body');
    const info = await sessionOf(req, body.sessionId, body.code, false);
    const answer: DesktopLookupResponse = {
      ...info,
      terms: termsText(info.hostName, info.recordingPrompt),
      controlAllowed: registry.get(info.sessionId)!.policy.presentersMayShareControl,
    };
    res.set('cache-control', 'no-store').json(answer);
  });

  router.post('/api/desktop/join', async (req, res) => {
    const body = validate(desktopJoinRequestSchema, req.body, 'body');
    const info = await sessionOf(req, body.sessionId, body.code, true);
    const { participant, ticket } = registry.join(info.sessionId, body.contact);
    const answer: JoinResponse = {
      sessionId: info.sessionId,
      participantId: participant.id,
      ticket,
      wsUrl: wsUrlOf(publicUrl()),
      recordingPrompt: info.recordingPrompt,
    };
    res.set('cache-control', 'no-store').status(201).json(answer);
  });

  router.get('/download', (req, res) => {
    res
      .set({
        'content-security-policy': "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      })
      .type('html')
      .send(downloadPageHtml(config.desktop.downloads, req.get('user-agent') ?? ''));
  });

  return router;
}
