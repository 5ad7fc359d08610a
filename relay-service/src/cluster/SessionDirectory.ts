// Where the HTTP routes create, find and join sessions. On a single node that is this relay's
// registry (LocalSessions). In cluster mode (ClusterSessions) a new session goes to the least-busy
// node, keys and links resolve through Redis, and a join or ticket is issued by the node holding the
// session, whose WebSocket URL the answer names: media never passes another node or Redis.
import type { Contact } from '../protocol/index.ts';
import { wsUrlOf } from '../http/AppContext.ts';
import { HttpError } from '../http/HttpError.ts';
import { KeyGuard } from '../sessions/KeyGuard.ts';
import type { SessionRegistry } from '../sessions/SessionRegistry.ts';
import type {
  AgentIdentity,
  CreatedSession,
  CreateSessionInput,
  JoinInfo,
  ParticipantTicket,
} from '../sessions/types.ts';
import type { LimiterFactory } from './limiters.ts';
import type { NodeCaller } from './nodeCalls.ts';
import type { NodeDirectory } from './NodeDirectory.ts';
import type { SessionPublisher } from './publishSessions.ts';
import type { SessionIndex } from './SessionIndex.ts';

export type Reached<T> = T & { wsUrl: string };

export interface SessionDirectory {
  /** On the least-busy node (this one on a single node). */
  create(input: CreateSessionInput): Promise<CreatedSession>;
  /** On this node, for a flow that goes on here (the console the CRM's form button opens); still findable from any node. */
  createHere(input: CreateSessionInput): Promise<CreatedSession>;
  /** Counts a wrong key against the source (KeyRateLimitedError past the limit), as the registry does. */
  findByKey(key: string, source: string): Promise<JoinInfo | null>;
  findByToken(token: string): Promise<JoinInfo | null>;
  join(sessionId: string, contact: Contact): Promise<Reached<ParticipantTicket & { waiting: boolean }>>;
  /** The WebSocket URL of the node holding the session now (a client reconnecting after a failover goes there). */
  wsUrlOf(sessionId: string): Promise<string | null>;
  /**
   * A ticket for an agent who may join (host, in the session, or invited); null for anyone else.
   * `mayRead` runs first for an agent not yet in the session (their own CRM access to the record).
   */
  /** `invitation`: the one-time token of an invited agent's emailed console link. */
  agentTicket(
    sessionId: string,
    agent: AgentIdentity,
    mayRead: (recordId: string) => Promise<void>,
    invitation?: string,
  ): Promise<Reached<ParticipantTicket> | null>;
}

/** This node's own sessions; in cluster mode each new one is published before it is answered. */
export class LocalSessions implements SessionDirectory {
  readonly #registry: SessionRegistry;
  readonly #wsUrl: () => string;
  readonly #publisher: SessionPublisher | null;

  constructor(registry: SessionRegistry, nodeUrl: () => string, publisher: SessionPublisher | null = null) {
    this.#registry = registry;
    this.#wsUrl = () => wsUrlOf(nodeUrl());
    this.#publisher = publisher;
  }

  /** `placed`: the cluster's placement chose this node (and counted the session already). */
  async create(input: CreateSessionInput, placed = false): Promise<CreatedSession> {
    const created = this.#registry.create(input);
    try {
      await this.#publisher?.publish(created.sessionId, placed);
    } catch (err) {
      // Nobody could find it: it ends now (its report says so) and the agent gets the error.
      await this.#registry.end(created.sessionId, 'expired');
      throw new HttpError(
        503,
        'cluster_unavailable',
        `the session could not be shared with the other relay nodes (${(err as Error).message}); try again`,
      );
    }
    return created;
  }

  createHere(input: CreateSessionInput): Promise<CreatedSession> {
    return this.create(input);
  }

  findByKey(key: string, source: string): Promise<JoinInfo | null> {
    return this.#registry.lookupByKey(key, source);
  }

  findByToken(token: string): Promise<JoinInfo | null> {
    return Promise.resolve(this.#registry.lookupByToken(token));
  }

  info(sessionId: string): JoinInfo | null {
    return this.#registry.joinInfoOf(sessionId);
  }

  join(sessionId: string, contact: Contact): Promise<Reached<ParticipantTicket & { waiting: boolean }>> {
    return Promise.resolve({ ...this.#registry.join(sessionId, contact), wsUrl: this.#wsUrl() });
  }

  wsUrlOf(sessionId: string): Promise<string | null> {
    return Promise.resolve(this.#registry.joinInfoOf(sessionId) ? this.#wsUrl() : null);
  }

  mayJoin(
    sessionId: string,
    agent: AgentIdentity,
    invitation?: string,
  ): { may: boolean; isAgent: boolean; recordId: string } {
    const info = this.#registry.get(sessionId);
    const may = !!info && this.#registry.mayJoinAsAgent(sessionId, agent, invitation);
    return {
      may,
      isAgent: may && this.#registry.isAgentOf(sessionId, agent),
      recordId: info?.snapshot.record.id ?? '',
    };
  }

  ticket(sessionId: string, agent: AgentIdentity, invitation?: string): Reached<ParticipantTicket> {
    return { ...this.#registry.agentTicket(sessionId, agent, invitation), wsUrl: this.#wsUrl() };
  }

  async agentTicket(
    sessionId: string,
    agent: AgentIdentity,
    mayRead: (recordId: string) => Promise<void>,
    invitation?: string,
  ): Promise<Reached<ParticipantTicket> | null> {
    const { may, isAgent, recordId } = this.mayJoin(sessionId, agent, invitation);
    if (!may) return null;
    if (!isAgent) await mayRead(recordId);
    return this.ticket(sessionId, agent, invitation);
  }
}

export interface ClusterSessionsOptions {
  local: LocalSessions;
  nodes: NodeDirectory;
  index: SessionIndex;
  call: NodeCaller;
  limiters: LimiterFactory;
  wrongKeysPerSourcePerMinute: number;
}

/** A Redis call of the cluster's: unreachable Redis is a clear 503, not an internal error. */
async function shared<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(
      503,
      'cluster_unavailable',
      "the relay cluster's shared store (Redis) is unreachable: new sessions and joins through other nodes wait until it is back; sessions already running go on",
      undefined,
      { 'retry-after': '5' },
    );
  }
}

export class ClusterSessions implements SessionDirectory {
  readonly #o: ClusterSessionsOptions;
  /** Counts in Redis under the registry's own limit name: one budget however a guess arrives. */
  readonly #keyGuard: KeyGuard;

  constructor(options: ClusterSessionsOptions) {
    this.#o = options;
    this.#keyGuard = new KeyGuard({
      perSourcePerMinute: options.wrongKeysPerSourcePerMinute,
      limiters: options.limiters,
    });
  }

  async create(input: CreateSessionInput): Promise<CreatedSession> {
    const { nodes, local, call } = this.#o;
    const node = await shared(() => nodes.place());
    try {
      if (node.id === nodes.id) return await local.create(input, true);
      return await call(node.url, 'create', { ...input, recordRequested: input.recordRequested ?? false });
    } catch (err) {
      await nodes.count(node.id, -1).catch(() => {});
      throw err;
    }
  }

  createHere(input: CreateSessionInput): Promise<CreatedSession> {
    return this.#o.local.create(input);
  }

  /** The live node holding the session, or null (no such session, or its node is gone). */
  async #owner(sessionId: string | null): Promise<{ sessionId: string; url: string; self: boolean } | null> {
    if (sessionId === null) return null;
    const { nodes, index } = this.#o;
    if (this.#o.local.info(sessionId)) return { sessionId, url: nodes.url, self: true };
    const owner = await shared(() => index.owner(sessionId));
    if (owner === null) return null;
    if (owner === nodes.id) return { sessionId, url: nodes.url, self: true };
    const node = await shared(() => nodes.node(owner));
    return node ? { sessionId, url: node.url, self: false } : null;
  }

  /** The other live node holding the session, or null (this node holds it, or nobody does). */
  async ownerUrl(sessionId: string): Promise<string | null> {
    const owner = await this.#owner(sessionId);
    return owner && !owner.self ? owner.url : null;
  }

  async #info(sessionId: string | null): Promise<JoinInfo | null> {
    const owner = await this.#owner(sessionId);
    if (!owner) return null;
    if (owner.self) return this.#o.local.info(owner.sessionId);
    return this.#o.call(owner.url, 'info', { sessionId: owner.sessionId }).catch((err: unknown) => {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    });
  }

  async findByKey(key: string, source: string): Promise<JoinInfo | null> {
    await this.#keyGuard.check(source);
    const info = await this.#info(await shared(() => this.#o.index.byKey(key)));
    if (!info) await this.#keyGuard.wrongKey(source);
    return info;
  }

  async findByToken(token: string): Promise<JoinInfo | null> {
    return this.#info(await shared(() => this.#o.index.byToken(token)));
  }

  async wsUrlOf(sessionId: string): Promise<string | null> {
    const owner = await this.#owner(sessionId);
    return owner ? wsUrlOf(owner.url) : null;
  }

  async join(sessionId: string, contact: Contact): Promise<Reached<ParticipantTicket & { waiting: boolean }>> {
    const owner = await this.#owner(sessionId);
    if (!owner || owner.self) return this.#o.local.join(sessionId, contact);
    return { ...(await this.#o.call(owner.url, 'join', { sessionId, contact })), wsUrl: wsUrlOf(owner.url) };
  }

  async agentTicket(
    sessionId: string,
    agent: AgentIdentity,
    mayRead: (recordId: string) => Promise<void>,
    invitation?: string,
  ): Promise<Reached<ParticipantTicket> | null> {
    const owner = await this.#owner(sessionId);
    if (!owner || owner.self) return this.#o.local.agentTicket(sessionId, agent, mayRead, invitation);
    const asked = { sessionId, agent, ...(invitation ? { invitation } : {}) };
    const { may, isAgent, recordId } = await this.#o.call(owner.url, 'may-join', asked);
    if (!may) return null;
    if (!isAgent) await mayRead(recordId);
    return { ...(await this.#o.call(owner.url, 'agent-ticket', asked)), wsUrl: wsUrlOf(owner.url) };
  }
}
