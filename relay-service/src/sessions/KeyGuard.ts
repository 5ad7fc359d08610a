// Wrong session keys are limited per source (an IPv4 address, or an IPv6 /64, which one client
// usually holds whole), never relay-wide: a flood from many addresses cannot lock a customer with the
// right key out. What bounds a distributed guesser is the key space (keyLengthFor) and the lobby: a
// key admits only its first guest. rate-limiter-flexible; in cluster mode its Redis store shares the
// counts between relay nodes (cluster/limiters.ts).
import { isIPv6 } from 'node:net';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryLimiters, type LimiterFactory } from '../cluster/limiters.ts';
import { KeyRateLimitedError } from './errors.ts';

/** The bucket a source address counts in. */
export function sourceBucket(address: string): string {
  const ip = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (!isIPv6(ip)) return ip;
  const groups = expandIPv6(ip);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function expandIPv6(ip: string): string[] {
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = ip.includes('::') ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => g.toLowerCase());
}

/**
 * Digits a random key needs so that a guess matches one of `live` keys with a chance of at most
 * 1 / `perLive` (e.g. 200 live sessions x 100,000 -> 8 digits), never fewer than the policy's.
 */
export function keyLengthFor(policyLength: number, live: number, perLive: number): number {
  const needed = Math.ceil(Math.log10(Math.max(1, live + 1) * perLive));
  return Math.min(12, Math.max(policyLength, needed));
}

export class KeyGuard {
  readonly #perSource: RateLimiterAbstract;
  readonly #limit: number;

  constructor({
    perSourcePerMinute,
    limiters = memoryLimiters,
  }: {
    perSourcePerMinute: number;
    limiters?: LimiterFactory;
  }) {
    this.#limit = perSourcePerMinute;
    this.#perSource = limiters({ name: 'key-src', points: perSourcePerMinute, durationSeconds: 60 });
  }

  /** Throws KeyRateLimitedError when this source used up its wrong tries. */
  async check(source: string): Promise<void> {
    const res = await this.#perSource.get(sourceBucket(source));
    if (res && res.consumedPoints >= this.#limit) throw new KeyRateLimitedError(res.msBeforeNext, 'source');
  }

  /** Counts one wrong key against the source. */
  async wrongKey(source: string): Promise<void> {
    try {
      await this.#perSource.consume(sourceBucket(source));
    } catch (res) {
      if (res instanceof RateLimiterRes) throw new KeyRateLimitedError(res.msBeforeNext, 'source');
      throw res;
    }
  }
}
