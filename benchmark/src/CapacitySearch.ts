// The capacity search of one target as a state machine: it says which session count to measure next
// and takes each step's result, so that two targets' searches can run interleaved, step for step,
// and the machine's drift over minutes falls on both alike (one search after the other, minutes
// apart, read 0.68x and 1.03x for the same build).
import type { StepResult } from './measure.ts';

export interface CapacityOptions {
  start: number;
  cap: number;
  bisections: number;
}

export interface CapacityResult {
  target: string;
  viewersPerSession: number;
  /** Largest measured session count that kept up AND had p99 added latency under the budget; null if none. */
  maxSessions: number | null;
  /** Largest session count the server kept up with, latency aside (see StepResult.keptUp). */
  saturationSessions: number | null;
  /** Sessions one full core would hold at the median CPU cost per session of the steps that kept up. */
  projectedSessionsPerCore: number | null;
  /** The share of its core the server ran on in each step (1: the whole core, no quota). */
  cpuShare: number;
  /**
   * Sessions per core, measured: the sessions kept up with over cpuShare, where the search ended
   * with the server failing to keep up (not at the cap, the load generator not near its limit); else null.
   */
  sessionsPerCore: number | null;
  /** True when the search stopped at its session cap while the server still kept up. */
  capped: boolean;
  /** Whether the first step that did not keep up had the load generator near its own limit. */
  limitedByLoadGenerator: boolean;
  steps: StepResult[];
}

/**
 * Doubles the session count until the server stops keeping up (or the cap), halves first if even
 * the start does not, then bisects between the last count that kept up and the first that did not,
 * down to 5% (fine enough to tell 0.95x from 1x).
 */
export class CapacitySearch {
  readonly #options: CapacityOptions;
  readonly #steps: StepResult[] = [];
  #kept: StepResult | null = null;
  #lost: StepResult | null = null;
  #next: number | null;
  #doubling = true;
  #bisected = 0;

  constructor(options: CapacityOptions) {
    this.#options = options;
    this.#next = options.start;
  }

  /** The session count to measure next; null when the search is over. */
  get next(): number | null {
    return this.#next;
  }

  get steps(): readonly StepResult[] {
    return this.#steps;
  }

  /** The result of measuring `next` sessions (the pool may have held fewer). */
  record(r: StepResult): void {
    const asked = this.#next;
    this.#steps.push(r);
    if (r.keptUp && (!this.#kept || r.sessions > this.#kept.sessions)) this.#kept = r;
    if (!r.keptUp && (!this.#lost || r.sessions < this.#lost.sessions)) this.#lost = r;
    if (this.#doubling) {
      if (r.keptUp && asked !== null && asked < this.#options.cap && r.sessions >= asked) {
        this.#next = Math.min(this.#options.cap, asked * 2);
        return;
      }
      this.#doubling = false;
    }
    this.#next = this.#following();
  }

  #following(): number | null {
    const [kept, lost] = [this.#kept, this.#lost];
    if (lost && !kept) return lost.sessions > 8 ? Math.floor(lost.sessions / 2) : null;
    if (!kept || !lost || this.#bisected >= this.#options.bisections) return null;
    const [a, b] = [kept.sessions, lost.sessions];
    if (b - a <= Math.max(20, a * 0.05)) return null;
    this.#bisected++;
    return Math.round((a + b) / 2);
  }

  result(target: string, viewersPerSession: number, cpuShare: number): CapacityResult {
    const steps = [...this.#steps];
    const [best, lost] = [this.#kept, this.#lost];
    const within = steps.filter((s) => s.ok).map((s) => s.sessions);
    // CPU per session: the median over every step that kept up. One step alone is at the mercy of
    // the machine (a stalled VM uses little CPU while frames pile up; a backlog batches reads).
    const perSession = steps
      .filter((s) => s.keptUp && s.serverCpuPercent > 0)
      .map((s) => s.serverCpuPercent / s.sessions)
      .sort((a, b) => a - b);
    const median = perSession.length ? perSession[Math.floor((perSession.length - 1) / 2)]! : null;
    const serverBound = best !== null && lost !== null && !lost.loadBound;
    return {
      target,
      viewersPerSession,
      maxSessions: within.length ? Math.max(...within) : null,
      saturationSessions: best?.sessions ?? null,
      projectedSessionsPerCore: median ? Math.round(100 / median) : null,
      cpuShare,
      sessionsPerCore: serverBound ? Math.round(best.sessions / cpuShare) : null,
      capped: lost === null,
      limitedByLoadGenerator: lost?.loadBound ?? false,
      steps,
    };
  }
}
