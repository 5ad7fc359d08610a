// Sessions one agent may start per minute (limits.sessionCreationsPerAgentPerMinute): each becomes a
// CRM write-back later, so a runaway client must not queue thousands. rate-limiter-flexible, as the
// key limits (its Redis store can share the counts across relay nodes).
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AgentIdentity } from '../auth/identity.ts';
import { AgentSessionLimitError } from '../sessions/errors.ts';

export class SessionCreationLimit {
  readonly #limiter: RateLimiterMemory;
  readonly #perMinute: number;

  constructor(perMinute: number) {
    this.#perMinute = perMinute;
    this.#limiter = new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix: 'session-create' });
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
