// The session journal in Redis (cluster mode), so any node can rebuild or end a session whose node
// died. Same rows as the local one (state, log entries, ending), encrypted the same way (TokenCipher,
// bound to the session by the AAD): Redis never holds a contact detail or a chat line in clear. Every
// write is fenced by the session's owner and epoch (SessionOwnership) inside its Lua script: a write
// from a node that lost the session is refused and tells that node to drop it. Writes are sent without
// waiting (the one connection keeps them in order); a failed one is logged and costs crash safety only.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { TokenCipher } from '../auth/TokenCipher.ts';
import { OWNS, ownKey, type SessionOwnership } from '../cluster/SessionOwnership.ts';
import { logEntrySchema, type LogEntry } from '../protocol/index.ts';
import type { Ending, JournaledSession, JournaledState, SessionJournal } from './SessionJournal.ts';
import { endingSchema, stateSchema } from './SqliteSessionJournal.ts';

const stateKey = (sessionId: string) => `sightline:journal:${sessionId}`;
const logKey = (sessionId: string) => `sightline:journal:${sessionId}:log`;
const ownedKey = (nodeId: string) => `sightline:owned:${nodeId}`;

const SAVE = `${OWNS}if not owns(KEYS[1]) then return 0 end redis.call('HSET', KEYS[2], 'state', ARGV[3]) return 1`;
const APPEND = `${OWNS}if not owns(KEYS[1]) then return 0 end redis.call('RPUSH', KEYS[2], ARGV[3]) return 1`;
const ENDING = `${OWNS}if not owns(KEYS[1]) then return 0 end redis.call('HSET', KEYS[2], 'reason', ARGV[3], 'at', ARGV[4]) return 1`;
const REMOVE = `${OWNS}if not owns(KEYS[1]) then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]); redis.call('SREM', KEYS[4], ARGV[3]) return 1`;

export class RedisSessionJournal implements SessionJournal {
  readonly #redis: Redis;
  readonly #cipher: TokenCipher;
  readonly #ownership: SessionOwnership;
  readonly #log: Logger;

  constructor(redis: Redis, cipher: TokenCipher, ownership: SessionOwnership, logger: Logger) {
    this.#redis = redis;
    this.#cipher = cipher;
    this.#ownership = ownership;
    this.#log = logger.child({ component: 'journal' });
  }

  /** Runs a fenced script for a session this node owns; a refusal means it lost the session. */
  #fenced(sessionId: string, what: string, script: string, keys: string[], ...args: (string | Buffer)[]): void {
    const fence = this.#ownership.fence(sessionId);
    if (!fence) return;
    this.#redis
      .eval(script, keys.length, ...keys, fence.nodeId, fence.epoch, ...args)
      .then((ok) => {
        if (ok !== 1) this.#ownership.lost(sessionId);
      })
      .catch((err: unknown) =>
        this.#log.error({ err: (err as Error).message, sessionId }, `could not journal the session (${what})`),
      );
  }

  save(state: JournaledState): void {
    const id = state.sessionId;
    if (!this.#ownership.fence(id))
      this.#ownership
        .claim(id)
        .catch((err: unknown) =>
          this.#log.error({ err: (err as Error).message, sessionId: id }, 'could not claim the session'),
        );
    const sealed = this.#cipher.encrypt(JSON.stringify(state), `journal:${id}:state`);
    this.#fenced(id, 'state', SAVE, [ownKey(id), stateKey(id)], sealed);
  }

  append(sessionId: string, entry: LogEntry): void {
    const sealed = this.#cipher.encrypt(JSON.stringify(entry), `journal:${sessionId}:log`);
    this.#fenced(sessionId, 'log', APPEND, [ownKey(sessionId), logKey(sessionId)], sealed);
  }

  ending(sessionId: string, { reason, at }: Ending): void {
    this.#fenced(sessionId, 'end', ENDING, [ownKey(sessionId), stateKey(sessionId)], reason, at);
  }

  remove(sessionId: string): void {
    const keys = [ownKey(sessionId), stateKey(sessionId), logKey(sessionId), ownedKey(this.#ownership.nodeId)];
    this.#fenced(sessionId, 'removal', REMOVE, keys, sessionId);
    this.#ownership.forget(sessionId);
  }

  /** A session as journaled (read back through the schemas like any input); null if nothing is left of it. */
  async load(sessionId: string): Promise<JournaledSession | null> {
    const [row, entries] = await Promise.all([
      this.#redis.hgetallBuffer(stateKey(sessionId)),
      this.#redis.lrangeBuffer(logKey(sessionId), 0, -1),
    ]);
    if (!row.state) return null;
    const reason = row.reason?.toString();
    return {
      state: stateSchema.parse(JSON.parse(this.#cipher.decryptText(row.state, `journal:${sessionId}:state`))),
      log: entries.map((e) =>
        logEntrySchema.parse(JSON.parse(this.#cipher.decryptText(e, `journal:${sessionId}:log`))),
      ),
      ...(reason !== undefined && { ending: endingSchema.parse({ reason, at: row.at?.toString() }) }),
    };
  }

  /** In cluster mode, what dead nodes left is found by SessionOwnership's takeover, not at start. */
  leftOver(): Promise<JournaledSession[]> {
    return Promise.resolve([]);
  }

  close(): void {
    // The Redis connection's owner (index.ts) closes it.
  }
}
