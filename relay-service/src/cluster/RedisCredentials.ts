// Cluster mode: the relay credentials of auth/RelayCredentials.ts kept in Redis, so a bearer or
// refresh token issued by one node works on every node, with the same rules: refresh tokens rotate,
// a reuse within the grace period is a parallel refresh, a later reuse kills the grant, on whichever
// node it happens (one Lua script judges and marks a refresh token atomically). Only SHA-256 hashes
// of tokens are stored, and every key expires with what it stands for.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Crm } from '../auth/identity.ts';
import {
  ACCESS_PREFIX,
  DEFAULT_TIMES,
  REFRESH_PREFIX,
  type CredentialStore,
  type CredentialTimes,
  type Issued,
} from '../auth/RelayCredentials.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const grantKey = (grant: string) => `sightline:grant:${grant}`;
const tokensKey = (grant: string) => `sightline:grant:${grant}:tokens`;
const accessKey = (token: string) => `sightline:access:${hash(token)}`;
const refreshKey = (token: string) => `sightline:refresh:${hash(token)}`;

// KEYS[1]: the refresh token's key. ARGV: now, grace (ms). Returns {grant, crm, userId} or nil.
const REFRESH_SCRIPT = `
local grant = redis.call('HGET', KEYS[1], 'grant')
if not grant then return nil end
local g = redis.call('HMGET', 'sightline:grant:' .. grant, 'crm', 'userId')
if not g[1] then return nil end
local used = redis.call('HGET', KEYS[1], 'usedAt')
if used and tonumber(ARGV[1]) - tonumber(used) > tonumber(ARGV[2]) then
  for _, k in ipairs(redis.call('SMEMBERS', 'sightline:grant:' .. grant .. ':tokens')) do redis.call('DEL', k) end
  redis.call('DEL', 'sightline:grant:' .. grant, 'sightline:grant:' .. grant .. ':tokens')
  return nil
end
if not used then redis.call('HSET', KEYS[1], 'usedAt', ARGV[1]) end
return {grant, g[1], g[2]}`;

const crmOf = (s: string): Crm | null => (s === 'salesforce' || s === 'servicenow' ? s : null);

export class RedisCredentials implements CredentialStore {
  readonly #redis: Redis;
  readonly #times: CredentialTimes;
  readonly #now: () => number;

  constructor(
    redis: Redis,
    { times = DEFAULT_TIMES, now = Date.now }: { times?: CredentialTimes; now?: () => number } = {},
  ) {
    this.#redis = redis;
    this.#times = times;
    this.#now = now;
  }

  get accessTtlMs(): number {
    return this.#times.accessTtlMs;
  }

  async issue(crm: Crm, userId: string): Promise<Issued> {
    const grant = randomBytes(16).toString('hex');
    const expiresAt = this.#now() + this.#times.grantMaxMs;
    await this.#redis.multi().hset(grantKey(grant), { crm, userId }).pexpireat(grantKey(grant), expiresAt).exec();
    return this.#mint(grant, crm, userId, expiresAt);
  }

  async refresh(refreshToken: string): Promise<Issued | null> {
    if (!refreshToken.startsWith(REFRESH_PREFIX) || refreshToken.length > 128) return null;
    const found = (await this.#redis.eval(
      REFRESH_SCRIPT,
      1,
      refreshKey(refreshToken),
      this.#now(),
      this.#times.reuseGraceMs,
    )) as [string, string, string] | null;
    const crm = found && crmOf(found[1]);
    if (!found || !crm) return null;
    const expiresAt = this.#now() + (await this.#redis.pttl(grantKey(found[0])));
    return this.#mint(found[0], crm, found[2], expiresAt);
  }

  async resolve(accessToken: string): Promise<{ crm: Crm; userId: string } | null> {
    if (!accessToken.startsWith(ACCESS_PREFIX) || accessToken.length > 128) return null;
    const grant = await this.#redis.get(accessKey(accessToken));
    if (!grant) return null;
    const [crmText, userId] = await this.#redis.hmget(grantKey(grant), 'crm', 'userId');
    const crm = crmText ? crmOf(crmText) : null;
    return crm && userId ? { crm, userId } : null;
  }

  async revoke(token: string): Promise<boolean> {
    if (token.length > 128) return false;
    const grant = token.startsWith(ACCESS_PREFIX)
      ? await this.#redis.get(accessKey(token))
      : token.startsWith(REFRESH_PREFIX)
        ? await this.#redis.hget(refreshKey(token), 'grant')
        : null;
    if (!grant) return false;
    const members = await this.#redis.smembers(tokensKey(grant));
    await this.#redis.del(grantKey(grant), tokensKey(grant), ...members);
    return true;
  }

  async #mint(grant: string, crm: Crm, userId: string, grantExpiresAt: number): Promise<Issued> {
    const accessToken = ACCESS_PREFIX + randomBytes(32).toString('base64url');
    const refreshToken = REFRESH_PREFIX + randomBytes(32).toString('base64url');
    // No key outlives its grant.
    const cap = (ttl: number) => Math.max(1, Math.min(ttl, grantExpiresAt - this.#now()));
    await this.#redis
      .multi()
      .set(accessKey(accessToken), grant, 'PX', cap(this.#times.accessTtlMs))
      .hset(refreshKey(refreshToken), { grant })
      .pexpire(refreshKey(refreshToken), cap(this.#times.refreshIdleMs))
      .sadd(tokensKey(grant), accessKey(accessToken), refreshKey(refreshToken))
      .pexpireat(tokensKey(grant), grantExpiresAt)
      .exec();
    return { accessToken, expiresIn: Math.floor(this.#times.accessTtlMs / 1000), refreshToken, crm, userId };
  }
}
