// Cluster mode: an agent's sign-in (the relay's login session) and CRM tokens are in Redis, so any
// node serves them. Redis is the authority; each node's auth.db is its copy, refreshed from Redis
// before a request with a login cookie is judged and before a write-back acts for an agent, so the
// synchronous code that reads the stores stays as it is. The agent's row travels sealed twice: its
// tokens keep their on-disk seal, and the whole row is sealed again for Redis. A sign-out leaves a
// tombstone, so a node's copy cannot bring it back; a Redis that lost its data is refilled from the
// nodes' copies. Redis down: each node decides from its own copy.
import type { Redis } from 'ioredis';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AgentStore } from '../auth/AgentStore.ts';
import { readCookie, SESSION_COOKIE } from '../auth/cookies.ts';
import type { CredentialStore } from '../auth/RelayCredentials.ts';
import { bearerOf } from '../auth/requireAgent.ts';
import type { Crm } from '../auth/identity.ts';
import { loginHash, type LoginSession, type LoginSessions } from '../auth/LoginSessions.ts';
import type { TokenCipher } from '../auth/TokenCipher.ts';

const crmSchema = z.enum(['salesforce', 'servicenow']);
const loginSchema = z.union([
  z.literal('signed_out'),
  z.object({ crm: crmSchema, userId: z.string().min(1).max(64), expiresAt: z.number().int() }),
]);
const agentSchema = z.object({
  crm: crmSchema,
  userId: z.string().min(1).max(64),
  identity: z.string().max(8192),
  instanceUrl: z.string().max(2048),
  accessToken: z.string().max(16_384).nullable(),
  refreshToken: z.string().max(16_384),
  updatedAt: z.number().int(),
});

const loginKey = (sidHash: string) => `sightline:login:${sidHash}`;
const agentKey = (crm: Crm, userId: string) => `sightline:agent:${crm}:${userId}`;
const agentAad = (crm: Crm, userId: string) => `redis agent:${crm}:${userId}`;

export interface SharedSignInsOptions {
  redis: Redis;
  cipher: TokenCipher;
  agents: AgentStore;
  logins: LoginSessions;
  /** The relay credentials every node reads: a bearer's agent is brought here too. */
  credentials?: CredentialStore;
  logger: Logger;
  now?: () => number;
}

export class SharedSignIns {
  readonly #redis: Redis;
  readonly #cipher: TokenCipher;
  readonly #agents: AgentStore;
  readonly #logins: LoginSessions;
  readonly #credentials: CredentialStore | undefined;
  readonly #log: Logger;
  readonly #now: () => number;
  /** Writes to Redis under way; a sign-in's answer waits for them (the next request may reach another node). */
  readonly #pushing = new Set<Promise<void>>();

  constructor(o: SharedSignInsOptions) {
    this.#redis = o.redis;
    this.#cipher = o.cipher;
    this.#agents = o.agents;
    this.#logins = o.logins;
    this.#credentials = o.credentials;
    this.#log = o.logger.child({ component: 'shared-sign-ins' });
    this.#now = o.now ?? Date.now;
    o.agents.onChanged(({ crm, userId }) => this.#track(this.#pushAgent(crm, userId)));
    o.logins.onChanged((sidHash, session) => this.#track(this.#pushLogin(sidHash, session)));
  }

  /** Resolves once every change made here so far is in Redis (or failed, logged). */
  async settled(): Promise<void> {
    await Promise.all([...this.#pushing]);
  }

  /**
   * Express middleware: this browser's login and its agent, fresh from Redis, before anything reads
   * them. With Redis unreachable the node judges alone, and `res.locals.signInUnchecked` says so: a
   * sign-in this node has not seen is then unknown, not wrong (requireAgent answers 503, not 401).
   */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const sid = readCookie(req, SESSION_COOKIE);
      const bearer = bearerOf(req);
      const pull =
        bearer !== undefined
          ? this.#pullBearer(bearer)
          : sid && sid.length <= 128
            ? this.pullLogin(loginHash(sid))
            : null;
      if (!pull) return next();
      pull.then(
        () => next(),
        (err: unknown) => {
          this.#log.warn({ err: (err as Error).message }, 'Redis unreachable; this node judges the sign-in alone');
          res.locals.signInUnchecked = true;
          next();
        },
      );
    };
  }

  async pullLogin(sidHash: string): Promise<void> {
    const raw = await this.#redis.get(loginKey(sidHash));
    if (raw === null) {
      // Redis lost it (restarted empty): this node's copy, if any, goes back.
      const local = this.#logins.stored(sidHash);
      if (local) await this.#pushLogin(sidHash, local);
      return;
    }
    const login = loginSchema.parse(JSON.parse(raw));
    if (login === 'signed_out') return this.#logins.forget(sidHash);
    this.#logins.adopt(sidHash, login);
    await this.pullAgent(login.crm, login.userId);
  }

  async #pullBearer(bearer: string): Promise<void> {
    const who = await this.#credentials?.resolve(bearer);
    if (who) await this.pullAgent(who.crm, who.userId);
  }

  /** The agent's latest row (tokens refreshed on another node) into this node's copy. */
  async pullAgent(crm: Crm, userId: string): Promise<void> {
    const raw = await this.#redis.getBuffer(agentKey(crm, userId));
    if (raw === null) {
      if (this.#agents.stored(crm, userId)) await this.#pushAgent(crm, userId);
      return;
    }
    const row = agentSchema.parse(JSON.parse(this.#cipher.decryptText(raw, agentAad(crm, userId))));
    if (row.crm !== crm || row.userId !== userId) throw new Error('agent row stored under another agent');
    this.#agents.adopt(row);
  }

  #track(p: Promise<void>): void {
    const tracked = p
      .catch((err: unknown) =>
        this.#log.warn({ err: (err as Error).message }, 'could not share a sign-in through Redis; other nodes lack it'),
      )
      .finally(() => this.#pushing.delete(tracked));
    this.#pushing.add(tracked);
  }

  async #pushAgent(crm: Crm, userId: string): Promise<void> {
    const row = this.#agents.stored(crm, userId);
    if (!row) return;
    await this.#redis.set(agentKey(crm, userId), this.#cipher.encrypt(JSON.stringify(row), agentAad(crm, userId)));
  }

  async #pushLogin(sidHash: string, session: LoginSession | null): Promise<void> {
    if (session) {
      const ttl = session.expiresAt - this.#now();
      if (ttl > 0) await this.#redis.set(loginKey(sidHash), JSON.stringify(session), 'PX', ttl);
      return;
    }
    // A sign-out: remembered as long as the session could have lived, so no node's copy revives it.
    await this.#redis.set(loginKey(sidHash), JSON.stringify('signed_out'), 'PX', this.#logins.ttlMs);
  }
}
