// The relay as its own process (`node scripts/start.ts` with the sandbox off, as an operator runs a
// node), against a CRM sandbox in the test process: for what only a real process shows (SIGKILL,
// SIGTERM, several nodes). Its data directory outlives a restart; everything goes when the test ends.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { loadConfig, type ConfigInput } from '@sightline/config';
import { DEMO, startSandbox, type RunningSandbox } from '@sightline/crm-sandbox';
import { TEST_KEY, TEST_METRICS_TOKEN } from './stack.ts';
import { tmpDir } from './tmp.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
/** A relay that has not started by then never will (a hang would otherwise last until the runner's timeout). */
const START_MS = 60_000;

/** Polls a real condition (a CRM query, an endpoint) until it holds; fails with the last answer. */
export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline)
      assert.fail(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

export async function startCrm(t: TestContext): Promise<RunningSandbox> {
  const config = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: { sandbox: { dataDir: tmpDir(t, 'sightline-sandbox-') } },
  });
  const sandbox = await startSandbox({ config });
  t.after(() => sandbox.close());
  return sandbox;
}

export interface RelayProcess {
  readonly url: string;
  readonly running: boolean;
  /** Starts the process and resolves once it listens. */
  start(): Promise<void>;
  /** Sends the signal and resolves with how it exited. */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the running process: a starved node. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
  output(): string;
}

/** One relay node's process; `overrides` go into its SIGHTLINE_CONFIG file. */
export async function relayProcess(
  t: TestContext,
  sandbox: RunningSandbox,
  overrides: ConfigInput = {},
): Promise<RelayProcess> {
  const port = await freePort();
  const dir = tmpDir(t);
  const url = `http://127.0.0.1:${port}`;
  const configFile = join(dir, 'config.json');
  const secret = { clientSecret: DEMO.oauthClient.clientSecret };
  const config: ConfigInput = {
    ...overrides,
    env: 'test',
    log: { level: 'info' },
    sandbox: { enabled: false },
    relay: {
      host: '127.0.0.1',
      port,
      dataDir: join(dir, 'data'),
      tokenEncryptionKey: TEST_KEY,
      metricsToken: TEST_METRICS_TOKEN,
      ...overrides.relay,
    },
    // Each node's own address, even when relay.publicUrl names another (a load balancer's, in tests a node's).
    cluster: { nodeUrl: url, ...overrides.cluster },
    writeBack: { tickMs: 200, retry: { baseMs: 20, maxMs: 200 }, ...overrides.writeBack },
    salesforce: { loginUrl: sandbox.salesforceUrl, ...secret },
    servicenow: { instanceUrl: sandbox.servicenowUrl, ...secret },
  };
  writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
  sandbox.setRelayUrl(url);

  let child: ChildProcess | null = null;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null = null;
  let out = '';
  const env: NodeJS.ProcessEnv = { ...process.env, SIGHTLINE_CONFIG: configFile };
  for (const name of Object.keys(env))
    if (name.startsWith('SIGHTLINE_') && name !== 'SIGHTLINE_CONFIG') delete env[name];
  delete env.NODE_OPTIONS; // the test runner's flags are not the relay's
  delete env.NODE_TEST_CONTEXT; // a child `node` must not report to this test run

  const proc: RelayProcess = {
    url,
    get running() {
      return child !== null;
    },
    async start() {
      assert.equal(child, null, 'the relay process is already running');
      const c = spawn(NODE, ['scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      exited = new Promise((ok) => c.once('exit', (code, signal) => ok({ code, signal })));
      // start.ts prints the public URL, which is not where this node listens when it names another.
      const announced = `Relay         ${overrides.relay?.publicUrl?.replace(/\/$/, '') ?? url}`;
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`the relay did not print "${announced}" within ${START_MS} ms:\n${out}`)),
          START_MS,
        );
        const onData = (d: Buffer) => {
          out += d.toString();
          if (out.includes(announced)) {
            clearTimeout(timer);
            ok();
          }
        };
        c.stdout!.on('data', onData);
        c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
        void exited!.then((e) => {
          clearTimeout(timer);
          fail(new Error(`the relay exited (${JSON.stringify(e)}) before it listened:\n${out}`));
        });
      });
    },
    async stop(signal) {
      assert.ok(child && exited, 'the relay process is not running');
      child.kill(signal);
      const result = await exited;
      child = null;
      exited = null;
      return result;
    },
    signal(signal) {
      assert.ok(child, 'the relay process is not running');
      child.kill(signal);
    },
    output: () => out,
  };
  t.after(async () => {
    child?.kill('SIGCONT'); // a test that froze a node and failed leaves it running, not stopped
    if (child) await proc.stop('SIGKILL');
  });
  return proc;
}
