// Who owns each live session in cluster mode, fenced by an epoch. A node claims the sessions it
// creates (epoch 1); when a node's heartbeat expires another node takes all its sessions in one Lua
// script (owner set to itself, epoch bumped), so two nodes can never both believe they own one. Every
// journal write and the report's hand-off (QueueHandOff) check (node, epoch) inside Redis: a node that
// was only starved (SIGSTOP, load) and comes back finds its writes refused and drops the session.
// No node is judged dead until Redis has been reachable here for a whole node TTL: after an outage
// every heartbeat key has expired, and the live nodes need that long to beat again.
// A session a node ended while Redis was down (its end never journaled) may be taken over as if live;
// the takeover records when (`takenAt`, Redis' clock), and the old owner's report of an end before
// that still wins (QueueHandOff): it marks the session done, and the new owner drops its copy.
// Scripts build keys from session ids, so they need one Redis (or a cluster with hash tags): see README.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { nodeKey } from './NodeDirectory.ts';

export const ownKey = (sessionId: string) => `sightline:own:${sessionId}`;
const ownedKey = (nodeId: string) => `sightline:owned:${nodeId}`;
/** Nodes that own at least one session (a dead one stays here until someone takes its sessions). */
const OWNERS = 'sightline:owners';

/**
 * Lua: true when ARGV[1] (node) at ARGV[2] (epoch) owns the session of KEYS[1]. A missing key means
 * Redis came back without its data (a takeover always leaves the key), so nobody else can hold the
 * session: the writer claims it again at its epoch rather than drop a live session.
 */
export const OWNS = `local function reclaim(k, node, epoch)
  redis.call('HSET', k, 'node', node, 'epoch', epoch)
  redis.call('SADD', 'sightline:owned:' .. node, string.sub(k, 15)); redis.call('SADD', 'sightline:owners', node)
end
local function owns(k)
  if redis.call('EXISTS', k) == 0 then reclaim(k, ARGV[1], ARGV[2]) return true end
  return redis.call('HGET', k, 'node') == ARGV[1] and redis.call('HGET', k, 'epoch') == ARGV[2]
end
`;

const CLAIM = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'node', ARGV[1], 'epoch', '1')
redis.call('SADD', KEYS[2], ARGV[2]); redis.call('SADD', KEYS[3], ARGV[1]); return 1`;

// Takes every session of a node whose heartbeat key is gone (checked here, atomically with the claim);
// a session whose report was handed off already has nothing left to resume.
const TAKEOVER = `if redis.call('EXISTS', KEYS[1]) == 1 then return {} end
local out = {}
local t = redis.call('TIME')
local now = tostring(t[1] * 1000 + math.floor(t[2] / 1000))
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local k = 'sightline:own:' .. sid
  if redis.call('HGET', k, 'node') == ARGV[1] and redis.call('HEXISTS', k, 'done') == 0 then
    redis.call('HSET', k, 'node', ARGV[2], 'takenAt', now)
    local e = redis.call('HINCRBY', k, 'epoch', 1)
    redis.call('SADD', KEYS[3], sid)
    table.insert(out, sid); table.insert(out, tostring(e))
  end
end
redis.call('DEL', KEYS[2]); redis.call('SREM', KEYS[4], ARGV[1])
if #out > 0 then redis.call('SADD', KEYS[4], ARGV[2]) end
return out`;

// Exactly once: the first (and only) hand-off of the report by the owner at the current epoch.
// Of ARGV[2..] (session id, epoch pairs), those this node (ARGV[1]) no longer owns, or whose report
// another fence handed off (the old owner's end, from before this node took the session over).
const LOST = `${OWNS}local lost = {}
for i = 2, #ARGV, 2 do
  local k = 'sightline:own:' .. ARGV[i]
  if redis.call('EXISTS', k) == 0 then reclaim(k, ARGV[1], ARGV[i + 1])
  else
    local h = redis.call('HMGET', k, 'node', 'epoch', 'done')
    if h[1] ~= ARGV[1] or h[2] ~= ARGV[i + 1] or (h[3] and h[3] ~= ARGV[1] .. ':' .. ARGV[i + 1]) then
      table.insert(lost, ARGV[i])
    end
  end
end
return lost`;

export interface Fence {
  nodeId: string;
  epoch: string;
}

export interface SessionOwnershipOptions {
  redis: Redis;
  nodeId: string;
  /** How often dead nodes are looked for and this node's own sessions checked (the heartbeat period). */
  checkMs: number;
  /** How long a node's heartbeat key lives: Redis must be reachable that long before anyone is judged dead. */
  nodeTtlMs: number;
  /** Sessions taken from a dead node, with their new epoch (rebuild them, or end them). */
  onTakenOver: (taken: { sessionId: string; from: string }[]) => void;
  /** Sessions another node took while this one was starved: drop them without writing back. */
  onLost: (sessionIds: string[]) => void;
  logger: Logger;
}

export class SessionOwnership {
  readonly #o: SessionOwnershipOptions;
  readonly #log: Logger;
  /** This node's sessions and the epoch it holds each at. */
  readonly #epochs = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #checking = false;
  /** Since when Redis has answered without a break (null: not now). */
  #reachableSince: number | null = null;
  readonly #onReady = () => (this.#reachableSince = performance.now());
  readonly #onClose = () => (this.#reachableSince = null);

  constructor(options: SessionOwnershipOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'ownership', node: options.nodeId });
  }

  get nodeId(): string {
    return this.#o.nodeId;
  }

  /** The fence of a session this node owns, or null (not its own, or lost). */
  fence(sessionId: string): Fence | null {
    const epoch = this.#epochs.get(sessionId);
    return epoch === undefined ? null : { nodeId: this.#o.nodeId, epoch };
  }

  /**
   * Claims a session this node creates. Sent at once (before any journal write of it, which the one
   * connection keeps in order); the answer only says whether someone held it already.
   */
  claim(sessionId: string): Promise<boolean> {
    const { redis, nodeId } = this.#o;
    this.#epochs.set(sessionId, '1');
    return redis.eval(CLAIM, 3, ownKey(sessionId), ownedKey(nodeId), OWNERS, nodeId, sessionId).then((r) => r === 1);
  }

  /** The session is gone from this node (removed from the journal, or lost). */
  forget(sessionId: string): void {
    this.#epochs.delete(sessionId);
  }

  /** A write was refused by the fence: the session is another node's now. */
  lost(sessionId: string): void {
    if (!this.#epochs.delete(sessionId)) return;
    this.#log.warn({ sessionId }, 'another node owns this session now; dropping it here without write-back');
    this.#o.onLost([sessionId]);
  }

  start(): void {
    const { redis } = this.#o;
    if (redis.status === 'ready') this.#reachableSince ??= performance.now();
    redis.on('ready', this.#onReady).on('close', this.#onClose);
    this.#timer ??= setInterval(() => void this.check(), this.#o.checkMs).unref();
  }

  stop(): void {
    this.#o.redis.off('ready', this.#onReady).off('close', this.#onClose);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One round: take over the sessions of dead nodes, and drop those this node lost. */
  async check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      await this.#dropLost();
      const since = this.#reachableSince;
      // A missing heartbeat means a dead node only once every live node has had a TTL to beat again.
      if (since !== null && performance.now() - since >= this.#o.nodeTtlMs) await this.#takeOver();
    } catch (err) {
      this.#log.debug({ err: (err as Error).message }, 'ownership check failed');
    } finally {
      this.#checking = false;
    }
  }

  async #dropLost(): Promise<void> {
    if (this.#epochs.size === 0) return;
    const { redis, nodeId } = this.#o;
    const args = [...this.#epochs].flat();
    const lost = (await redis.eval(LOST, 0, nodeId, ...args)) as string[];
    const dropped = lost.filter((id) => this.#epochs.delete(id));
    if (dropped.length) {
      this.#log.warn({ sessions: dropped.length }, 'another node took these sessions over; dropping them here');
      this.#o.onLost(dropped);
    }
  }

  async #takeOver(): Promise<void> {
    const { redis, nodeId } = this.#o;
    const others = (await redis.smembers(OWNERS)).filter((id) => id !== nodeId);
    if (others.length === 0) return;
    const alive = await redis.mget(others.map(nodeKey));
    for (const [i, dead] of others.entries()) {
      if (alive[i] !== null) continue;
      const out = (await redis.eval(
        TAKEOVER,
        4,
        nodeKey(dead),
        ownedKey(dead),
        ownedKey(nodeId),
        OWNERS,
        dead,
        nodeId,
      )) as string[];
      const taken: { sessionId: string; from: string }[] = [];
      for (let j = 0; j < out.length; j += 2) {
        this.#epochs.set(out[j]!, out[j + 1]!);
        taken.push({ sessionId: out[j]!, from: dead });
      }
      if (taken.length) {
        this.#log.warn(
          { from: dead, sessions: taken.length },
          'took over the sessions of a node whose heartbeat expired',
        );
        this.#o.onTakenOver(taken);
      }
    }
  }
}
