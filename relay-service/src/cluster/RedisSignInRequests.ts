// Cluster mode: the CRM components' pending sign-in requests (auth/SignInRequests.ts) in Redis, so the
// component's create and wait, the window's /auth/<crm>, the CRM's callback and /auth/done may each
// reach a different node. One hash per request, expiring with it: `meta` (sealed: CRM, user, the
// secret's hash) and, once the callback decided, `outcome` (sealed) plus a `hold` key that lives for the
// fallback and that /auth/landed (fetched by the shown /auth/done page) removes. Waiting polls Redis (a
// long poll is rare and short-lived);
// whoever deletes the hash hands the outcome out, so it goes out once across all nodes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AgentSignIn } from '../auth/AgentAuth.ts';
import { crmSchema } from '../auth/identity.ts';
import type { SignInOutcome, SignInRequestStore } from '../auth/SignInRequests.ts';
import type { TokenCipher } from '../auth/TokenCipher.ts';

const metaSchema = z.object({ crm: crmSchema, userId: z.string(), secretHash: z.string() });
const outcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.object({ crm: crmSchema, userId: z.string() }) }),
  z.object({ ok: z.literal(false), error: z.string(), message: z.string() }),
]);

const key = (id: string) => `sightline:signin:${id}`;
const holdKey = (id: string) => `sightline:signin:${id}:hold`;
const aad = (id: string, part: string) => `sign-in request:${id}:${part}`;
const digest = (s: string) => createHash('sha256').update(s).digest();

// Only a request that still exists takes an outcome, and only its first one (HSETNX).
const COMPLETE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[1], 'outcome', ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return 1`;

export interface RedisSignInRequestsOptions {
  redis: Redis;
  cipher: TokenCipher;
  ttlMs?: number;
  releaseAfterMs?: number;
  pollMs?: number;
}

export class RedisSignInRequests implements SignInRequestStore<AgentSignIn> {
  readonly #redis: Redis;
  readonly #cipher: TokenCipher;
  readonly #ttlMs: number;
  readonly #releaseAfterMs: number;
  readonly #pollMs: number;
  #closed = false;

  constructor({
    redis,
    cipher,
    ttlMs = 10 * 60_000,
    releaseAfterMs = 10_000,
    pollMs = 150,
  }: RedisSignInRequestsOptions) {
    this.#redis = redis;
    this.#cipher = cipher;
    this.#ttlMs = ttlMs;
    this.#releaseAfterMs = releaseAfterMs;
    this.#pollMs = pollMs;
  }

  async create(crm: AgentSignIn['crm'], userId: string) {
    const requestId = randomBytes(18).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const meta = JSON.stringify({ crm, userId, secretHash: digest(secret).toString('base64url') });
    await this.#redis
      .multi()
      .hset(key(requestId), 'meta', this.#cipher.encrypt(meta, aad(requestId, 'meta')))
      .pexpire(key(requestId), this.#ttlMs)
      .exec();
    return { requestId, secret, expiresAt: Date.now() + this.#ttlMs };
  }

  async open(requestId: string): Promise<{ crm: AgentSignIn['crm']; userId: string } | null> {
    const [meta, outcome] = await this.#redis.hmgetBuffer(key(requestId), 'meta', 'outcome');
    if (!meta || outcome) return null;
    const { crm, userId } = this.#meta(requestId, meta);
    return { crm, userId };
  }

  async complete(requestId: string, outcome: SignInOutcome<AgentSignIn>): Promise<boolean> {
    const sealed = this.#cipher.encrypt(JSON.stringify(outcome), aad(requestId, 'outcome'));
    const done = await this.#redis.eval(COMPLETE, 2, key(requestId), holdKey(requestId), sealed, this.#releaseAfterMs);
    return done === 1;
  }

  async landed(requestId: string): Promise<void> {
    await this.#redis.del(holdKey(requestId));
  }

  async wait(
    requestId: string,
    secret: string,
    waitMs: number,
  ): Promise<SignInOutcome<AgentSignIn> | 'pending' | null> {
    const deadline = Date.now() + waitMs;
    let checked = false;
    for (;;) {
      const [[, fields], [, held]] = (await this.#redis
        .multi()
        .hmgetBuffer(key(requestId), 'meta', 'outcome')
        .exists(holdKey(requestId))
        .exec()) as [[null, (Buffer | null)[]], [null, number]];
      const [meta, outcome] = fields;
      if (!meta) return null;
      if (!checked) {
        if (!timingSafeEqual(digest(secret), Buffer.from(this.#meta(requestId, meta).secretHash, 'base64url')))
          return null;
        checked = true;
      }
      if (outcome && held === 0) {
        // Another node's wait may have taken it in between: only the one that deletes it hands it out.
        if ((await this.#redis.del(key(requestId))) === 0) return null;
        return outcomeSchema.parse(
          JSON.parse(this.#cipher.decryptText(outcome, aad(requestId, 'outcome'))),
        ) as SignInOutcome<AgentSignIn>;
      }
      if (this.#closed || Date.now() + this.#pollMs > deadline) return 'pending';
      await sleep(this.#pollMs);
    }
  }

  /** Ends this node's waits (relay shutdown); the requests stay, another node answers the next poll. */
  close(): void {
    this.#closed = true;
  }

  #meta(requestId: string, sealed: Buffer): z.infer<typeof metaSchema> {
    return metaSchema.parse(JSON.parse(this.#cipher.decryptText(sealed, aad(requestId, 'meta'))));
  }
}
