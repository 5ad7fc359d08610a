// Where the cluster placed a session, for tests that need one session on each node. Placement
// weighs each node's CPU at its last heartbeat (a node that just served a sign-in looks busier), so
// two sessions in a row may rightly land on the same node: create until each node holds one.
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { RelayProcess } from './relayProcess.ts';

type Created = Record<string, unknown>;

/**
 * Placement scores a node (placed + 1) / headroom, and headroom is at least 0.05: a node that looked
 * saturated at its last heartbeat (one still starting on a loaded CI machine) gets its first session
 * after at most 20 on the other. So 21 creations always reach both of two nodes, and the agent's
 * live-session cap (10 by default) must allow them: give the nodes these limits.
 */
export const PLACEMENT_LIMITS = { maxLiveSessionsPerAgent: 30 };
const TRIES = 21;

/** The URL of the node that owns the session, as Redis records it. */
export async function ownerUrl(redis: Redis, sessionId: string): Promise<string | undefined> {
  const nodeId = await redis.get(`sightline:session:${sessionId}`);
  const node = nodeId === null ? null : await redis.get(`sightline:node:${nodeId}`);
  return node === null ? undefined : (JSON.parse(node) as { url: string }).url;
}

/**
 * Creates sessions (each with `create`) until every node owns at least one; returns the first
 * session on each node, and every session created, in order. Bounded (see PLACEMENT_LIMITS):
 * placement that never reaches a node fails the test.
 */
export async function sessionOnEach<T extends Created>(
  redis: Redis,
  nodes: RelayProcess[],
  create: () => Promise<T>,
  tries = TRIES,
): Promise<{ on: (node: RelayProcess) => T; created: T[] }> {
  const first = new Map<string, T>();
  const created: T[] = [];
  const owners: (string | undefined)[] = [];
  while (first.size < nodes.length && created.length < tries) {
    const session = await create();
    const owner = await ownerUrl(redis, String(session.sessionId));
    created.push(session);
    owners.push(owner);
    if (owner !== undefined && !first.has(owner)) first.set(owner, session);
  }
  for (const node of nodes) assert.ok(first.has(node.url), `a session on ${node.url}; placed on: ${owners.join(', ')}`);
  return { on: (node) => first.get(node.url)!, created };
}
