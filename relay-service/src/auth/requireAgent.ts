// Resolves the `sightline_sid` cookie to the signed-in agent (res.locals.agent) or answers 401.
import type { NextFunction, Request, Response } from 'express';
import type { AgentStore } from './AgentStore.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';
import type { AgentIdentity } from './identity.ts';
import type { LoginSessions } from './LoginSessions.ts';

export function currentAgent(req: Request, sessions: LoginSessions, agents: AgentStore): AgentIdentity | null {
  const login = sessions.resolve(readCookie(req, SESSION_COOKIE));
  return login ? agents.identity(login.crm, login.userId) : null;
}

export function requireAgent(
  sessions: LoginSessions,
  agents: AgentStore,
  fail: (s: number, e: string, m: string) => Error,
) {
  return (req: Request, res: Response, next: NextFunction) => {
    const agent = currentAgent(req, sessions, agents);
    if (!agent) return next(fail(401, 'unauthenticated', 'sign in with your CRM account first'));
    res.locals.agent = agent;
    next();
  };
}
