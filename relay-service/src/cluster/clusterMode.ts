// What cluster mode adds to a relay, or nothing: with Redis, this node registers and heartbeats,
// takes sessions placed on it, publishes them, and answers the other nodes; without, the routes
// simply use this node's registry.
import type { Redis } from 'ioredis';
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { SightlineConfig } from '@sightline/config';
import type { TokenCipher } from '../auth/TokenCipher.ts';
import type { RelayMetrics } from '../metrics.ts';
import type { SessionRegistry } from '../sessions/SessionRegistry.ts';
import { forwarder, type Forwarder } from './forwardToOwner.ts';
import { internalRoutes } from './internalRoutes.ts';
import type { LimiterFactory } from './limiters.ts';
import { clusterBearer, nodeCaller } from './nodeCalls.ts';
import { NodeDirectory, type NodeLoad } from './NodeDirectory.ts';
import { SessionPublisher } from './publishSessions.ts';
import { ClusterSessions, LocalSessions, type SessionDirectory } from './SessionDirectory.ts';
import { SessionIndex } from './SessionIndex.ts';

export interface ClusterMode {
  sessions: SessionDirectory;
  /** Node-to-node routes (cluster mode only). */
  router: Router | null;
  /** Agents' calls about a session another node holds go there (cluster mode only). */
  forwarder: Forwarder | null;
  /** Where desktop hand-off codes are found from any node (cluster mode only). */
  handOffs: HandOffLocator | null;
  /** Joins the cluster once the node listens. */
  start(): Promise<void>;
  /** Leaves it (a graceful stop), before the sessions end. */
  stop(): Promise<void>;
  /** A session taken over from a dead node, live here now: owner, key and link point at this node. */
  adopt(sessionId: string): Promise<void>;
}

/** Desktop hand-off codes stay with the node that issued them; Redis says which session (so which node) a code is for. */
export interface HandOffLocator {
  publish(code: string, sessionId: string, ttlMs: number): Promise<void>;
  sessionOf(code: string): Promise<string | null>;
}

export interface ClusterModeOptions {
  config: SightlineConfig;
  /** This node's id in the cluster (its sessions' owner in SessionOwnership). */
  nodeId: string;
  redis: Redis | null;
  registry: SessionRegistry;
  cipher: TokenCipher;
  metrics: RelayMetrics;
  limiters: LimiterFactory;
  logger: Logger;
  /** This node's own base URL (known once it listens). */
  nodeUrl: () => string;
}

/** Sessions, forwarded bytes per second and CPU since the last call. */
function loadMeter(registry: SessionRegistry, metrics: RelayMetrics): () => Promise<NodeLoad> {
  let last = { at: performance.now(), cpu: process.cpuUsage(), bytes: 0 };
  return async () => {
    const now = {
      at: performance.now(),
      cpu: process.cpuUsage(),
      bytes: (await metrics.bytesForwarded.get()).values[0]?.value ?? 0,
    };
    const seconds = Math.max(0.001, (now.at - last.at) / 1000);
    const cpuMicros = now.cpu.user - last.cpu.user + (now.cpu.system - last.cpu.system);
    const load = {
      sessions: registry.size,
      bytesPerSecond: Math.round((now.bytes - last.bytes) / seconds),
      cpu: Math.round((cpuMicros / 1e6 / seconds) * 100) / 100,
    };
    last = now;
    return load;
  };
}

export function clusterMode(o: ClusterModeOptions): ClusterMode {
  if (!o.redis) {
    const local = new LocalSessions(o.registry, o.nodeUrl);
    return {
      sessions: local,
      router: null,
      forwarder: null,
      handOffs: null,
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      adopt: () => Promise.resolve(),
    };
  }
  const { config, redis } = o;
  const nodes = new NodeDirectory({
    redis,
    id: o.nodeId,
    get url() {
      return o.nodeUrl();
    },
    heartbeatMs: config.cluster.heartbeatMs,
    ttlMs: config.cluster.nodeTtlMs,
    load: loadMeter(o.registry, o.metrics),
    logger: o.logger,
  });
  const index = new SessionIndex(redis, o.cipher);
  const publisher = new SessionPublisher(o.registry, index, nodes, o.logger);
  const local = new LocalSessions(o.registry, o.nodeUrl, publisher);
  const bearer = clusterBearer(o.cipher);
  const sessions = new ClusterSessions({
    local,
    nodes,
    index,
    call: nodeCaller(bearer),
    limiters: o.limiters,
    wrongKeysPerSourcePerMinute: config.limits.wrongKeysPerSourcePerMinute,
  });
  return {
    sessions,
    router: internalRoutes(local, bearer),
    forwarder: forwarder({ bearer, nodes, ownerUrl: (id) => sessions.ownerUrl(id), logger: o.logger }),
    handOffs: {
      publish: (code, sessionId, ttlMs) => index.addHandOff(code, sessionId, ttlMs),
      sessionOf: (code) => index.byHandOff(code),
    },
    async start() {
      await nodes.start();
      // After an outage (Redis may come back empty): in the directory and findable again at once.
      redis.on('ready', () => {
        Promise.all([nodes.beat(), publisher.republish()]).catch((err: unknown) =>
          o.logger.warn({ err: (err as Error).message }, 'could not rejoin the cluster after Redis came back'),
        );
      });
    },
    stop: () => nodes.stop(),
    adopt: (sessionId) => publisher.publish(sessionId, false),
  };
}
