// A per-source attempt budget for the guest endpoints (nothing a guest names may be scanned).
import type { Request } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { memoryLimiters, type LimiterFactory } from '../cluster/limiters.ts';
import { HttpError } from './HttpError.ts';

/** `name` keeps each endpoint's budget apart (and shared across nodes in cluster mode). */
export function perSourceLimit(
  name: string,
  points: number,
  durationSeconds: number,
  limiters: LimiterFactory = memoryLimiters,
): (req: Request) => Promise<void> {
  const limiter = limiters({ name, points, durationSeconds });
  return async (req) => {
    try {
      await limiter.consume(req.ip ?? 'unknown');
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new HttpError(429, 'rate_limited', `too many attempts; retry in ${seconds} s`, undefined, {
        'retry-after': String(seconds),
      });
    }
  };
}
