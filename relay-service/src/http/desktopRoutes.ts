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

const REFUSED: Record<Extract<CodeCheck, { ok: false }>['reason'], string> = {
  unknown: 'this hand-off code is not valid or was already used; open the app again from the join page',
  expired: 'this hand-off code has expired; open the app again from the join page',
};

export function desktopRoutes(ctx: AppContext): Router {
  const { registry, publicUrl, config } = ctx;
  const codes = new HandOffCodes({ ttlMs: config.desktop.handOffTtlSeconds * 1000, clock: registry.clock });
  registry.on('ending', ({ sessionId }) => codes.forgetSession(sessionId));
  const limit = perSourceLimit('desktop-code-src', 30, 60, ctx.limiters);
  const local = {
    findByKey: (key: string, source: string) => registry.lookupByKey(key, source),
    findByToken: (token: string) => Promise.resolve(registry.lookupByToken(token)),
  };
  const router = Router();

  /** The live session a code is bound to (spent when `spend`), with what the join page would show. */
  const sessionOf = async (req: Request, code: string, spend: boolean): Promise<JoinInfo> => {
    await limit(req);
    const result = spend ? codes.redeem(code) : codes.check(code);
    const info = result.ok ? registry.get(result.sessionId) : undefined;
    if (!result.ok || !info || info.snapshot.status === 'ended') {
      const reason = result.ok ? 'unknown' : result.reason;
      ctx.logger.info({ source: req.ip, reason }, 'desktop hand-off code refused');
      throw new HttpError(404, 'not_found', REFUSED[reason]);
    }
    return registry.lookupByToken(info.token)!;
  };

  router.post('/api/desktop/handoff', async (req, res) => {
    const body = validate(handOffRequestSchema, req.body, 'body');
    // Hand-off codes are this node's (not yet shared in cluster mode): its own sessions only.
    const info = await findJoinSession(local, limit, req, body);
    const { code, expiresAt } = codes.issue(info.sessionId);
    const base = publicUrl();
    const answer: HandOffResponse = {
      code,
      expiresAt: new Date(expiresAt).toISOString(),
      appUrl: handOffLink({ relay: base, code }),
      downloadUrl: `${base}/download`,
    };
    res.set('cache-control', 'no-store').status(201).json(answer);
  });

  router.post('/api/desktop/lookup', async (req, res) => {
    const body = validate(desktopLookupRequestSchema, req.body, 'body');
    const { sessionId, ...info } = await sessionOf(req, body.code, false);
    // Guests are never told the session id.
    const answer: DesktopLookupResponse = {
      ...info,
      terms: termsText(info.hostName, info.recordingPrompt),
      controlAllowed: registry.get(sessionId)!.policy.presentersMayShareControl,
    };
    res.set('cache-control', 'no-store').json(answer);
  });

  router.post('/api/desktop/join', async (req, res) => {
    const body = validate(desktopJoinRequestSchema, req.body, 'body');
    const info = await sessionOf(req, body.code, true);
    const { participant, ticket, waiting } = registry.join(info.sessionId, body.contact);
    const answer: JoinResponse = {
      participantId: participant.id,
      ticket,
      wsUrl: wsUrlOf(publicUrl()),
      recordingPrompt: info.recordingPrompt,
      waiting,
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
