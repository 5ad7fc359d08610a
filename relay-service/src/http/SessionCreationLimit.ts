// Sessions one agent may start per minute (limits.sessionCreationsPerAgentPerMinute): each becomes a
// CRM write-back later, so a runaway client must not queue thousands. rate-limiter-flexible, as the
// key limits (counted in Redis across relay nodes in cluster mode).
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AgentIdentity } from '../auth/identity.ts';
import { memoryLimiters, type LimiterFactory } from '../cluster/limiters.ts';
import { AgentSessionLimitError } from '../sessions/errors.ts';

export class SessionCreationLimit {
  readonly #limiter: RateLimiterAbstract;
  readonly #perMinute: number;

  constructor(perMinute: number, limiters: LimiterFactory = memoryLimiters) {
    this.#perMinute = perMinute;
    this.#limiter = limiters({ name: 'session-create', points: perMinute, durationSeconds: 60 });
  }

  /** Counts one creation; throws AgentSessionLimitError (429 with Retry-After) past the limit. */
  async take(agent: AgentIdentity): Promise<void> {
    try {
      await this.#limiter.consume(`${agent.crm}:${agent.userId}`);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw new AgentSessionLimitError(
        `you started ${this.#perMinute} sessions in the last minute; wait a moment`,
        err.msBeforeNext,
      );
    }
  }
}
