// What the relay still holds of a session once its write-back is done: nothing. Read through its
// operability endpoints and, as the agent, its API.
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import { until } from './wait.ts';

interface Health {
  status: string;
  sessions: number;
  writebackPending: number;
}

/** Sum of the `sightline_sessions` gauge over its statuses. */
export async function liveSessionsGauge(relayUrl: string): Promise<number> {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  const values = [...text.matchAll(/^sightline_sessions\{[^}]*\} (\S+)$/gm)].map((m) => Number(m[1]));
  assert.ok(values.length > 0, 'the relay exports the sightline_sessions gauge');
  return values.reduce((a, b) => a + b, 0);
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
    async () => (await (await fetch(`${relayUrl}/healthz`)).json()) as Health,
    (h) => h.sessions === 0 && h.writebackPending === 0,
    'the relay to hold no session and no pending write-back',
  );
  assert.equal(await liveSessionsGauge(relayUrl), 0, 'sightline_sessions gauge back to 0');
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
