// `npm start`'s own processes for a story file: `node scripts/start.ts` as a child process on free
// loopback ports, over fresh data dirs, with a SIGHTLINE_CONFIG file for the policy under test, on two
// sites (support/topology.ts): the CRM pages on http://localhost:<port>, the relay at its public
// https://relay.localhost:<port> behind the TLS front this process runs.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Policy } from '@sightline/config';
import { E2E_METRICS_TOKEN } from './relay.ts';
import { crmUrl, relayFetch, startRelayFront, CRM_HOST, type RelayFront } from './topology.ts';
import { until } from './wait.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');
const RESERVED = new Set([8080, 8081, 8082]);

export interface System {
  /** The relay's public URL (https, through the TLS front), what browsers and join links use. */
  relayUrl: string;
  /** Where the relay process itself listens (plain http on loopback). */
  relayListenUrl: string;
  salesforceUrl: string;
  servicenowUrl: string;
  /** What the process printed so far (for failure messages). */
  output(): string;
  /** SIGINT, as Ctrl-C does; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** A port the kernel just gave out and nobody holds now (never the embedded defaults 8080-8082). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((ok, fail) => {
      const server = createServer();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => ok(port));
      });
    });
    if (!RESERVED.has(port)) return port;
  }
}

/** Where one npm start lives: its ports and its data dirs, kept across a restart. */
export interface SystemPlan {
  dir: string;
  relayPort: number;
  /** The TLS front's port: the relay's public URL is https://relay.localhost:<relayFrontPort>. */
  relayFrontPort: number;
  salesforcePort: number;
  servicenowPort: number;
}

export async function planSystem(): Promise<SystemPlan> {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort());
  const [relayPort, relayFrontPort, salesforcePort, servicenowPort] = [...ports] as [number, number, number, number];
  const dir = mkdtempSync(join(tmpdir(), 'sightline-stories-'));
  return { dir, relayPort, relayFrontPort, salesforcePort, servicenowPort };
}

export interface SystemOptions {
  /** Merged over config/default.json's default group policy (written into the SIGHTLINE_CONFIG file). */
  policy?: Partial<Policy>;
  /** Browser origins besides the CRMs' that may call the relay (SIGHTLINE_ALLOWED_ORIGINS). */
  allowedOrigins?: string[];
  /** The sandbox's access-token lifetime (the test environment's is 60 s). */
  accessTokenTtlSeconds?: number;
  /** Ports and data dirs of an earlier run to start again on; its owner removes plan.dir. */
  plan?: SystemPlan;
  /**
   * The relay's test clock (SIGHTLINE_TEST_CLOCK=1, honoured only because SIGHTLINE_ENV is `test`):
   * `advanceRelayClock` moves session time forward instead of the story waiting for it.
   */
  testClock?: boolean;
}

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const plan = options.plan ?? (await planSystem());
  const ownsDir = options.plan === undefined;
  const { dir, relayPort, salesforcePort: sfPort, servicenowPort: snPort } = plan;
  const configFile = join(dir, 'sightline.json');
  const policy = {
    keyMode: 'random',
    keyLength: 6,
    contactFields: { name: 'required', email: 'required', phone: 'optional' },
    recording: 'host',
    leads: 'new_email',
    ...options.policy,
  };
  const sandbox = options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {};
  const crm = { host: CRM_HOST, ...sandbox };
  writeFileSync(configFile, JSON.stringify({ policy: { groups: { default: policy } }, sandbox: crm }, null, 2));
  const salesforceUrl = crmUrl(sfPort);
  const servicenowUrl = crmUrl(snPort);
  const relayListenUrl = `http://127.0.0.1:${relayPort}`;
  const front: RelayFront = await startRelayFront(plan.relayFrontPort);
  front.forwardTo(relayListenUrl);
  const relayUrl = front.url;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${BIN}:${process.env.PATH ?? ''}`,
    SIGHTLINE_ENV: 'test',
    SIGHTLINE_LOG_LEVEL: 'warn',
    SIGHTLINE_METRICS_TOKEN: E2E_METRICS_TOKEN,
    SIGHTLINE_CONFIG: configFile,
    SIGHTLINE_RELAY_PORT: String(relayPort),
    SIGHTLINE_RELAY_PUBLIC_URL: relayUrl,
    SIGHTLINE_SANDBOX_SALESFORCE_PORT: String(sfPort),
    SIGHTLINE_SANDBOX_SERVICENOW_PORT: String(snPort),
    SIGHTLINE_RELAY_DATA_DIR: join(dir, 'relay'),
    SIGHTLINE_SANDBOX_DATA_DIR: join(dir, 'crm-sandbox'),
    ...(options.testClock ? { SIGHTLINE_TEST_CLOCK: '1' } : {}),
    ...(options.allowedOrigins ? { SIGHTLINE_ALLOWED_ORIGINS: options.allowedOrigins.join(',') } : {}),
  };
  if (!options.testClock) delete env.SIGHTLINE_TEST_CLOCK; // never inherited from the runner's shell
  delete env.NODE_OPTIONS; // the test runner's own flags are not npm start's
  delete env.NODE_TEST_CONTEXT; // a child `node` must not report to this test run
  const child: ChildProcess = spawn(join(BIN, 'node'), ['scripts/start.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const healthy = async () => {
    if (exitCode !== undefined) assert.fail(`npm start exited with ${exitCode} before it was up:\n${out}`);
    try {
      const res = await relayFetch(`${relayUrl}/healthz`);
      const sf = await fetch(`${salesforceUrl}/`, { redirect: 'manual' });
      return res.ok && sf.status < 500;
    } catch {
      return false;
    }
  };
  try {
    await until(healthy, (ok) => ok, 'npm start to answer /healthz', 60_000);
    // Up means its pages are too: the first page request waits for the bundles to be built, so no
    // test's first page races that build against its own timeout.
    const join = await relayFetch(`${relayUrl}/join`);
    if (join.status !== 200) assert.fail(`the join page answered ${join.status}:\n${out}`);
  } catch (err) {
    child.kill('SIGKILL');
    await front.close();
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let stopped: Promise<number | null> | null = null;
  return {
    relayUrl,
    relayListenUrl,
    salesforceUrl,
    servicenowUrl,
    output: () => out,
    stop: () =>
      (stopped ??= (async () => {
        if (exitCode === undefined) child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        const code = await exited;
        clearTimeout(timer);
        await front.close();
        if (ownsDir) rmSync(dir, { recursive: true, force: true });
        return code;
      })()),
  };
}
