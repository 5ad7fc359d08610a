// The capacity search's state machine: which session count comes next, and what it concludes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CapacitySearch } from '../src/CapacitySearch.ts';
import type { StepResult } from '../src/measure.ts';

/** A step at `sessions` that kept up below `limit` (p99 within budget below `within`). */
const step = (sessions: number, limit: number, within = 0, loadBound = false): StepResult => ({
  target: 't',
  viewersPerSession: 1,
  sessions,
  seconds: 3,
  offeredFramesPerSec: sessions * 5,
  offeredKbitPerSec: sessions * 80,
  forwardedFramesPerSec: sessions * 5,
  forwardedMbitPerSec: sessions * 0.08,
  framesForwarded: sessions * 15,
  deliveredRatio: sessions <= limit ? 1 : 0.5,
  latencyMs: { samples: 1, p50: 1, p99: 1, p999: 1, max: 1 },
  serverCpuPercent: (sessions / 1000) * 25,
  serverCpuPercentPerMbit: 1,
  loadCpuPercent: loadBound ? 90 : 30,
  loadEventLoopDelayP99Ms: 1,
  framesSkippedByPresenters: 0,
  keyframeRequests: 0,
  control: {},
  keptUp: sessions <= limit,
  ok: sessions <= within,
  loadBound,
});

/** Runs a search against a server that keeps up to `limit` sessions; returns the counts it asked for. */
function drive(search: CapacitySearch, limit: number, within = 0, loadBound = false): number[] {
  const asked: number[] = [];
  for (let n = search.next; n !== null; n = search.next) {
    asked.push(n);
    search.record(step(n, limit, within, loadBound && n > limit));
  }
  return asked;
}

test('doubles until the server fails, then bisects to within 5%', () => {
  const s = new CapacitySearch({ start: 200, cap: 8000, bisections: 4 });
  assert.deepEqual(drive(s, 700, 400), [200, 400, 800, 600, 700, 750, 725]);
  const r = s.result('t', 1, 0.25);
  assert.equal(r.saturationSessions, 700);
  assert.equal(r.maxSessions, 400);
  assert.equal(r.sessionsPerCore, 2800, 'kept up with 700 on a quarter of a core');
  assert.equal(r.capped, false);
});

test('halves when even the start fails', () => {
  const s = new CapacitySearch({ start: 200, cap: 8000, bisections: 0 });
  assert.deepEqual(drive(s, 60), [200, 100, 50]);
  assert.equal(s.result('t', 1, 1).saturationSessions, 50);
});

test('stops at the cap and measures nothing per core there', () => {
  const s = new CapacitySearch({ start: 200, cap: 1000, bisections: 4 });
  assert.deepEqual(drive(s, 5000), [200, 400, 800, 1000]);
  const r = s.result('t', 1, 0.25);
  assert.equal(r.capped, true);
  assert.equal(r.sessionsPerCore, null, 'the server never stopped keeping up');
});

test('a search the load generator ended says so and measures nothing per core', () => {
  const s = new CapacitySearch({ start: 200, cap: 8000, bisections: 1 });
  drive(s, 500, 0, true);
  const r = s.result('t', 1, 0.25);
  assert.equal(r.limitedByLoadGenerator, true);
  assert.equal(r.sessionsPerCore, null);
  assert.ok(r.projectedSessionsPerCore! > 0, 'the projection is still there');
});
