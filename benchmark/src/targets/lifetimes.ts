// The lifetimes of what a benchmark step measures with: the load generator, the floor forwarder and
// the relay with its CRM sandbox. Each `with*` starts one, hands it to the step and stops it however
// the step ends, so a step is only what it measures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@sightline/config';
import { DEMO, startSandbox } from '@sightline/crm-sandbox';
import { LoadGenerator } from '../load/LoadGenerator.ts';
import type { Provision } from '../SessionPool.ts';
import type { ReplayPlan, TrafficFile } from '../traffic.ts';
import { floorProvision } from './floor.ts';
import { relayProvision, signInAgent } from './relay-client.ts';
import { TargetProcess } from './TargetProcess.ts';

/** A running server and how sessions are made on it. */
export interface Measured {
  target: TargetProcess;
  provision: Provision;
}

/** The load generator's workers, ready to replay `plan` with the captured encoder's configuration. */
export async function withLoad<T>(
  workers: number,
  traffic: TrafficFile,
  plan: ReplayPlan,
  use: (load: LoadGenerator) => Promise<T>,
): Promise<T> {
  const load = new LoadGenerator(workers);
  try {
    const enc = traffic.encoderConfig as { codec?: string; width?: number; height?: number };
    await load.init(plan, enc.codec ?? 'vp8', enc.width ?? 1280, enc.height ?? 720);
    return await use(load);
  } finally {
    load.stop();
  }
}

/** The floor: a minimal `ws` forwarder in its own process on the server core. */
export async function withFloor<T>(use: (floor: Measured) => Promise<T>): Promise<T> {
  const target = await TargetProcess.start('floor', new URL('./floor-main.ts', import.meta.url));
  try {
    return await use({ target, provision: floorProvision(target.url) });
  } finally {
    await target.stop();
  }
}

/**
 * The relay in its own process on the server core, with a CRM sandbox in this one (which the relay
 * reads records from while sessions are provisioned), its hosts signed in through the sandbox's
 * OAuth pages. Its data lives in a temporary directory removed afterwards.
 */
export async function withSightline<T>(use: (relay: Measured) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(join(tmpdir(), 'sightline-bench-'));
  try {
    const sandbox = await startSandbox({
      config: loadConfig({
        env: { SIGHTLINE_ENV: 'test' },
        overrides: { sandbox: { salesforcePort: 0, servicenowPort: 0, dataDir: join(tmp, 'sandbox') } },
      }),
    });
    try {
      const target = await TargetProcess.start('sightline', new URL('./relay-main.ts', import.meta.url), {
        SIGHTLINE_BENCH_OVERRIDES: JSON.stringify({
          log: { level: 'silent' },
          relay: { host: '127.0.0.1', port: 0, dataDir: join(tmp, 'relay') },
          salesforce: { loginUrl: sandbox.salesforceUrl, clientSecret: DEMO.oauthClient.clientSecret },
          servicenow: { instanceUrl: sandbox.servicenowUrl, clientSecret: DEMO.oauthClient.clientSecret },
          sandbox: { enabled: false },
          // One benchmark agent hosts every session from one load-generator address: lift the per-agent
          // and per-address caps (the capacity under test is the media plane's).
          // Its viewers join as guests with the key: open sessions, no lobby.
          policy: { groups: { default: { openSessions: true, maxGuests: 100 } } },
          limits: {
            maxLiveSessionsPerAgent: 1_000_000,
            sessionCreationsPerAgentPerMinute: 1_000_000,
            maxConnectionsPerAddress: 1_000_000,
          },
        }),
      });
      try {
        sandbox.setRelayUrl(target.url);
        const users = [DEMO.salesforce.users.agent, DEMO.salesforce.users.manager];
        const hosts = await Promise.all(users.map((u) => signInAgent(target.url, u.username, u.password)));
        const provision = relayProvision({
          relayUrl: target.url,
          hosts,
          recordIds: Object.values(DEMO.salesforce.cases),
        });
        return await use({ target, provision });
      } finally {
        await target.stop();
      }
    } finally {
      await sandbox.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The floor and the relay both up, for the steps that interleave their windows. */
export function withBoth<T>(use: (floor: Measured, relay: Measured) => Promise<T>): Promise<T> {
  return withFloor((floor) => withSightline((relay) => use(floor, relay)));
}
