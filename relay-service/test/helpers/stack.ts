// A real CRM sandbox behind fault-injecting proxies and a real relay pointed at the proxies, with
// the relay's log captured; everything on ephemeral ports and fresh data directories.
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { Connection } from 'jsforce';
import { pino } from 'pino';
import { loadConfig, type ConfigInput, type SightlineConfig } from '@sightline/config';
import { DEMO, startSandbox, type RunningSandbox } from '@sightline/crm-sandbox';
import { startRelay, type RunningRelay } from '../../src/index.ts';
import { REDACT_PATHS } from '../../src/logger.ts';
import { FaultProxy } from './FaultProxy.ts';
import { CookieJar, signIn } from './signIn.ts';
import { tmpDir } from './tmp.ts';

export { DEMO };

export const TEST_KEY = '0123456789abcdef'.repeat(4);
/** relay.metricsToken of the test relays: GET /metrics needs `Authorization: Bearer <it>`. */
export const TEST_METRICS_TOKEN = 'metrics-token-for-tests-only-0123456789';

export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface Stack {
  sandbox: RunningSandbox;
  sfProxy: FaultProxy;
  snProxy: FaultProxy;
  relay: RunningRelay;
  config: SightlineConfig;
  logs: LogCapture;
  /** Stops the relay and starts a new one on the same data directory (a relay restart). */
  restartRelay(): Promise<RunningRelay>;
  api(
    path: string,
    init?: { method?: string; body?: unknown; jar?: CookieJar; origin?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  signInAgent(crm?: 'salesforce' | 'servicenow'): Promise<CookieJar>;
  /** A jsforce connection to the sandbox (not through the proxy) as a demo user, for assertions. */
  salesforceAs(user?: { username: string; password: string }): Promise<Connection>;
  servicenowToken(user?: { username: string; password: string }): Promise<string>;
  /** A sandbox people page (e.g. /outbox) as a signed-in sandbox user. */
  sandboxPage(base: string, path: string, user?: { username: string; password: string }): Promise<string>;
}

export interface StackOptions {
  /** The relay has no client secret (a public PKCE client) and no embedded-sandbox fallback to one. */
  publicClient?: boolean;
  /** Sandbox settings (e.g. a small maxUploadBytes, as an org with a lower file limit). */
  sandbox?: ConfigInput['sandbox'];
  /** The sandbox's access-token lifetime (the test configuration's is 60 s). */
  tokenTtlSeconds?: number;
}

export async function startStack(
  t: TestContext,
  relayOverrides: ConfigInput = {},
  { publicClient = false, sandbox: sandboxSettings = {}, tokenTtlSeconds }: StackOptions = {},
): Promise<Stack> {
  const sandboxConfig = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: {
      sandbox: {
        ...sandboxSettings,
        dataDir: tmpDir(t, 'sightline-sandbox-'),
        ...(tokenTtlSeconds ? { accessTokenTtlSeconds: tokenTtlSeconds } : {}),
      },
    },
  });
  const sandbox = await startSandbox({ config: sandboxConfig });
  const sfProxy = await FaultProxy.start(sandbox.salesforceUrl);
  const snProxy = await FaultProxy.start(sandbox.servicenowUrl);
  const relayDir = tmpDir(t);
  const secret = publicClient ? {} : { clientSecret: DEMO.oauthClient.clientSecret };
  const config = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: {
      ...relayOverrides,
      log: { level: 'debug' },
      writeBack: {
        ...relayOverrides.writeBack,
        retry: { baseMs: 20, maxMs: 100, ...relayOverrides.writeBack?.retry },
        tickMs: relayOverrides.writeBack?.tickMs ?? 200,
        breaker: { failures: 5, halfOpenAfterMs: 200, ...relayOverrides.writeBack?.breaker },
      },
      relay: {
        dataDir: relayDir,
        tokenEncryptionKey: TEST_KEY,
        metricsToken: TEST_METRICS_TOKEN,
        ...relayOverrides.relay,
      },
      salesforce: { ...relayOverrides.salesforce, loginUrl: sfProxy.url, ...secret },
      servicenow: { instanceUrl: snProxy.url, ...secret },
      ...(publicClient ? { sandbox: { ...relayOverrides.sandbox, enabled: false } } : {}),
    },
  });
  const logs = new LogCapture();
  const logger = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, logs);
  const boot = () => startRelay({ config, logger });
  const stack: Stack = {
    sandbox,
    sfProxy,
    snProxy,
    config,
    logs,
    relay: await boot(),
    async restartRelay() {
      await stack.relay.close();
      stack.relay = await boot();
      return stack.relay;
    },
    api(path, { method = 'GET', body, jar, origin, headers: extra = {} } = {}) {
      const headers: Record<string, string> = { ...extra };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (jar) headers.cookie = jar.header();
      if (method !== 'GET') headers.origin = origin ?? stack.relay.url;
      return fetch(`${stack.relay.url}${path}`, {
        method,
        headers,
        redirect: 'manual',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    },
    async signInAgent(crm = 'salesforce') {
      const user = crm === 'salesforce' ? DEMO.salesforce.users.agent : DEMO.servicenow.users.agent;
      const { jar, final } = await signIn(stack.relay.url, crm, user);
      if (final.status !== 303) throw new Error(`sign-in failed: ${final.status} ${await final.text()}`);
      return jar;
    },
    async salesforceAs(user = DEMO.salesforce.users.agent) {
      const conn = new Connection({
        oauth2: {
          loginUrl: sandbox.salesforceUrl,
          clientId: DEMO.oauthClient.clientId,
          clientSecret: DEMO.oauthClient.clientSecret,
        },
        version: config.salesforce.apiVersion,
      });
      await conn.login(user.username, user.password);
      return conn;
    },
    async sandboxPage(base, path, user = DEMO.salesforce.users.agent) {
      const login = await fetch(`${base}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ username: user.username, password: user.password, returnTo: path }),
      });
      const jar = new CookieJar();
      jar.take(login);
      return (await fetch(`${base}${path}`, { headers: { cookie: jar.header() } })).text();
    },
    async servicenowToken(user = DEMO.servicenow.users.agent) {
      const res = await fetch(`${sandbox.servicenowUrl}/oauth_token.do`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          username: user.username,
          password: user.password,
          client_id: DEMO.oauthClient.clientId,
          client_secret: DEMO.oauthClient.clientSecret,
        }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    },
  };
  t.after(async () => {
    await stack.relay.close();
    await sfProxy.close();
    await snProxy.close();
    await sandbox.close();
  });
  sandbox.setRelayUrl(stack.relay.url);
  return stack;
}
