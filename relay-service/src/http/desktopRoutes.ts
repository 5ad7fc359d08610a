// The desktop app's side of joining: the join page asks for a hand-off code (naming the session by
// the key or link token it already holds), the app looks the session up and joins with the code,
// which is spent on join. The download page lists the installers a release publishes.
import { Router, type Request, type Response } from 'express';
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
import type { AppContext } from './AppContext.ts';
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
  const sourceLimit = perSourceLimit('desktop-code-src', 30, 60, ctx.limiters);
  // A call another node sent on (cluster mode) was counted there, against the person's address.
  const limit = async (req: Request) => {
    if (!ctx.forwarder?.fromNode(req)) await sourceLimit(req);
  };
  const router = Router();

  /** Cluster mode: a code another node issued is answered there (true once it has). */
  const elsewhere = async (req: Request, res: Response, code: string): Promise<boolean> => {
    if (!ctx.handOffs || !ctx.forwarder || ctx.forwarder.fromNode(req) || codes.check(code).ok) return false;
    const sessionId = await ctx.handOffs.sessionOf(code);
    return sessionId !== null && (await ctx.forwarder.toOwner(req, res, sessionId));
  };

  /** The live session a code is bound to (spent when `spend`), with what the join page would show. */
  const sessionOf = async (req: Request, code: string, spend: boolean): Promise<JoinInfo> => {
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
    const info = await findJoinSession(ctx.sessions, limit, req, body);
    // The node holding the session issues its codes (cluster mode).
    if (!registry.get(info.sessionId) && (await ctx.forwarder?.toOwner(req, res, info.sessionId))) return;
    const { code, expiresAt } = codes.issue(info.sessionId);
    // Without Redis the code still works on this node; other nodes then answer it unknown.
    await ctx.handOffs
      ?.publish(code, info.sessionId, Math.max(1, expiresAt - registry.clock.now()))
      .catch((err: unknown) =>
        ctx.logger.warn(
          { err: (err as Error).message },
          'a desktop hand-off code could not be shared with the other nodes',
        ),
      );
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
    await limit(req);
    if (await elsewhere(req, res, body.code)) return;
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
    await limit(req);
    if (await elsewhere(req, res, body.code)) return;
    const info = await sessionOf(req, body.code, true);
    // This node's WebSocket (its own URL in cluster mode, the public one on a single node).
    const { participant, ticket, waiting, wsUrl } = await ctx.sessions.join(info.sessionId, body.contact);
    const answer: JoinResponse = {
      participantId: participant.id,
      ticket,
      wsUrl,
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
