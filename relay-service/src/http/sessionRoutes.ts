// Agent API for sessions: create (after reading the record as the agent), list on a record,
// details, console ticket, end, and the invite email sent through the CRM as the agent.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentIdentity } from '../auth/identity.ts';
import {
  agentTicketRequestSchema,
  activeSessionsQuerySchema,
  activeSessionsResponseSchema,
  type ActiveSessionsResponse,
  createSessionRequestSchema,
  inviteRequestSchema,
  type CreateSessionResponse,
  teamSessionsResponseSchema,
  type TeamSessionsResponse,
  type TicketResponse,
} from '../protocol/index.ts';
import type { SessionInfo } from '../sessions/types.ts';
import { policyFor, wsUrlOf, type AppContext } from './AppContext.ts';
import { HttpError } from './HttpError.ts';
import { validate } from './validate.ts';
import { invitationEmail } from '../crm/invitationEmail.ts';
import { normalizeRecordId } from '../crm/recordId.ts';
import type { Crm } from '../auth/identity.ts';
import { SessionCreationLimit } from './SessionCreationLimit.ts';
import { Supervision } from './supervision.ts';

const sessionIdSchema = z.string().regex(/^s_[A-Za-z0-9_-]{8,64}$/, 'not a session id');

const agentOf = (res: Response) => res.locals.agent as AgentIdentity;

/** A Case id in either Salesforce form (15 or 18 characters) names the same Case. */
function recordIdOf(crm: Crm, id: string): string {
  const canonical = normalizeRecordId(crm, id);
  if (!canonical) {
    const message = `not a ${crm === 'salesforce' ? 'Salesforce record id' : 'ServiceNow sys_id'}`;
    throw new HttpError(400, 'bad_request', `invalid recordId: ${message}`, [{ path: 'recordId', message }]);
  }
  return canonical;
}
const sameAgent = (a: AgentIdentity, b: AgentIdentity) => a.crm === b.crm && a.userId === b.userId;

export function sessionRoutes(ctx: AppContext): Router {
  const { registry, adapterFor, logger, config, publicUrl } = ctx;
  const router = Router();
  const creations = new SessionCreationLimit(config.limits.sessionCreationsPerAgentPerMinute, ctx.limiters);
  const supervision = new Supervision(registry, adapterFor, logger, config.limits.maxLiveSessionsPerAgent);

  const describe = (
    id: string,
    info: Pick<SessionInfo, 'token' | 'expiresAt' | 'host' | 'policy'> & {
      snapshot: Pick<SessionInfo['snapshot'], 'key' | 'status' | 'record'>;
    },
    agent: AgentIdentity,
  ): CreateSessionResponse => ({
    sessionId: id,
    key: info.snapshot.key,
    joinUrl: `${publicUrl()}/j/${info.token}`,
    consoleUrl: `${publicUrl()}/console/${id}`,
    status: info.snapshot.status,
    expiresAt: info.expiresAt,
    record: info.snapshot.record,
    role: sameAgent(info.host, agent) ? 'host' : 'agent',
    mayShowScreen: info.policy.hostsMayShowScreens,
  });

  /**
   * The session, if this agent is its host or one of its agents; 404 otherwise (no probing). Null: it
   * is on another node (cluster mode), which has answered.
   */
  const sessionFor = async (req: Request, res: Response, { hostOnly = false } = {}) => {
    const id = validate(sessionIdSchema, req.params.id, 'session id');
    if (!registry.get(id) && (await ctx.forwarder?.toOwner(req, res, id))) return null;
    const info = registry.get(id);
    const agent = agentOf(res);
    if (!info || !registry.isAgentOf(id, agent)) throw new HttpError(404, 'not_found', 'no such live session of yours');
    if (hostOnly && !sameAgent(info.host, agent)) throw new HttpError(403, 'not_host', 'only the host can do this');
    return { id, info, agent };
  };

  router.post('/api/sessions', async (req, res) => {
    const body = validate(createSessionRequestSchema, req.body, 'body');
    const agent = agentOf(res);
    if (body.crm !== agent.crm) {
      throw new HttpError(403, 'wrong_crm', `you are signed in with ${agent.crm}, not ${body.crm}`);
    }
    const crm = adapterFor(agent);
    // Who may host is the CRM administrators' decision (permission set / role), asked with the
    // agent's own token; and no session for a record they cannot read.
    if (!(await crm.mayHost(agent.userId)))
      throw new HttpError(
        403,
        'not_permitted',
        'your CRM account does not have the permission to start Sightline sessions',
      );
    await creations.take(agent);
    const record = await crm.readRecord(recordIdOf(body.crm, body.recordId));
    // On this node, or in cluster mode on the least-busy one.
    const recordRef = { crm: body.crm, id: recordIdOf(body.crm, record.id), label: record.label };
    const policy = policyFor(config, agent.username);
    const created = await ctx.sessions.create({
      host: agent,
      record: recordRef,
      policy,
      recordRequested: body.record ?? false,
    });
    logger.info({ sessionId: created.sessionId, crm: agent.crm, userId: agent.userId }, 'session created by agent');
    // Possibly on another node: described from what the placement answered, not this node's registry.
    const { sessionId, key, token, status, expiresAt } = created;
    const placed = { token, expiresAt, host: agent, policy, snapshot: { key, status, record: recordRef } };
    res.status(201).json(describe(sessionId, placed, agent));
  });

  router.get('/api/sessions', async (req, res) => {
    const q = validate(activeSessionsQuerySchema, req.query, 'query');
    const agent = agentOf(res);
    // On one record (the record page), or on all of them (the console's utility bar).
    const live =
      q.crm && q.recordId
        ? registry
            .activeFor(q.crm, recordIdOf(q.crm, q.recordId))
            .filter((s) => registry.isAgentOf(s.snapshot.id, agent))
        : registry.liveForAgent(agent).filter((s) => !q.crm || s.snapshot.record.crm === q.crm);
    const here = live.map((s) => describe(s.snapshot.id, s, agent));
    // Cluster mode: each other node answers for its own sessions (authenticating the agent itself).
    const forwarder = ctx.forwarder;
    const elsewhere =
      forwarder && !forwarder.fromNode(req)
        ? (await forwarder.toOthers(req)).flatMap((a) => activeSessionsResponseSchema.parse(a).sessions)
        : [];
    const answer: ActiveSessionsResponse = { sessions: [...here, ...elsewhere] };
    res.json(answer);
  });

  router.get('/api/sessions/:id', async (req, res) => {
    const found = await sessionFor(req, res);
    if (!found) return;
    const { id, info, agent } = found;
    res.json({ ...describe(id, info, agent), session: info.snapshot });
  });

  router.post('/api/sessions/:id/ticket', async (req, res) => {
    const id = validate(sessionIdSchema, req.params.id, 'session id');
    const { invitation } = validate(agentTicketRequestSchema, req.body ?? {}, 'body');
    const agent = agentOf(res);
    // The session id alone opens nothing: the host, or the person the host invited (with the token of
    // their emailed link), who must also be able to read the record with their own token. Anyone else
    // learns nothing (404, as for no session). The node holding the session issues the ticket (in
    // cluster mode, wherever this call landed).
    const issued = await ctx.sessions.agentTicket(
      id,
      agent,
      async (recordId) => {
        await adapterFor(agent).readRecord(recordId);
      },
      invitation,
    );
    if (issued) {
      const answer: TicketResponse = {
        participantId: issued.participant.id,
        ticket: issued.ticket,
        wsUrl: issued.wsUrl,
      };
      return res.json(answer);
    }
    // Not theirs: a supervisor of the host's team watches; anyone else learns nothing (404, no probing).
    if (invitation || !(await supervision.permitted(agent)))
      throw new HttpError(404, 'not_found', 'no such live session of yours');
    // Cluster mode: the node holding the session checks the supervisor and issues their ticket.
    if (!registry.get(id) && (await ctx.forwarder?.toOwner(req, res, id))) return;
    await supervision.sessionFor(agent, id);
    const watching = registry.supervisorTicket(id, agent);
    logger.info({ sessionId: id, crm: agent.crm, userId: agent.userId }, 'supervisor joined to watch');
    const answer: TicketResponse = {
      participantId: watching.participant.id,
      ticket: watching.ticket,
      wsUrl: wsUrlOf(publicUrl()),
    };
    res.json(answer);
  });

  router.post('/api/sessions/:id/end', async (req, res) => {
    const id = validate(sessionIdSchema, req.params.id, 'session id');
    const agent = agentOf(res);
    const info = registry.get(id);
    // Someone else's session held here: a supervisor of the host's team may end it. Everyone else gets
    // what sessionFor says (an agent of it "only the host", anyone else 404, as for no session).
    if (info && !sameAgent(info.host, agent) && (await supervision.permitted(agent))) {
      await supervision.sessionFor(agent, id);
      logger.info({ sessionId: id, crm: agent.crm, userId: agent.userId }, 'session ended by a supervisor');
      await registry.end(id, 'supervisor_ended', agent.displayName);
      return res.json({ sessionId: id, status: 'ended' });
    }
    const found = await sessionFor(req, res, { hostOnly: true });
    if (!found) return;
    await registry.end(id, 'host_ended', agent.displayName);
    res.json({ sessionId: id, status: 'ended' });
  });

  /** A supervisor of the host's team becomes the host (joining first if not watching). */
  router.post('/api/sessions/:id/take-over', async (req, res) => {
    const id = validate(sessionIdSchema, req.params.id, 'session id');
    const agent = agentOf(res);
    if (!registry.get(id) && (await ctx.forwarder?.toOwner(req, res, id))) return;
    const info = await supervision.sessionFor(agent, id);
    if (!sameAgent(info.host, agent)) supervision.takeOver(agent, info);
    res.json({ sessionId: id, role: 'host' });
  });

  /** The supervisor's view: their team's live sessions on this relay (403 without the permission). */
  router.get('/api/supervisor/sessions', async (_req, res) => {
    const agent = agentOf(res);
    const sessions = await supervision.teamSessions(agent);
    // Cluster mode: each other node answers for the team's sessions it holds (checking the supervisor itself).
    const forwarder = ctx.forwarder;
    const elsewhere =
      forwarder && !forwarder.fromNode(_req)
        ? (await forwarder.toOthers(_req)).flatMap((a) => teamSessionsResponseSchema.parse(a).sessions)
        : [];
    const answer: TeamSessionsResponse = {
      sessions: [
        ...sessions.map((s) => ({
          sessionId: s.snapshot.id,
          record: s.snapshot.record,
          hostName: s.host.displayName,
          status: s.snapshot.status,
          startedAt: s.createdAt,
          participants: s.snapshot.participants.map((p) => ({ displayName: p.displayName, role: p.role })),
          consoleUrl: `${publicUrl()}/console/${s.snapshot.id}`,
        })),
        ...elsewhere,
      ].sort((x, y) => y.startedAt.localeCompare(x.startedAt)),
    };
    res.json(answer);
  });

  router.post('/api/sessions/:id/invite', async (req, res) => {
    const body = validate(inviteRequestSchema, req.body ?? {}, 'body');
    const found = await sessionFor(req, res);
    if (!found) return;
    const { id, info, agent } = found;
    const crm = adapterFor(agent);
    const record = await crm.readRecord(info.snapshot.record.id);
    const contact = record.contact;
    let to = body.to;
    if (!to) {
      if (!contact?.email) {
        throw new HttpError(422, 'no_contact_email', 'the record has no contact email; give the address in "to"');
      }
      to = [contact.email];
    }
    // The record's contact, when the email goes to them, so the CRM links the email to the person.
    const toContact = contact?.email && to.some((t) => t.toLowerCase() === contact.email!.toLowerCase());
    const key = info.snapshot.key;
    const email = invitationEmail({
      agentName: agent.displayName,
      companyName: config.invitations.companyName,
      recordLabel: info.snapshot.record.label,
      link: `${publicUrl()}/j/${info.token}`,
      keyEntry: key ? { url: `${publicUrl()}/join`, key } : null,
      policy: info.policy,
      expiresAt: info.expiresAt,
      now: new Date(),
      contactName: toContact && to.length === 1 ? contact!.name : null,
    });
    await crm.sendEmail({
      to,
      recordId: info.snapshot.record.id,
      ...(toContact ? { recipient: { id: contact!.id, email: contact!.email! } } : {}),
      ...email,
    });
    logger.info({ sessionId: id, recipients: to.length }, 'invitation emailed through the CRM');
    res.json({ sent: true, to });
  });

  return router;
}
