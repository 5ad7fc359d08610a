// startRelay: the whole relay in one process: session registry, WebSocket routing, the HTTP app
// (sign-in, API, pages), the write-back outbox with its retry job, on config.relay.host:port.
import { randomBytes } from 'node:crypto';
import { recordingSpillDir } from './recording/spillDir.ts';
import { sweepSpillDir } from './recording/SpillFile.ts';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import type { SightlineConfig } from '@sightline/config';
import { AgentAuth } from './auth/AgentAuth.ts';
import { AgentStore } from './auth/AgentStore.ts';
import type { Crm } from './auth/identity.ts';
import { cookiePolicyFor } from './auth/cookies.ts';
import { LoginSessions } from './auth/LoginSessions.ts';
import { openDatabase } from './auth/openDatabase.ts';
import { TokenCipher } from './auth/TokenCipher.ts';
import { clusterMode } from './cluster/clusterMode.ts';
import { memoryLimiters, redisLimiters } from './cluster/limiters.ts';
import { connectRedis } from './cluster/redisClient.ts';
import { RedisCredentials } from './cluster/RedisCredentials.ts';
import { redisOAuthStates } from './cluster/RedisOAuthStates.ts';
import { RedisSignInRequests } from './cluster/RedisSignInRequests.ts';
import { processQueued, QueueHandOff } from './cluster/QueueHandOff.ts';
import { SessionOwnership } from './cluster/SessionOwnership.ts';
import { WriteBackQueue } from './cluster/WriteBackQueue.ts';
import { SharedSignIns } from './cluster/SharedSignIns.ts';
import { createAdapterFactory } from './crm/adapterFor.ts';
import { sendAgentInvitations } from './crm/agentInvitations.ts';
import type { AppContext } from './http/AppContext.ts';
import { guardConnections } from './http/ConnectionGuard.ts';
import { createApp } from './http/createApp.ts';
import { offsetClock, testClockEnabled, testClockRoutes } from './http/testClock.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { attachWebSocketServer } from './routing/attachWebSocketServer.ts';
import { journalSessions, recoverLeftOver, resumeTakenOver } from './sessions/journalSessions.ts';
import { RedisSessionJournal } from './sessions/RedisSessionJournal.ts';
import { SessionRegistry } from './sessions/SessionRegistry.ts';
import { SqliteSessionJournal } from './sessions/SqliteSessionJournal.ts';
import type { Clock, SessionReport } from './sessions/types.ts';
import { storyHints } from './storyHints.ts';
import { Outbox } from './writeback/Outbox.ts';
import { WriteBack } from './writeback/WriteBack.ts';

export interface RunningRelay {
  url: string;
  /** Where the server listens (differs from `url` when relay.publicUrl names a proxy in front). */
  listenUrl: string;
  storyHints: string[];
  registry: SessionRegistry;
  /** The write-back worker (tests drive `drain()` directly). */
  writeBack: WriteBack;
  close(): Promise<void>;
}

export interface StartRelayOptions {
  config: SightlineConfig;
  logger?: Logger;
  clock?: Clock;
  /** Where SIGHTLINE_TEST_CLOCK is read (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

async function loadWebRouter(config: SightlineConfig): Promise<Router | null> {
  // The pages are another part of the relay; mount them when they are there.
  const url = new URL('../web/server.ts', import.meta.url);
  if (!existsSync(url)) return null;
  const web = (await import(url.href)) as { createWebRouter?: (o: { config: SightlineConfig }) => Promise<Router> };
  return web.createWebRouter ? web.createWebRouter({ config }) : null;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((ok, fail) => server.once('error', fail).listen(port, host, () => ok()));
}

export async function startRelay(options: StartRelayOptions): Promise<RunningRelay> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ config });
  const cipher = TokenCipher.fromConfig(config);
  const authDb = openDatabase(config.relay.dataDir, 'auth.db');
  const outboxDb = openDatabase(config.relay.dataDir, 'outbox.db');
  const agents = new AgentStore(authDb, cipher);
  const loginSessions = new LoginSessions(authDb);
  const outbox = new Outbox(outboxDb, cipher);
  // Spill files of a previous process are unreadable (their keys died with it): delete them.
  const swept = sweepSpillDir(recordingSpillDir(config));
  if (swept) logger.warn({ files: swept }, 'deleted recording spill files a previous run left');
  const adapterFor = createAdapterFactory(config, agents);
  const metrics = createMetrics();
  // The end-to-end suite moves this clock through POST /__test/clock (test environment only).
  const testClock = testClockEnabled(config, options.env ?? process.env) ? offsetClock(options.clock) : null;
  const clock = testClock ?? options.clock;
  // Cluster mode: the limits count in Redis, shared by every node. Without it nothing changes.
  const redis = config.redis.url ? await connectRedis(config.redis.url, logger) : null;
  const limiters = redis ? redisLimiters(redis) : memoryLimiters;
  const agentAuth = new AgentAuth(
    authDb,
    redis ? { shared: new RedisCredentials(redis), sharedRequests: new RedisSignInRequests({ redis, cipher }) } : {},
  );
  const registry = new SessionRegistry({ config, logger, limiters, ...(clock ? { clock } : {}) });
  // Cluster mode: an agent signed in through any node is signed in on all, and their tokens follow.
  const sharedSignIns = redis
    ? new SharedSignIns({ redis, cipher, agents, logins: loginSessions, credentials: agentAuth.credentials, logger })
    : null;
  const writeBack = new WriteBack({
    outbox,
    adapterFor,
    logger,
    settings: config.writeBack,
    agents,
    ...(sharedSignIns
      ? { beforeDelivery: (a: { crm: Crm; userId: string }) => sharedSignIns.pullAgent(a.crm, a.userId) }
      : {}),
  });
  // Each live session is journaled as it changes; the report is on disk (synchronously, in the outbox)
  // before its journal goes. Sessions a killed relay left behind become reports before anything starts.
  // In cluster mode the journal is in Redis, fenced by each session's owner and epoch, and a report is
  // handed to the write-back only by the owner at the current epoch, once (checked and marked in Redis).
  const journalDb = openDatabase(config.relay.dataDir, 'journal.db', { synchronous: 'NORMAL' });
  const localJournal = new SqliteSessionJournal(journalDb, cipher);
  const nodeId = `n_${randomBytes(8).toString('hex')}`;
  const accept = (report: SessionReport) => writeBack.accept(report);
  const ownership = redis
    ? new SessionOwnership({
        redis,
        nodeId,
        checkMs: config.cluster.heartbeatMs,
        nodeTtlMs: config.cluster.nodeTtlMs,
        // They go on here, live (the clients reconnect through any node); written back when they end.
        onTakenOver: (taken) =>
          void resumeTakenOver({
            sessionIds: taken.map((t) => t.sessionId),
            load: (id) => redisJournal!.load(id),
            registry,
            adopt: (id) => cluster.adopt(id),
            journal: redisJournal!,
            deliver,
            logger,
          }).catch((err: unknown) => logger.error({ err }, 'could not resume the sessions of a dead node')),
        // Another node owns them now: their sockets close here, and the fenced hand-off writes nothing.
        onLost: (ids) => ids.forEach((id) => void registry.end(id, 'relay_restarted')),
        logger,
      })
    : null;
  const redisJournal = redis && ownership ? new RedisSessionJournal(redis, cipher, ownership, logger) : null;
  const journal = redisJournal ?? localJournal;
  // Hand-offs still waiting for Redis' answer: a graceful stop awaits them before the outbox closes.
  const handingOff = new Set<Promise<void>>();
  // Cluster mode: reports go through the Redis queue (any node's worker writes them); a session whose
  // recording bytes are on this node is written by this node (QueueHandOff says which, after the fence).
  const writeBackQueue = redis
    ? new WriteBackQueue({
        redisUrl: config.redis.url!,
        cipher,
        process: processQueued(writeBack, logger),
        onFailed: (job, err) => logger.error({ job, err: err.message }, 'queued write-back failed'),
      })
    : null;
  const queueHandOff =
    redis && writeBackQueue
      ? new QueueHandOff({ db: outboxDb, writeHere: accept, redis, cipher, queue: writeBackQueue, adapterFor, logger })
      : null;
  metrics.observeWriteBack(() => ({ ...writeBack.counts(), awaitingCluster: queueHandOff?.waiting ?? 0 }));
  const handOff = async (report: SessionReport) => {
    const fence = ownership?.fence(report.sessionId);
    if (fence) return queueHandOff?.accept(report, fence);
    logger.warn(
      { sessionId: report.sessionId },
      'not the current owner of the session: its report is left to the owner',
    );
    await report.recording?.file.delete();
  };
  const deliver = ownership
    ? (report: SessionReport) => {
        const p = handOff(report).finally(() => handingOff.delete(p));
        handingOff.add(p);
        return p;
      }
    : accept;
  const legacyJournal = new SqliteSessionJournal(outboxDb, cipher);
  await recoverLeftOver({ journal: legacyJournal, deliver: accept, logger });
  legacyJournal.drop();
  await recoverLeftOver({ journal: localJournal, deliver: accept, logger });
  journalSessions({ registry, journal, deliver, logger });

  let publicUrl = config.relay.publicUrl?.replace(/\/$/, '') ?? '';
  const cluster = clusterMode({
    config,
    nodeId,
    redis,
    registry,
    cipher,
    metrics,
    limiters,
    logger,
    nodeUrl: () => config.cluster.nodeUrl?.replace(/\/$/, '') ?? publicUrl,
  });
  const ctx: AppContext = {
    config,
    logger,
    registry,
    sessions: cluster.sessions,
    metrics,
    agents,
    loginSessions,
    agentAuth,
    outbox,
    writeBack,
    adapterFor,
    limiters,
    sharedSignIns,
    forwarder: cluster.forwarder,
    handOffs: cluster.handOffs,
    oauthStates: redis ? redisOAuthStates(redis, cipher) : null,
    cookies: cookiePolicyFor(config.relay.publicUrl),
    publicUrl: () => publicUrl,
  };
  sendAgentInvitations(registry, adapterFor, ctx.publicUrl, logger);

  const server = createServer();
  guardConnections(server, config.limits);
  const app = createApp(ctx, {
    webRouter: await loadWebRouter(config),
    testClock: testClock && testClockRoutes(testClock, registry),
    cluster: cluster.router,
  });
  server.on('request', app);
  const ws = attachWebSocketServer({ server, registry, config, logger, metrics });
  await listen(server, config.relay.port, config.relay.host);
  const { port } = server.address() as AddressInfo;
  const host = config.relay.host === '0.0.0.0' || config.relay.host === '::' ? '127.0.0.1' : config.relay.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  publicUrl ||= url;
  registry.start();
  writeBack.start();
  await cluster.start();
  queueHandOff?.start();
  await writeBackQueue?.start();
  ownership?.start();
  logger.info({ url: publicUrl }, 'relay listening');
  if (testClock) logger.warn('test clock enabled: POST /__test/clock moves session time forward');

  let closing: Promise<void> | null = null;
  return {
    url: publicUrl,
    listenUrl: url,
    storyHints: await storyHints(config, publicUrl),
    registry,
    writeBack,
    close: () =>
      (closing ??= (async () => {
        registry.stop();
        ownership?.stop();
        await cluster.stop().catch((err: unknown) => logger.warn({ err }, 'could not leave the cluster'));
        // Live sessions end now, saying why; their reports go into the outbox and survive the restart.
        await registry.endAll('relay_shutdown');
        // Bounded while Redis is down: what is not in Redis yet stays in outbox.db for the next start
        // (which settles the hand-offs still waiting for Redis).
        await queueHandOff?.close();
        await Promise.allSettled(handingOff);
        await writeBackQueue?.close();
        await writeBack.stop();
        await ws.close();
        agentAuth.close(); // long-polling sign-in waits answer now
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        authDb.close();
        outboxDb.close();
        journalDb.close();
        await redis?.quit().catch(() => redis.disconnect());
      })()),
  };
}
