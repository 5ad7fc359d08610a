import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ViewerQueue } from '../src/routing/ViewerQueue.ts';
import { KeyframeRequests } from '../src/routing/KeyframeRequests.ts';

/** A queue whose "socket" completes writes only when the test says so. */
function harness(capacity = 4, highWaterBytes = 10) {
  const written: Buffer[] = [];
  const pending: ((ok: boolean) => void)[] = [];
  const events = { skips: [] as number[], drops: 0, sent: 0, room: 0 };
  const queue = new ViewerQueue({
    capacity,
    highWaterBytes,
    send: (frame, done) => {
      written.push(frame);
      pending.push(done);
    },
    onSkip: (s) => events.skips.push(s),
    onDrop: () => events.drops++,
    onSent: () => events.sent++,
    onRoom: () => events.room++,
  });
  const flush = () => {
    while (pending.length) pending.shift()!(true);
  };
  return { queue, written, events, flush };
}

const f = (n: number) => Buffer.from([n, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // 10 bytes = the high-water mark

test('frames go out as the very same Buffer objects, in order, while the socket keeps up', () => {
  const { queue, written, flush } = harness();
  const frames = [f(1), f(2), f(3)];
  for (const [i, frame] of frames.entries()) {
    queue.push(frame, 0, i === 0);
    flush();
  }
  assert.equal(written.length, 3);
  for (let i = 0; i < 3; i++) assert.equal(written[i], frames[i], 'no copy');
});

test('a viewer that falls behind drops deltas until the next keyframe and asks for one, once', () => {
  const { queue, written, events, flush } = harness(4);
  queue.push(f(0), 0, true); // in flight: the socket is now at its high-water mark
  for (let i = 1; i <= 4; i++) queue.push(f(i), 0, false); // queued
  assert.ok(queue.full);
  queue.push(f(5), 0, false); // dropped: behind
  queue.push(f(6), 0, false); // dropped: skipping
  assert.deepEqual(events.skips, [0]);
  assert.equal(events.drops, 2);
  assert.ok(queue.isSkipping(0));
  queue.push(f(7), 0, true); // keyframe: replaces the stale queued frames
  assert.ok(!queue.isSkipping(0));
  assert.equal(events.drops, 6);
  flush();
  flush();
  assert.deepEqual(
    written.map((b) => b[0]),
    [0, 7],
  );
  assert.equal(events.room, 1, 'room again after being full');
  queue.push(f(8), 0, false);
  flush();
  assert.deepEqual(
    written.map((b) => b[0]),
    [0, 7, 8],
  );
});

test('a late joiner waits for a keyframe; a closed queue sends nothing more', () => {
  const { queue, written, flush } = harness();
  queue.waitForKeyframe(0);
  queue.push(f(1), 0, false);
  queue.push(f(2), 0, true);
  queue.push(f(3), 0, false);
  flush();
  flush();
  assert.deepEqual(
    written.map((b) => b[0]),
    [2, 3],
  );
  queue.close();
  queue.push(f(4), 0, true);
  flush();
  assert.equal(written.length, 2);
});

test('streams skip independently', () => {
  const { queue, written, flush } = harness(8, 1000);
  queue.waitForKeyframe(1);
  queue.push(f(1), 0, true);
  queue.push(f(2), 1, false); // stream 1 waits for its keyframe
  queue.push(f(3), 0, false);
  queue.push(f(4), 1, true);
  flush();
  assert.deepEqual(
    written.map((b) => b[0]),
    [1, 3, 4],
  );
});

test('keyframe requests: at most one per stream per interval, an early one deferred rather than lost', (t) => {
  // A fake clock (performance.now) and fake timers move together: no dependence on scheduling.
  let now = 1_000;
  t.mock.method(performance, 'now', () => now);
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const advance = (ms: number) => {
    now += ms;
    t.mock.timers.tick(ms);
  };
  const sent: [number, string][] = [];
  const requests = new KeyframeRequests(50, (s, r) => sent.push([s, r]));
  requests.request(0, 'late_joiner');
  requests.request(0, 'slow_viewer'); // deferred
  requests.request(0, 'slow_viewer'); // already pending
  requests.request(1, 'late_joiner'); // another stream: its own budget
  assert.deepEqual(sent, [
    [0, 'late_joiner'],
    [1, 'late_joiner'],
  ]);
  advance(49);
  assert.equal(sent.length, 2, 'not before the interval is over');
  advance(1);
  assert.deepEqual(sent.at(-1), [0, 'slow_viewer'], 'the deferred request at the end of the interval');
  assert.equal(sent.length, 3);
  advance(30); // 30 ms after the deferred one went out: still within its interval
  requests.request(0, 'viewer'); // deferred again...
  requests.satisfied(0); // ...but a keyframe went through meanwhile
  advance(100);
  assert.equal(sent.length, 3, 'a satisfied deferred request is not sent');
  requests.request(0, 'viewer'); // the interval is long over: at once
  assert.deepEqual(sent.at(-1), [0, 'viewer']);
  assert.equal(sent.length, 4);
  requests.clear();
});
