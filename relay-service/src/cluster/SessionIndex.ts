// Which node holds which live session, and which session a key or link names, shared in Redis so
// any node answers a lookup. Keys and link tokens are stored only as keyed hashes (the key derives
// from the shared relay.tokenEncryptionKey): Redis never holds a usable secret.
import type { Redis } from 'ioredis';
import type { TokenCipher } from '../auth/TokenCipher.ts';

const ownerKey = (sessionId: string) => `sightline:session:${sessionId}`;

/** A published session's index entries (hashed), to take down when it ends. */
export interface IndexEntry {
  sessionId: string;
  keyEntry: string | null;
  tokenEntry: string;
}

export class SessionIndex {
  readonly #redis: Redis;
  readonly #cipher: TokenCipher;

  constructor(redis: Redis, cipher: TokenCipher) {
    this.#redis = redis;
    this.#cipher = cipher;
  }

  #secretKey(kind: 'key' | 'token' | 'handoff', secret: string): string {
    return `sightline:${kind}:${this.#cipher.keyedHash(secret, 'cluster session index')}`;
  }

  /**
   * Publishes a session this node now holds. `keyTaken`: another live session (on another node) has
   * the same random key, so this one is reachable by its link only.
   */
  async add(s: {
    sessionId: string;
    key: string | null;
    token: string;
    nodeId: string;
  }): Promise<{ entry: IndexEntry; keyTaken: boolean }> {
    const entry: IndexEntry = {
      sessionId: s.sessionId,
      keyEntry: s.key === null ? null : this.#secretKey('key', s.key),
      tokenEntry: this.#secretKey('token', s.token),
    };
    const tx = this.#redis.multi().set(ownerKey(s.sessionId), s.nodeId).set(entry.tokenEntry, s.sessionId);
    if (entry.keyEntry !== null) tx.set(entry.keyEntry, s.sessionId, 'NX');
    if (entry.keyEntry !== null) tx.get(entry.keyEntry);
    const results = await tx.exec();
    // Taken means by another session: one taken over from a dead node finds its own entry there.
    return { entry, keyTaken: entry.keyEntry !== null && results?.[3]?.[1] !== s.sessionId };
  }

  /**
   * Takes a session's entries down, only while `nodeId` still holds it: a node that lost the session
   * (starved past its heartbeat, another node took it over) must not unpublish the new owner's entries.
   * Only its own key entry too: a colliding session elsewhere keeps the one it holds.
   */
  async remove(entry: IndexEntry, nodeId: string): Promise<void> {
    await this.#redis.eval(
      `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
if #KEYS > 2 and redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
return 1`,
      entry.keyEntry === null ? 2 : 3,
      ownerKey(entry.sessionId),
      entry.tokenEntry,
      ...(entry.keyEntry === null ? [] : [entry.keyEntry]),
      nodeId,
      entry.sessionId,
    );
  }

  async byKey(key: string): Promise<string | null> {
    return this.#redis.get(this.#secretKey('key', key));
  }

  async byToken(token: string): Promise<string | null> {
    return this.#redis.get(this.#secretKey('token', token));
  }

  /** A desktop hand-off code this node issued, so a node the app reaches finds the session (hashed, expiring with it). */
  async addHandOff(code: string, sessionId: string, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#secretKey('handoff', code), sessionId, 'PX', ttlMs);
  }

  async byHandOff(code: string): Promise<string | null> {
    return this.#redis.get(this.#secretKey('handoff', code));
  }

  async owner(sessionId: string): Promise<string | null> {
    return this.#redis.get(ownerKey(sessionId));
  }
}
