import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ViewerQueue, type ViewerQueueOptions } from '../src/routing/ViewerQueue.ts';
import { KeyframeRequests } from '../src/routing/KeyframeRequests.ts';
import { DeliveryRate } from '../src/routing/DeliveryRate.ts';

/** A queue on a fake clock whose "viewer" acknowledges only when the test says so. */
function harness(options: Partial<ViewerQueueOptions> = {}) {
  const clock = { now: 0 };
  const written: Buffer[] = [];
  const events = { skips: [] as number[], drops: 0, sent: 0, room: 0 };
  const queue = new ViewerQueue({
    capacity: 4,
    maxInflightBytes: 1_000_000,
    minWindowBytes: 10,
    targetDelayMs: 250,
    maxPipeMs: 500,
    maxQueueMs: 300,
    now: () => clock.now,
    send: (frame) => written.push(frame),
    onSkip: (s) => events.skips.push(s),
    onDrop: () => events.drops++,
    onSent: () => events.sent++,
    onRoom: () => events.room++,
    ...options,
  });
  /** The viewer acknowledges everything written so far. */
  const ackAll = () => {
    const last = written.at(-1);
    if (last) queue.ack(last[1]!, last[0]!);
  };
  return { queue, written, events, clock, ackAll };
}

/** A 10-byte frame (= the test window) whose first byte is its sequence and second its stream. */
const f = (n: number, stream = 0) => Buffer.from([n, stream, 0, 0, 0, 0, 0, 0, 0, 0]);
const push = (q: ViewerQueue, n: number, key: boolean, stream = 0) => q.push(f(n, stream), stream, n, key);
const seqs = (written: Buffer[]) => written.map((b) => b[0]);

test('frames go out as the very same Buffer objects, in order, while the viewer acknowledges them', () => {
  const { queue, written, ackAll } = harness();
  const frames = [f(1), f(2), f(3)];
  for (const [i, frame] of frames.entries()) {
    queue.push(frame, 0, i + 1, i === 0);
    ackAll();
  }
  assert.equal(written.length, 3);
  for (let i = 0; i < 3; i++) assert.equal(written[i], frames[i], 'no copy');
  assert.equal(queue.inflightBytes, 0);
});

test('what is unacknowledged stays within the window; one frame may always be in flight', () => {
  const { queue, written, ackAll } = harness({ minWindowBytes: 25 });
  push(queue, 1, true);
  push(queue, 2, false);
  push(queue, 3, false); // 30 bytes would exceed the 25-byte window: waits
  assert.deepEqual(seqs(written), [1, 2]);
  assert.equal(queue.inflightBytes, 20);
  assert.equal(queue.ack(0, 1), true); // cumulative: frame 1 only
  assert.deepEqual(seqs(written), [1, 2, 3]);
  ackAll();
  assert.equal(queue.inflightBytes, 0);
  const big = Buffer.alloc(100, 0);
  queue.push(big, 0, 4, false); // larger than the window, but nothing is in flight
  assert.equal(written.at(-1), big);
});

test('an ack of a frame not in flight changes nothing', () => {
  const { queue, written } = harness();
  push(queue, 1, true);
  push(queue, 2, false);
  assert.equal(queue.ack(0, 99), false);
  assert.equal(queue.ack(1, 1), false, 'another stream');
  assert.equal(queue.inflightBytes, 10);
  assert.deepEqual(seqs(written), [1]);
});

test('a frame that waited too long is not sent: the stream skips to a keyframe, asked for when the link has room', () => {
  const { queue, written, events, clock, ackAll } = harness();
  push(queue, 1, true); // in flight, not acknowledged: the link is slow
  clock.now = 10;
  push(queue, 2, false);
  push(queue, 3, false);
  clock.now = 200;
  assert.deepEqual(events.skips, []);
  clock.now = 320; // frames 2 and 3 have waited more than 300 ms
  ackAll();
  assert.deepEqual(seqs(written), [1], 'stale frames are never sent');
  assert.ok(queue.isSkipping(0));
  assert.equal(events.drops, 2);
  assert.deepEqual(events.skips, [0], 'the keyframe is asked for now that the link is free');
  push(queue, 4, false); // a delta without its reference: dropped
  push(queue, 5, true);
  assert.deepEqual(seqs(written), [1, 5]);
  assert.ok(!queue.isSkipping(0));
});

test('nothing more goes out while the oldest unacknowledged frame is older than maxPipeMs', () => {
  const { queue, written, clock, ackAll } = harness({ minWindowBytes: 1000, maxQueueMs: 10_000 });
  push(queue, 1, true);
  clock.now = 400;
  push(queue, 2, false); // within the window and the pipe time: goes out
  clock.now = 501;
  push(queue, 3, false); // frame 1 has been in flight 501 ms: waits
  assert.deepEqual(seqs(written), [1, 2]);
  ackAll();
  assert.deepEqual(seqs(written), [1, 2, 3]);
});

test('a stalled viewer does not make the presenter send keyframes: the request waits for room', () => {
  const { queue, events, clock } = harness({ capacity: 2 });
  push(queue, 1, true); // never acknowledged
  for (let n = 2; n < 50; n++) {
    clock.now += 100;
    push(queue, n, n % 10 === 0);
  }
  assert.deepEqual(events.skips, [], 'no keyframe request while the viewer takes nothing');
  queue.ack(0, 1);
  assert.deepEqual(events.skips, [0], 'one request once it can take the keyframe');
});

test('a full queue drops deltas until the next keyframe, which replaces what is queued', () => {
  const { queue, written, events, ackAll } = harness();
  push(queue, 0, true); // in flight
  for (let i = 1; i <= 4; i++) push(queue, i, false); // queued: the 10-byte window is used
  assert.ok(queue.full);
  push(queue, 5, false); // dropped, and the four queued deltas with it
  push(queue, 6, false); // dropped: skipping
  assert.ok(queue.isSkipping(0));
  assert.equal(events.drops, 6);
  assert.equal(events.room, 1, 'room again after being full');
  push(queue, 7, true);
  assert.ok(!queue.isSkipping(0));
  ackAll();
  push(queue, 8, false);
  ackAll();
  assert.deepEqual(seqs(written), [0, 7, 8]);
  assert.deepEqual(events.skips, [], 'a keyframe came before the link was free: none was asked for');
});

test('a late joiner waits for a keyframe; a closed queue sends nothing more', () => {
  const { queue, written, ackAll } = harness();
  queue.waitForKeyframe(0);
  push(queue, 1, false);
  push(queue, 2, true);
  ackAll();
  push(queue, 3, false);
  ackAll();
  assert.deepEqual(seqs(written), [2, 3]);
  queue.close();
  push(queue, 4, true);
  assert.equal(written.length, 2);
});

test('streams skip independently', () => {
  const { queue, written } = harness({ capacity: 8, minWindowBytes: 1000 });
  queue.waitForKeyframe(1);
  push(queue, 1, true, 0);
  push(queue, 2, false, 1); // stream 1 waits for its keyframe
  push(queue, 3, false, 0);
  push(queue, 4, true, 1);
  assert.deepEqual(seqs(written), [1, 3, 4]);
});

test('the delivery rate counts the time the link was busy, not idle gaps', () => {
  const rate = new DeliveryRate(1000);
  assert.equal(rate.bytesPerSecond(0), null, 'unknown before any ack');
  rate.add(0, 500, 500);
  rate.add(600, 500, 500);
  assert.equal(rate.bytesPerSecond(900), 1000);
  assert.equal(rate.bytesPerSecond(1200), 1000, 'the first sample left the span');
  assert.equal(rate.bytesPerSecond(5000), null);
});

test('the window follows the delivery rate the acks measure', () => {
  // Each 10-byte frame takes the link 10 ms: 1000 B/s, a 250-byte window at 250 ms.
  const { queue, written, clock } = harness({ maxQueueMs: 10_000 });
  for (let n = 0; n < 50; n++) {
    push(queue, n, n === 0);
    clock.now += 10;
    queue.ack(0, n);
  }
  for (let n = 50; n < 80; n++) push(queue, n, false);
  assert.equal(queue.inflightBytes, 250);
  assert.equal(written.length, 75);
  // A fast link (acks within the millisecond) gets the whole window at once.
  const fast = harness({ capacity: 100, maxInflightBytes: 400 });
  push(fast.queue, 0, true);
  fast.queue.ack(0, 0);
  for (let n = 1; n < 60; n++) push(fast.queue, n, false);
  assert.equal(fast.queue.inflightBytes, 400);
});

test('on a link a tenth of the stream, the viewer gets fewer frames and none older than 2 s (120 s simulated)', () => {
  // 4 Mbit/s at 10 frames/s (50 kB frames, a keyframe whenever asked for) into a 50 kB/s link; the
  // viewer acknowledges each frame once its last byte crossed the link.
  const FRAME = 50_000;
  const LINK_BYTES_PER_MS = 50;
  let keyframeAsked = false;
  const sentAt = new Map<number, number>();
  const pipe: { seq: number; left: number }[] = [];
  const ages: number[] = [];
  const clock = { now: 0 };
  const queue = new ViewerQueue({
    capacity: 30,
    maxInflightBytes: 1024 * 1024,
    minWindowBytes: 64 * 1024,
    targetDelayMs: 250,
    maxPipeMs: 500,
    maxQueueMs: 300,
    now: () => clock.now,
    send: (frame) => pipe.push({ seq: frame.readUInt32BE(0), left: frame.byteLength }),
    onSkip: () => (keyframeAsked = true),
    onDrop: () => {},
    onSent: () => {},
    onRoom: () => {},
  });
  let seq = 0;
  for (clock.now = 0; clock.now < 120_000; clock.now++) {
    let budget = LINK_BYTES_PER_MS;
    while (budget > 0 && pipe.length > 0) {
      const head = pipe[0]!;
      const n = Math.min(budget, head.left);
      head.left -= n;
      budget -= n;
      if (head.left === 0) {
        pipe.shift();
        ages.push(clock.now - sentAt.get(head.seq)!);
        queue.ack(0, head.seq);
      }
    }
    if (clock.now % 100 === 0) {
      const key = seq === 0 || keyframeAsked;
      keyframeAsked = false;
      const frame = Buffer.alloc(FRAME);
      frame.writeUInt32BE(seq, 0);
      sentAt.set(seq, clock.now);
      queue.push(frame, 0, seq++, key);
    }
  }
  ages.sort((a, b) => a - b);
  assert.ok(ages.length >= 60, `the slow viewer still sees the screen (${ages.length} frames in 120 s)`);
  assert.ok(ages.length < seq / 5, `it gets fewer frames (${ages.length} of ${seq})`);
  assert.ok(ages.at(-1)! <= 2000, `no frame older than 2 s (oldest ${ages.at(-1)} ms)`);
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
