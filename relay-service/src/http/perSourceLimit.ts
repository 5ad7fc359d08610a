// A per-source attempt budget for the guest endpoints (nothing a guest names may be scanned).
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './HttpError.ts';

export function perSourceLimit(points: number, durationSeconds: number): (req: Request) => Promise<void> {
  const limiter = new RateLimiterMemory({ points, duration: durationSeconds });
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
