// Rate limit on wrong session keys, per source address and relay-wide, so a key cannot be guessed:
// with 6 digits and 5 wrong tries per source per minute, an address needs ~100,000 minutes on average.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { KeyRateLimitedError } from './errors.ts';

const GLOBAL = 'all';

export class KeyGuard {
  private readonly perSource: RateLimiterMemory;
  private readonly global: RateLimiterMemory;
  private readonly perSourceLimit: number;
  private readonly globalLimit: number;

  constructor({ perSourcePerMinute, globalPerMinute }: { perSourcePerMinute: number; globalPerMinute: number }) {
    this.perSourceLimit = perSourcePerMinute;
    this.globalLimit = globalPerMinute;
    this.perSource = new RateLimiterMemory({ points: perSourcePerMinute, duration: 60, keyPrefix: 'key-src' });
    this.global = new RateLimiterMemory({ points: globalPerMinute, duration: 60, keyPrefix: 'key-all' });
  }

  /** Throws KeyRateLimitedError when this source (or everyone) used up its wrong tries. */
  async check(source: string): Promise<void> {
    const [src, all] = await Promise.all([this.perSource.get(source), this.global.get(GLOBAL)]);
    if (src && src.consumedPoints >= this.perSourceLimit) throw new KeyRateLimitedError(src.msBeforeNext, 'source');
    if (all && all.consumedPoints >= this.globalLimit) throw new KeyRateLimitedError(all.msBeforeNext, 'global');
  }

  /** Counts one wrong key against the source and the relay. */
  async wrongKey(source: string): Promise<void> {
    try {
      await this.perSource.consume(source);
      await this.global.consume(GLOBAL);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw new KeyRateLimitedError(res.msBeforeNext, 'source');
      throw res;
    }
  }
}
