// Who may supervise a session, asked of the CRM on every action with the supervisor's own token: the
// supervisor permission (Salesforce custom permission / ServiceNow role), the host in their team as the
// CRM keeps it (Salesforce User.ManagerId, ServiceNow groups they manage), and the record readable by them.
// Sessions are this node's (in cluster mode a session on another node is not found here).
import type { AgentIdentity } from '../auth/identity.ts';
import type { CrmAdapter } from '../crm/CrmAdapter.ts';
import type { SessionRegistry } from '../sessions/SessionRegistry.ts';
import type { SessionInfo } from '../sessions/types.ts';
import type { Logger } from '../logger.ts';
import { HttpError } from './HttpError.ts';

export class Supervision {
  readonly #registry: SessionRegistry;
  readonly #adapterFor: (agent: AgentIdentity) => CrmAdapter;
  readonly #logger: Logger;
  readonly #maxLiveSessionsPerAgent: number;

  constructor(
    registry: SessionRegistry,
    adapterFor: (agent: AgentIdentity) => CrmAdapter,
    logger: Logger,
    maxLiveSessionsPerAgent: number,
  ) {
    this.#registry = registry;
    this.#adapterFor = adapterFor;
    this.#logger = logger;
    this.#maxLiveSessionsPerAgent = maxLiveSessionsPerAgent;
  }

  /**
   * The supervisor (checked by sessionFor) becomes the host. maxLiveSessionsPerAgent caps the sessions an
   * agent starts; a take-over rescues a session someone else started, so it is never refused by the cap
   * (a supervisor at their cap must still be able to step in). Past the cap it is logged as such, and the
   * supervisor starts no new session until they are under it again.
   */
  takeOver(agent: AgentIdentity, info: SessionInfo): void {
    const hosted = this.#registry.liveHostedBy(agent.crm, agent.orgId, new Set([agent.userId])).length;
    this.#registry.takeOver(info.snapshot.id, agent);
    const fields = { sessionId: info.snapshot.id, crm: agent.crm, userId: agent.userId, hosted: hosted + 1 };
    if (hosted >= this.#maxLiveSessionsPerAgent)
      this.#logger.warn(
        { ...fields, maxLiveSessionsPerAgent: this.#maxLiveSessionsPerAgent },
        'session taken over by a supervisor past their live-session cap',
      );
    else this.#logger.info(fields, 'session taken over by a supervisor');
  }

  /** The live sessions of the supervisor's team; 403 without the permission. */
  async teamSessions(agent: AgentIdentity): Promise<SessionInfo[]> {
    const crm = this.#adapterFor(agent);
    await this.#requirePermission(crm, agent);
    const team = await crm.teamOf(agent.userId);
    return this.#registry.liveHostedBy(agent.crm, agent.orgId, team);
  }

  /**
   * The session, when this user may supervise it: 403 without the permission, 404 when the session is not
   * live here or its host is not in their team (nothing is learnt of other teams' sessions).
   */
  async sessionFor(agent: AgentIdentity, sessionId: string): Promise<SessionInfo> {
    const crm = this.#adapterFor(agent);
    await this.#requirePermission(crm, agent);
    const info = this.#registry.get(sessionId);
    const sameOrg = info && info.host.crm === agent.crm && info.host.orgId === agent.orgId;
    if (
      !info ||
      !sameOrg ||
      info.snapshot.status === 'ended' ||
      !(await crm.teamOf(agent.userId)).has(info.host.userId)
    )
      throw new HttpError(404, 'not_found', 'no such live session in your team');
    // They act on the record (and, once host, the write-back goes as them): they must be able to read it.
    await crm.readRecord(info.snapshot.record.id);
    return info;
  }

  /** Whether this user holds the supervisor permission (a refused caller learns no more than before). */
  async permitted(agent: AgentIdentity): Promise<boolean> {
    return this.#adapterFor(agent).maySupervise(agent.userId);
  }

  async #requirePermission(crm: CrmAdapter, agent: AgentIdentity): Promise<void> {
    if (!(await crm.maySupervise(agent.userId)))
      throw new HttpError(403, 'not_permitted', 'your CRM account does not have the Sightline supervisor permission');
  }
}
