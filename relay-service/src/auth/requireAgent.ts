// Resolves the caller to the signed-in agent (res.locals.agent) or answers 401: a CRM component by
// its relay bearer token (Authorization header; never a cookie, which is third-party there), the
// relay's own console by the first-party `sightline_sid` cookie.
import type { NextFunction, Request, Response } from 'express';
import type { AgentAuth } from './AgentAuth.ts';
import type { AgentStore } from './AgentStore.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';
import type { AgentIdentity } from './identity.ts';
import type { LoginSessions } from './LoginSessions.ts';

/** The bearer token of `Authorization: Bearer <token>`, if any. */
export function bearerOf(req: Request): string | undefined {
  const h = req.get('authorization');
  return h ? /^Bearer\s+(\S{1,200})$/i.exec(h)?.[1] : undefined;
}

export async function currentAgent(
  req: Request,
  sessions: LoginSessions,
  agents: AgentStore,
  agentAuth?: AgentAuth,
): Promise<AgentIdentity | null> {
  const bearer = bearerOf(req);
  if (bearer !== undefined) {
    const who = agentAuth ? await agentAuth.credentials.resolve(bearer) : null;
    return who ? agents.identity(who.crm, who.userId) : null;
  }
  const login = sessions.resolve(readCookie(req, SESSION_COOKIE));
  return login ? agents.identity(login.crm, login.userId) : null;
}

export function requireAgent(
  sessions: LoginSessions,
  agents: AgentStore,
  fail: (s: number, e: string, m: string) => Error,
  agentAuth?: AgentAuth,
) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const agent = await currentAgent(req, sessions, agents, agentAuth).catch((err: unknown) => {
      if (res.locals.signInUnchecked) return null; // a bearer store in Redis, unreachable: unknown below
      throw err;
    });
    if (!agent) {
      // Cluster mode with Redis unreachable: signed in through another node, perhaps. Not a reason to
      // send the agent (or the component's renewal) to the CRM's sign-in, which could not help now.
      if (res.locals.signInUnchecked)
        return next(
          fail(503, 'cluster_unavailable', 'the relay cannot check this sign-in right now; try again shortly'),
        );
      // A component renews an expired bearer with its refresh token, silently.
      if (bearerOf(req) !== undefined)
        return next(fail(401, 'token_expired', 'the relay access token expired; renew it'));
      return next(fail(401, 'unauthenticated', 'sign in with your CRM account first'));
    }
    res.locals.agent = agent;
    next();
  };
}
