// Keeps Redis in step with this node's sessions: published (owner, key, link) before their creation
// is answered, taken down and given back to placement when they end (observing `ending`).
import type { Logger } from 'pino';
import type { SessionRegistry } from '../sessions/SessionRegistry.ts';
import type { NodeDirectory } from './NodeDirectory.ts';
import type { IndexEntry, SessionIndex } from './SessionIndex.ts';

export class SessionPublisher {
  readonly #registry: SessionRegistry;
  readonly #index: SessionIndex;
  readonly #nodes: NodeDirectory;
  readonly #log: Logger;
  readonly #published = new Map<string, IndexEntry>();

  constructor(registry: SessionRegistry, index: SessionIndex, nodes: NodeDirectory, logger: Logger) {
    this.#registry = registry;
    this.#index = index;
    this.#nodes = nodes;
    this.#log = logger.child({ component: 'cluster' });
    registry.on('ending', ({ sessionId }) => void this.#unpublish(sessionId));
  }

  /**
   * Any node can find the session once this returns. `placed`: placement already counted it here
   * (a session created on this node directly is counted now).
   */
  async publish(sessionId: string, placed: boolean): Promise<void> {
    const s = this.#registry.session(sessionId);
    if (!s) return;
    const { entry, keyTaken } = await this.#index.add({
      sessionId,
      key: s.key,
      token: s.token,
      nodeId: this.#nodes.id,
    });
    this.#published.set(sessionId, entry);
    if (!placed) await this.#nodes.count(this.#nodes.id, 1);
    if (keyTaken)
      this.#log.error({ sessionId }, 'its random key is live on another node; the session is reachable by link only');
  }

  /**
   * Redis came back (maybe empty, after a restart): this node's live sessions are published again and
   * its count set to what it holds, so lookups through any node find them once more.
   */
  async republish(): Promise<void> {
    let live = 0;
    for (const sessionId of [...this.#published.keys()]) {
      const s = this.#registry.session(sessionId);
      if (!s) continue;
      const { entry } = await this.#index.add({ sessionId, key: s.key, token: s.token, nodeId: this.#nodes.id });
      this.#published.set(sessionId, entry);
      live++;
    }
    await this.#nodes.setCount(this.#nodes.id, live);
    this.#log.info({ sessions: live }, 'sessions published again after Redis came back');
  }

  async #unpublish(sessionId: string): Promise<void> {
    const entry = this.#published.get(sessionId);
    if (!entry) return;
    this.#published.delete(sessionId);
    try {
      await this.#index.remove(entry, this.#nodes.id);
      await this.#nodes.count(this.#nodes.id, -1);
    } catch (err) {
      this.#log.error({ err: (err as Error).message, sessionId }, 'could not unpublish the session');
    }
  }
}
