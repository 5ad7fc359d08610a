// The whole relay (HTTP API, WebSocket routing) on an ephemeral loopback port with its test clock,
// without a CRM: sessions are created straight on the registry. For guest-side tests.
import type { TestContext } from 'node:test';
import { loadConfig, type ConfigInput } from '@sightline/config';
import { startRelay, type RunningRelay } from '../../src/index.ts';
import { HOST, RECORD, logger, policy } from './core.ts';
import { TEST_KEY } from './stack.ts';
import { tmpDir } from './tmp.ts';

export interface PlainRelay {
  relay: RunningRelay;
  url: string;
  /** A waiting session as the agent's Start Screen Share makes it; its link token for the join page. */
  createSession(overrides?: Parameters<typeof policy>[0]): { sessionId: string; token: string };
  post(path: string, body: unknown): Promise<Response>;
  advanceClock(ms: number): Promise<void>;
}

export async function startPlainRelay(t: TestContext, overrides: ConfigInput = {}): Promise<PlainRelay> {
  const config = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: {
      ...overrides,
      log: { level: 'silent' },
      relay: { port: 0, dataDir: tmpDir(t), tokenEncryptionKey: TEST_KEY, ...overrides.relay },
    },
  });
  const relay = await startRelay({ config, logger, env: { SIGHTLINE_TEST_CLOCK: '1' } });
  t.after(() => relay.close());
  const post = (path: string, body: unknown) =>
    fetch(`${relay.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return {
    relay,
    url: relay.url,
    post,
    createSession(overrides = {}) {
      const created = relay.registry.create({
        host: HOST,
        record: RECORD,
        policy: policy({ contactFields: { name: 'optional', email: 'optional', phone: 'off' }, ...overrides }),
      });
      return { sessionId: created.sessionId, token: created.token };
    },
    async advanceClock(ms) {
      const res = await post('/__test/clock', { advanceMs: ms });
      if (res.status !== 200) throw new Error(`test clock: ${res.status} ${await res.text()}`);
    },
  };
}
