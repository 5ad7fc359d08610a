// The CRM components' sign-in hand-off and relay credentials, all JSON over CORS without cookies:
//   POST /auth/requests            {crm, userId} -> {requestId, secret, signInUrl}  (before the click)
//   POST /auth/requests/:id/wait   {secret} -> pending | signed_in + tokens | failed  (long poll)
//   POST /auth/token               {refreshToken} -> new bearer + the refresh token's successor
//   POST /auth/signout             Authorization: Bearer, or {refreshToken}: that grant ends
//   GET  /auth/done                what the sign-in window shows once the CRM said yes
//   GET  /auth/landed              fetched by that page once shown: the component may use the window
import { Router, type Request } from 'express';
import type { SightlineConfig } from '@sightline/config';
import type { LimiterFactory } from '../cluster/limiters.ts';
import { normalizeRecordId } from '../crm/recordId.ts';
import { perSourceLimit } from '../http/perSourceLimit.ts';
import { HttpError } from '../http/HttpError.ts';
import { validate } from '../http/validate.ts';
import {
  signInRequestSchema,
  signInWaitSchema,
  tokenRefreshRequestSchema,
  type RelayTokens,
  type SignInWaitResponse,
} from '../protocol/index.ts';
import type { AgentAuth } from './AgentAuth.ts';
import type { AgentStore } from './AgentStore.ts';
import type { AgentIdentity, Crm } from './identity.ts';
import type { Issued } from './RelayCredentials.ts';
import { bearerOf, currentAgent } from './requireAgent.ts';
import type { LoginSessions } from './LoginSessions.ts';
import { signInRequestIdSchema } from './SignInRequests.ts';

const LONG_POLL_MS = 20_000;
const REQUESTS_PER_MINUTE_PER_SOURCE = 30;
const requestIdPattern = /^[A-Za-z0-9_-]{24}$/;

export interface HandoffDeps {
  config: SightlineConfig;
  agents: AgentStore;
  agentAuth: AgentAuth;
  sessions: LoginSessions;
  publicUrl: () => string;
  /** The browser origins allowed to ask (the CRM origins, http/security.ts). */
  allowedOrigins: string[];
  /** Where the per-source budget counts (memory, or Redis in cluster mode). */
  limiters?: LimiterFactory;
  /** Cluster mode: brings an agent signed in through another node into this node's store. */
  pullAgent?: (crm: Crm, userId: string) => Promise<void>;
}

const fail = (status: number, error: string, message: string) => new HttpError(status, error, message);
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Same CRM user: Salesforce ids in either length name the same user. */
export function sameUser(crm: Crm, a: string, b: string): boolean {
  const x = normalizeRecordId(crm, a);
  return x !== null && x === normalizeRecordId(crm, b);
}

export function tokensBody(issued: Issued, agent: AgentIdentity): RelayTokens {
  return {
    accessToken: issued.accessToken,
    expiresIn: issued.expiresIn,
    refreshToken: issued.refreshToken,
    agent: { crm: agent.crm, userId: agent.userId, username: agent.username, displayName: agent.displayName },
  };
}

export function handoffRoutes(deps: HandoffDeps): Router {
  const { config, agents, agentAuth, sessions, publicUrl } = deps;
  const allowed = new Set(deps.allowedOrigins);
  // Counted in Redis in cluster mode: a flood spread over the nodes gets one budget.
  const limit = perSourceLimit('sign-in-request-src', REQUESTS_PER_MINUTE_PER_SOURCE, 60, deps.limiters);
  const router = Router();

  const fromCrmPage = (req: Request) => {
    const origin = req.get('origin');
    if (!origin || !allowed.has(origin)) throw fail(403, 'forbidden_origin', 'only the configured CRM pages may ask');
  };

  router.post('/auth/requests', async (req, res) => {
    fromCrmPage(req);
    await limit(req);
    const body = validate(signInRequestSchema, req.body, 'body');
    if (!config[body.crm].enabled) throw fail(404, 'not_found', 'unknown or disabled CRM');
    const created = await agentAuth.requests.create(body.crm, body.userId);
    res.status(201).json({
      requestId: created.requestId,
      secret: created.secret,
      signInUrl: `${publicUrl()}/auth/${body.crm}?request=${created.requestId}`,
      expiresAt: new Date(created.expiresAt).toISOString(),
    });
  });

  router.post('/auth/requests/:id/wait', async (req, res) => {
    fromCrmPage(req);
    const id = String(req.params.id);
    if (!requestIdPattern.test(id)) throw fail(404, 'not_found', 'no such sign-in request');
    const { secret } = validate(signInWaitSchema, req.body, 'body');
    const outcome = await agentAuth.requests.wait(id, secret, LONG_POLL_MS);
    if (outcome === null) throw fail(404, 'not_found', 'this sign-in request has expired; click again');
    let answer: SignInWaitResponse;
    if (outcome === 'pending') answer = { status: 'pending' };
    else if (!outcome.ok) answer = { status: 'failed', error: outcome.error, message: outcome.message };
    else {
      await deps.pullAgent?.(outcome.value.crm, outcome.value.userId);
      const agent = agents.identity(outcome.value.crm, outcome.value.userId);
      if (!agent) throw fail(404, 'not_found', 'this sign-in request has expired; click again');
      answer = {
        status: 'signed_in',
        tokens: tokensBody(await agentAuth.credentials.issue(agent.crm, agent.userId), agent),
      };
    }
    res.set('cache-control', 'no-store').json(answer);
  });

  router.post('/auth/token', async (req, res) => {
    fromCrmPage(req);
    const { refreshToken } = validate(tokenRefreshRequestSchema, req.body, 'body');
    const issued = await agentAuth.credentials.refresh(refreshToken);
    const agent = issued && agents.identity(issued.crm, issued.userId);
    if (!issued || !agent) throw fail(401, 'sign_in_required', 'sign in to Sightline again');
    res.set('cache-control', 'no-store').json(tokensBody(issued, agent));
  });

  router.post('/auth/signout', async (req, res) => {
    fromCrmPage(req);
    const body = (req.body ?? {}) as { refreshToken?: unknown };
    const bearer = bearerOf(req);
    if (bearer) await agentAuth.credentials.revoke(bearer);
    if (typeof body.refreshToken === 'string') await agentAuth.credentials.revoke(body.refreshToken);
    res.status(204).end();
  });

  router.get('/auth/done', async (req, res) => {
    // The page fetches /auth/landed once the browser has committed it: a response sent is not yet a
    // page shown, and the component's close() or navigation of the window is lost while the browser
    // is still swapping the CRM's OAuth page for this one.
    const request = signInRequestIdSchema.safeParse(req.query.request);
    const beacon = request.success
      ? `<img hidden alt="" src="/auth/landed?request=${encodeURIComponent(request.data)}">`
      : '';
    const agent = await currentAgent(req, sessions, agents);
    const crmName = agent?.crm === 'servicenow' ? 'ServiceNow' : 'Salesforce';
    const who = agent ? `as <strong>${esc(agent.displayName)}</strong> with ${crmName}` : '';
    res
      .set('cache-control', 'no-store')
      .type('html')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed in - Sightline</title>` +
          `<meta name="viewport" content="width=device-width, initial-scale=1">` +
          `<link rel="stylesheet" href="/static/page.css"></head><body>` +
          `<main><h1>You are signed in to Sightline</h1><p>Signed in ${who}.</p>` +
          `<p>Go back to your CRM tab: the session starts there. This window becomes the agent console.</p></main>${beacon}</body></html>`,
      );
  });

  router.get('/auth/landed', (req, res) => {
    const request = signInRequestIdSchema.safeParse(req.query.request);
    if (request.success) void agentAuth.requests.landed(request.data).catch(() => {}); // else the fallback
    res.set('cache-control', 'no-store').status(204).end();
  });

  return router;
}
