// What the relay still holds of a session once its write-back is done: nothing. Read through its
// operability endpoints and, as the agent, its API.
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import { until } from './wait.ts';

/** The relay's /metrics token in the systems these suites start (SIGHTLINE_METRICS_TOKEN). */
export const E2E_METRICS_TOKEN = 'e2e-metrics-token-not-a-secret-0123456789';

async function metricsText(relayUrl: string): Promise<string> {
  const res = await fetch(`${relayUrl}/metrics`, { headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` } });
  assert.equal(res.status, 200, 'metrics with the token');
  return res.text();
}

/** Sum of the `sightline_sessions` gauge over its statuses. */
export async function liveSessionsGauge(relayUrl: string): Promise<number> {
  const text = await metricsText(relayUrl);
  const values = [...text.matchAll(/^sightline_sessions\{[^}]*\} (\S+)$/gm)].map((m) => Number(m[1]));
  assert.ok(values.length > 0, 'the relay exports the sightline_sessions gauge');
  return values.reduce((a, b) => a + b, 0);
}

/** The `sightline_writeback_backlog` gauge: writes waiting in the outbox. */
async function writeBackBacklog(relayUrl: string): Promise<number> {
  const m = /^sightline_writeback_backlog (\S+)$/m.exec(await metricsText(relayUrl));
  assert.ok(m, 'the relay exports the sightline_writeback_backlog gauge');
  return Number(m[1]);
}

/**
 * After the write-back: no live session, nothing waiting in the write-back outbox, the session's
 * snapshot gone (404 for its own host) and every write of it done (payload and recording dropped).
 */
export async function assertRelayHoldsNothing(
  relayUrl: string,
  sessionId: string,
  agent: BrowserContext,
): Promise<void> {
  await until(
    async () => [await liveSessionsGauge(relayUrl), await writeBackBacklog(relayUrl)],
    ([sessions, backlog]) => sessions === 0 && backlog === 0,
    'the relay to hold no session and no pending write-back',
  );
  const snapshot = await agent.request.get(`${relayUrl}/api/sessions/${sessionId}`);
  assert.equal(snapshot.status(), 404, 'the ended session is gone from the relay');
  const writes = await agent.request.get(`${relayUrl}/api/writebacks?sessionId=${encodeURIComponent(sessionId)}`);
  assert.equal(writes.status(), 200);
  const body = (await writes.json()) as { writebacks: { step: string; status: string; error: string | null }[] };
  assert.ok(body.writebacks.length > 0, 'the session had write-backs');
  for (const w of body.writebacks) assert.equal(w.status, 'done', `write-back ${w.step} is done (${w.error ?? ''})`);
}

/** Moves the relay's session clock forward (a system started with `testClock`) and sweeps expiry. */
export async function advanceRelayClock(relayUrl: string, advanceMs: number): Promise<void> {
  const res = await fetch(`${relayUrl}/__test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceMs }),
  });
  assert.equal(res.status, 200, `POST /__test/clock: ${res.status} ${await res.text()}`);
}
