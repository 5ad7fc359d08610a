// Timestamps kept against performance.now() must not start at 0: that clock counts from the process's
// start, so a "last time" of 0 means "a moment ago" during a process's first second. A real relay over
// real sockets, with performance.now() held inside that first second while a guest floods it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharingSession, startTestRelay } from './helpers/relay.ts';

test("the first rate_limited error is reported even in the process's first second", async (t) => {
  const relay = await startTestRelay({ maxMessagesPerSecond: 5 });
  t.after(() => relay.close());
  const { host, guest } = await sharingSession(relay);
  // As in a process that started 200 ms ago (the flaky case when this test ran first in its file).
  let now = 200;
  t.mock.method(performance, 'now', () => now++ / 100);
  for (let i = 0; i < 30; i++) guest.send({ type: 'ping', t: i });
  const err = await guest.waitFor('error', (e) => e.code === 'rate_limited');
  assert.match(err.message, /more than 5 messages per second/);
  t.mock.restoreAll();
  host.close();
  guest.close();
});
