// The cluster's nodes in Redis: each node heartbeats its URL and load under a key that expires, so a
// node that stops (crash, partition) drops out within cluster.nodeTtlMs. Placement picks the
// least-busy node in one Lua script, counting the new session at once, so concurrent creations on
// different nodes do not all land on the same idle node.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';

const NODES = 'sightline:nodes';
/** Live sessions per node id: counted at placement, given back by the owner when a session ends. */
const PLACED = 'sightline:placed';
export const nodeKey = (id: string) => `sightline:node:${id}`;

export interface NodeLoad {
  sessions: number;
  /** Media the node forwarded per second since its last heartbeat. */
  bytesPerSecond: number;
  /** The process's CPU use since its last heartbeat (1 = one core busy). */
  cpu: number;
}

const nodeInfoSchema = z.object({
  id: z.string(),
  url: z.url(),
  sessions: z.number().int().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
  cpu: z.number().nonnegative(),
  at: z.number(),
});
export type NodeInfo = z.infer<typeof nodeInfoSchema>;

// Least busy = fewest sessions per unit of headroom: (placed + 1) / headroom, where headroom is what
// the node's busiest resource (CPU, forwarded bandwidth) leaves free at its last heartbeat. The
// placed count is exact and rises with each placement, so a burst between heartbeats spreads in
// proportion to headroom instead of piling onto the node that looked idle; equal headroom is the
// fewest sessions. ARGV holds id, headroom pairs; ties go to the first.
const PLACE = `local best, lowest = nil, nil
for i = 1, #ARGV, 2 do
  local score = (tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') + 1) / tonumber(ARGV[i + 1])
  if lowest == nil or score < lowest then best, lowest = ARGV[i], score end
end
if best then redis.call('HINCRBY', KEYS[1], best, 1) end
return best`;

/** Bandwidth that counts as a full node when no other figure is given: a 1 Gbit/s link. */
const DEFAULT_EGRESS_BYTES_PER_SECOND = 125_000_000;
/** A saturated node still gets a finite score, so it is chosen when every node is saturated. */
const MIN_HEADROOM = 0.05;

/** What the node's busiest resource leaves free: 1 idle .. MIN_HEADROOM saturated. */
export function headroom(load: NodeLoad, egressBytesPerSecond = DEFAULT_EGRESS_BYTES_PER_SECOND): number {
  // A Node process forwards on one thread: cpu 1 (one core busy) is saturation.
  const busiest = Math.max(load.cpu, load.bytesPerSecond / egressBytesPerSecond);
  return Math.min(1, Math.max(MIN_HEADROOM, 1 - busiest));
}

export interface NodeDirectoryOptions {
  redis: Redis;
  id: string;
  url: string;
  heartbeatMs: number;
  ttlMs: number;
  load: () => Promise<NodeLoad>;
  logger: Logger;
  /** Forwarded bytes per second that count as a full node (default: 1 Gbit/s). */
  egressBytesPerSecond?: number;
}

export class NodeDirectory {
  readonly #o: NodeDirectoryOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: NodeDirectoryOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'cluster', node: options.id });
  }

  get id(): string {
    return this.#o.id;
  }

  get url(): string {
    return this.#o.url;
  }

  /** Registers the node (awaited: it takes sessions once this returns) and keeps heartbeating. */
  async start(): Promise<void> {
    await this.#beat();
    this.#timer ??= setInterval(() => {
      this.#beat().catch((err: unknown) => this.#log.debug({ err: (err as Error).message }, 'heartbeat failed'));
    }, this.#o.heartbeatMs).unref();
  }

  async #beat(): Promise<void> {
    const { redis, id, url, ttlMs } = this.#o;
    const info: NodeInfo = { id, url, ...(await this.#o.load()), at: Date.now() };
    await redis.multi().set(nodeKey(id), JSON.stringify(info), 'PX', ttlMs).sadd(NODES, id).exec();
  }

  /** The nodes heartbeating now; those whose heartbeat expired are forgotten on the way. */
  async nodes(): Promise<NodeInfo[]> {
    const { redis } = this.#o;
    const ids = await redis.smembers(NODES);
    if (ids.length === 0) return [];
    const values = await redis.mget(ids.map(nodeKey));
    const dead = ids.filter((_, i) => values[i] === null);
    if (dead.length)
      await redis
        .multi()
        .srem(NODES, ...dead)
        .hdel(PLACED, ...dead)
        .exec();
    return values.flatMap((v) => {
      const parsed = v === null ? null : nodeInfoSchema.safeParse(JSON.parse(v));
      return parsed?.success ? [parsed.data] : [];
    });
  }

  async node(id: string): Promise<NodeInfo | null> {
    const v = await this.#o.redis.get(nodeKey(id));
    const parsed = v === null ? null : nodeInfoSchema.safeParse(JSON.parse(v));
    return parsed?.success ? parsed.data : null;
  }

  /** The least-busy live node for a new session (its count already includes it). */
  async place(): Promise<NodeInfo> {
    const nodes = await this.nodes();
    const args = nodes.flatMap((n) => [n.id, String(headroom(n, this.#o.egressBytesPerSecond))]);
    const id = (await this.#o.redis.eval(PLACE, 1, PLACED, ...args)) as string | null;
    const node = nodes.find((n) => n.id === id);
    if (!node) throw new Error('no relay node is live');
    return node;
  }

  /** Adjusts a node's count of live sessions (-1: one ended, or a placement that never started). */
  async count(id: string, delta: number): Promise<void> {
    await this.#o.redis.hincrby(PLACED, id, delta);
  }

  async setCount(id: string, sessions: number): Promise<void> {
    await this.#o.redis.hset(PLACED, id, sessions);
  }

  /** Heartbeats now (e.g. as soon as Redis is back), not at the next tick. */
  beat(): Promise<void> {
    return this.#beat();
  }

  /** Leaves the cluster at once (a graceful stop), instead of after the heartbeat expires. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const { redis, id } = this.#o;
    await redis.multi().del(nodeKey(id)).srem(NODES, id).hdel(PLACED, id).exec();
  }
}
