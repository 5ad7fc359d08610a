// `npm start`'s own processes for a story file: `node scripts/start.ts` as a child process on free
// loopback ports, over fresh data dirs, with a SIGHTLINE_CONFIG file for the policy under test.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Policy } from '@sightline/config';
import { E2E_METRICS_TOKEN } from './relay.ts';
import { until } from './wait.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');
const RESERVED = new Set([8080, 8081, 8082]);

export interface System {
  relayUrl: string;
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
  salesforcePort: number;
  servicenowPort: number;
}

export async function planSystem(): Promise<SystemPlan> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [relayPort, salesforcePort, servicenowPort] = [...ports] as [number, number, number];
  return { dir: mkdtempSync(join(tmpdir(), 'sightline-stories-')), relayPort, salesforcePort, servicenowPort };
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
  writeFileSync(configFile, JSON.stringify({ policy: { groups: { default: policy } }, sandbox }, null, 2));
  const salesforceUrl = `http://127.0.0.1:${sfPort}`;
  const servicenowUrl = `http://127.0.0.1:${snPort}`;
  const relayUrl = `http://127.0.0.1:${relayPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${BIN}:${process.env.PATH ?? ''}`,
    SIGHTLINE_ENV: 'test',
    SIGHTLINE_LOG_LEVEL: 'warn',
    SIGHTLINE_METRICS_TOKEN: E2E_METRICS_TOKEN,
    SIGHTLINE_CONFIG: configFile,
    SIGHTLINE_RELAY_PORT: String(relayPort),
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
      const res = await fetch(`${relayUrl}/healthz`);
      const sf = await fetch(`${salesforceUrl}/`, { redirect: 'manual' });
      return res.ok && sf.status < 500;
    } catch {
      return false;
    }
  };
  try {
    await until(healthy, (ok) => ok, 'npm start to answer /healthz', 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let stopped: Promise<number | null> | null = null;
  return {
    relayUrl,
    salesforceUrl,
    servicenowUrl,
    output: () => out,
    stop: () =>
      (stopped ??= (async () => {
        if (exitCode === undefined) child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        const code = await exited;
        clearTimeout(timer);
        if (ownsDir) rmSync(dir, { recursive: true, force: true });
        return code;
      })()),
  };
}
