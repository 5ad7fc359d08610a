// Sessions of one shape (target, viewers per session) provisioned on demand and kept connected,
// so a capacity search can grow and shrink the active count without reconnecting everything.
import type { LoadGenerator } from './load/LoadGenerator.ts';
import type { SessionSpec } from './load/messages.ts';

export type Provision = (count: number, viewers: number) => Promise<SessionSpec[]>;

/** Spreads sessions over the traffic loop evenly and the same way for every target (golden-ratio steps). */
export const phaseOf = (ordinal: number) => (ordinal * 0.6180339887498949) % 1;

export class SessionPool {
  private readonly ids: string[] = [];
  private readonly load: LoadGenerator;
  private readonly provision: Provision;
  readonly viewers: number;
  failures: string[] = [];

  constructor(load: LoadGenerator, provision: Provision, viewers: number) {
    this.load = load;
    this.provision = provision;
    this.viewers = viewers;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Makes sure at least `count` sessions are connected (fewer if some could not be made or connect). */
  async ensure(count: number): Promise<void> {
    const missing = count - this.ids.length;
    if (missing <= 0) return;
    let specs;
    try {
      specs = await this.provision(missing, this.viewers);
    } catch (e) {
      this.failures.push(`provisioning: ${(e as Error).message}`);
      return;
    }
    for (let i = specs.length; i < missing; i++) this.failures.push('provisioning: the API refused or timed out');
    for (const [i, s] of specs.entries()) s.phase ??= phaseOf(this.ids.length + i);
    const failed = await this.load.add(specs);
    this.failures.push(...failed);
    const bad = new Set(failed.map((f) => f.slice(0, f.indexOf(':'))));
    this.ids.push(...specs.map((s) => s.id).filter((id) => !bad.has(id)));
  }

  first(count: number): string[] {
    return this.ids.slice(0, count);
  }

  async close(): Promise<void> {
    await this.load.activate([]);
    await this.load.remove(this.ids.splice(0));
  }
}
