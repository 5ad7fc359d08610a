// Where the relay's rate limits count: in this process's memory on a single node, in Redis when
// redis.url is set, so a client spreading its tries over the nodes gets one budget, not one per node.
// While Redis is unreachable each node falls back to its own memory count (rate-limiter-flexible's
// insurance limiter): limits still hold per node, nothing waits on a dead connection.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LimitSpec {
  /** Names the limit; counts of different limits never mix. */
  name: string;
  points: number;
  durationSeconds: number;
}

export type LimiterFactory = (spec: LimitSpec) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = ({ name, points, durationSeconds }) =>
  new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });

export function redisLimiters(redis: Redis): LimiterFactory {
  return (spec) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `sightline:limit:${spec.name}`,
      points: spec.points,
      duration: spec.durationSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memoryLimiters(spec),
    });
}
