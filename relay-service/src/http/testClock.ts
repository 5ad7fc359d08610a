// The end-to-end suite's clock. Only in the test environment with SIGHTLINE_TEST_CLOCK=1 do the
// sessions run on an offset clock that `POST /__test/clock` moves forward (then sweeps), so the real
// 10-minute expiry takes no 10 minutes; in every other case the route does not exist (404).
import { Router } from 'express';
import { z } from 'zod';
import type { SightlineConfig } from '@sightline/config';
import type { SessionRegistry } from '../sessions/SessionRegistry.ts';
import type { Clock } from '../sessions/types.ts';
import { HttpError } from './HttpError.ts';
import { validate } from './validate.ts';

export const TEST_CLOCK_PATH = '/__test/clock';
const DAY_MS = 24 * 60 * 60_000;

const advanceSchema = z.strictObject({
  advanceMs: z.number().int().positive().max(DAY_MS, 'at most one day (86400000 ms)'),
});

export interface OffsetClock extends Clock {
  readonly offsetMs: number;
  advance(ms: number): void;
}

export function testClockEnabled(config: SightlineConfig, env: NodeJS.ProcessEnv): boolean {
  return config.env === 'test' && env.SIGHTLINE_TEST_CLOCK === '1';
}

export function offsetClock(base: Clock = { now: () => Date.now() }): OffsetClock {
  let offsetMs = 0;
  return {
    now: () => base.now() + offsetMs,
    get offsetMs() {
      return offsetMs;
    },
    advance(ms) {
      offsetMs += ms;
    },
  };
}

/** The peer's own socket address, never X-Forwarded-For (a proxy header is the caller's to forge). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

export function testClockRoutes(clock: OffsetClock, registry: SessionRegistry): Router {
  const router = Router();
  router.post(TEST_CLOCK_PATH, (req, res) => {
    if (!isLoopback(req.socket.remoteAddress)) {
      throw new HttpError(403, 'forbidden', 'the test clock answers loopback callers only');
    }
    const { advanceMs } = validate(advanceSchema, req.body, 'clock advance');
    clock.advance(advanceMs);
    registry.sweep();
    res.json({ offsetMs: clock.offsetMs, now: new Date(clock.now()).toISOString() });
  });
  return router;
}
