// The cluster run (`npm run bench -- --cluster`): real relay nodes on a real redis-server (Debian's),
// the CRM sandbox in this process. Sessions are created through the nodes in turn and placed by the
// cluster; the figures are how many each node got, and what the routing hop adds to an agent's call
// about a session another node holds (sent on to the owner) against the same call made on the owner.
// Media never takes that hop (every client's WebSocket goes to the owner), so there is no frame figure.
// All nodes share this machine's server core: the run shows placement and the hop's cost, not how
// capacity grows with nodes (that needs a machine per node).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '@sightline/config';
import { DEMO, startSandbox } from '@sightline/crm-sandbox';
import { round, summarizeLatency, type LatencySummary } from './stats.ts';
import { httpJson } from './targets/http.ts';
import { signInAgent } from './targets/relay-client.ts';
import { TargetProcess } from './targets/TargetProcess.ts';

export interface ClusterOptions {
  nodes: number;
  sessions: number;
  /** Agent calls timed each way (direct, and through another node). */
  samples: number;
}

export interface ClusterFigures {
  nodes: number;
  sessions: number;
  /** Live sessions on each node once all were placed. */
  perNode: number[];
  /** Largest distance from an even share, in % of it. */
  spreadPct: number;
  direct: LatencySummary;
  forwarded: LatencySummary;
  /** Forwarded minus direct, ms. */
  addedP50: number | null;
  addedP99: number | null;
}

const createdSchema = z.object({ sessionId: z.string().min(1) });
const ticketSchema = z.object({ wsUrl: z.string().startsWith('ws') });
const sessionSchema = z.object({ sessionId: z.string().min(1), status: z.string() });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

async function startRedis(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) ok();
    });
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}: ${out.slice(-300)}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** Runs `calls` with `width` in flight. */
async function inParallel(count: number, width: number, call: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

export async function measureCluster(o: ClusterOptions, log: (line: string) => void): Promise<ClusterFigures> {
  const tmp = mkdtempSync(join(tmpdir(), 'sightline-cluster-'));
  const redis = await startRedis(tmp);
  const sandbox = await startSandbox({
    config: loadConfig({
      env: { SIGHTLINE_ENV: 'test' },
      overrides: { sandbox: { salesforcePort: 0, servicenowPort: 0, dataDir: join(tmp, 'sandbox') } },
    }),
  });
  const nodes: TargetProcess[] = [];
  // Every node of a cluster holds the same key (sign-ins, tokens and the index are sealed with it).
  const tokenEncryptionKey = randomBytes(32).toString('base64url');
  try {
    for (let i = 0; i < o.nodes; i++)
      nodes.push(
        await TargetProcess.start(`node-${i}`, new URL('./targets/relay-main.ts', import.meta.url), {
          SIGHTLINE_BENCH_OVERRIDES: JSON.stringify({
            log: { level: 'silent' },
            redis: { url: redis.url },
            relay: { host: '127.0.0.1', port: 0, dataDir: join(tmp, `node-${i}`), tokenEncryptionKey },
            salesforce: { loginUrl: sandbox.salesforceUrl, clientSecret: DEMO.oauthClient.clientSecret },
            servicenow: { instanceUrl: sandbox.servicenowUrl, clientSecret: DEMO.oauthClient.clientSecret },
            sandbox: { enabled: false },
            limits: { maxLiveSessionsPerAgent: 1_000_000, sessionCreationsPerAgentPerMinute: 1_000_000 },
          }),
        }),
      );
    sandbox.setRelayUrl(nodes[0]!.url);
    const agent = DEMO.salesforce.users.agent;
    const cookie = await signInAgent(nodes[0]!.url, agent.username, agent.password); // signed in on every node
    const records = Object.values(DEMO.salesforce.cases);
    log(`cluster: ${o.nodes} nodes on one Redis, ${o.sessions} sessions created through the nodes in turn`);
    /** Each session and the node that owns it (its ticket's WebSocket URL names it). */
    const owned: { sessionId: string; owner: number }[] = [];
    await inParallel(o.sessions, 4, async (i) => {
      const via = nodes[i % nodes.length]!.url;
      const call = { method: 'POST' as const, origin: via, cookie };
      const { sessionId } = await httpJson(
        { ...call, url: `${via}/api/sessions`, body: { crm: 'salesforce', recordId: records[i % records.length] } },
        createdSchema,
      );
      const { wsUrl } = await httpJson({ ...call, url: `${via}/api/sessions/${sessionId}/ticket` }, ticketSchema);
      const host = new URL(wsUrl).host;
      owned.push({ sessionId, owner: nodes.findIndex((n) => new URL(n.url).host === host) });
    });
    const perNode = await Promise.all(nodes.map(async (n) => (await n.stats()).liveSessions ?? 0));
    const even = o.sessions / o.nodes;
    const spreadPct = round((Math.max(...perNode.map((c) => Math.abs(c - even))) / even) * 100);
    log(`  placed: ${perNode.join(' / ')} (even share ${round(even)}, farthest ${spreadPct}% from it)`);

    // The same agent call on the owner and on the next node, alternating, one at a time.
    const direct = new Float64Array(o.samples);
    const forwarded = new Float64Array(o.samples);
    const timed = async (url: string) => {
      const t0 = performance.now();
      await httpJson({ method: 'GET', url, cookie }, sessionSchema);
      return performance.now() - t0;
    };
    for (let i = 0; i < o.samples; i++) {
      const s = owned[i % owned.length]!;
      const owner = nodes[s.owner]!.url;
      const other = nodes[(s.owner + 1) % nodes.length]!.url;
      const path = `/api/sessions/${s.sessionId}`;
      if (i % 2 === 0) {
        direct[i] = await timed(owner + path);
        forwarded[i] = await timed(other + path);
      } else {
        forwarded[i] = await timed(other + path);
        direct[i] = await timed(owner + path);
      }
    }
    const d = summarizeLatency(direct);
    const f = summarizeLatency(forwarded);
    const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : round(a - b, 2));
    const figures: ClusterFigures = {
      nodes: o.nodes,
      sessions: o.sessions,
      perNode,
      spreadPct,
      direct: d,
      forwarded: f,
      addedP50: minus(f.p50, d.p50),
      addedP99: minus(f.p99, d.p99),
    };
    log(
      `  agent call on the owner p50 ${d.p50} / p99 ${d.p99} ms; through another node p50 ${f.p50} / p99 ${f.p99} ms ` +
        `(the hop adds ${figures.addedP50} / ${figures.addedP99} ms)`,
    );
    return figures;
  } finally {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    await sandbox.close();
    redis.child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The cluster run as a README/markdown section. */
export function clusterSection(c: ClusterFigures, command: string): string[] {
  return [
    `## Cluster (${c.nodes} nodes on one Redis, \`${command}\`)`,
    '',
    `${c.sessions} sessions created through the nodes in turn, placed by the cluster: ${c.perNode.join(' / ')} ` +
      `(farthest ${c.spreadPct}% from an even share).`,
    '',
    '| agent call (`GET /api/sessions/:id`) | p50 ms | p99 ms | max ms |',
    '| --- | --- | --- | --- |',
    `| on the owning node | ${c.direct.p50} | ${c.direct.p99} | ${c.direct.max} |`,
    `| through another node (sent on to the owner) | ${c.forwarded.p50} | ${c.forwarded.p99} | ${c.forwarded.max} |`,
    `| added by the routing hop | ${c.addedP50} | ${c.addedP99} | |`,
    '',
    'Media never takes the hop: every WebSocket goes to the owning node. All nodes share this machine’s',
    'server core, so this shows placement and the cost of the hop, not capacity growing with nodes.',
    '',
  ];
}
