import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerSelector } from '../src/routing/LayerSelector.ts';
import { StreamRates } from '../src/routing/StreamRates.ts';

/** Stream 0 with one rendition, stream 1 (a tenth of its rate); stream 5 has none. */
function harness() {
  const clock = { now: 0 };
  const state = {
    link: null as number | null,
    rates: new Map([
      [0, 500_000],
      [1, 25_000],
    ]),
  };
  const wanted: number[] = [];
  const left: number[] = [];
  const group = [0, 1] as const;
  const layers = new LayerSelector({
    layersOf: (s) => (s === 0 || s === 1 ? group : undefined),
    streamRate: (s) => state.rates.get(s) ?? 0,
    keyframeBytes: (s) => (s === 0 ? 200_000 : 20_000),
    linkRate: () => state.link,
    now: () => clock.now,
    want: (s) => wanted.push(s),
    leave: (s) => left.push(s),
    upHeadroom: 1.5,
    holdMs: 5000,
    probeCostMs: 1000,
    checkEveryMs: 250,
  });
  return { layers, clock, state, wanted, left };
}

test('a stream without renditions always goes through', () => {
  const { layers } = harness();
  assert.equal(layers.accept(5, false), true);
  assert.equal(layers.chosen(5), undefined);
});

test('a viewer starts on the highest rendition at its keyframe and gets nothing of the others', () => {
  const { layers } = harness();
  assert.equal(layers.chosen(1), 0);
  assert.equal(layers.accept(0, false), false, 'no delta before its first keyframe');
  assert.equal(layers.accept(1, true), false, 'not the chosen rendition');
  assert.equal(layers.accept(0, true), true);
  assert.equal(layers.accept(0, false), true);
  assert.equal(layers.accept(1, false), false);
});

test('a skip steps down: the keyframe asked for is the smaller rendition, the larger one stops at once', () => {
  const { layers, left } = harness();
  layers.accept(0, true);
  assert.equal(layers.skipped(0), 1);
  assert.equal(layers.accept(0, true), false, 'not even a keyframe of the rendition that did not fit');
  assert.equal(layers.accept(0, false), false);
  assert.equal(layers.accept(1, false), false, 'the smaller one starts at its keyframe');
  assert.equal(layers.accept(1, true), true);
  assert.deepEqual(left, [0], 'the queue forgets the larger rendition');
  assert.equal(layers.accept(1, false), true);
  assert.equal(layers.skipped(1), 1, 'the lowest rendition has nothing below it');
});

test('a link slower than the rendition it gets steps down and asks for the smaller keyframe itself', () => {
  const { layers, clock, state, wanted } = harness();
  layers.accept(0, true);
  state.link = 50_000; // a tenth of stream 0
  clock.now = 300;
  assert.equal(layers.accept(0, false), false);
  assert.deepEqual(wanted, [1]);
  assert.equal(layers.chosen(0), 0, 'still on the larger one until the smaller keyframe');
  assert.equal(layers.accept(1, true), true);
  assert.equal(layers.chosen(0), 1);
});

test('up again only with headroom over the higher rate, not within the hold, at its keyframe', () => {
  const { layers, clock, state, wanted } = harness();
  layers.accept(0, true);
  layers.skipped(0);
  layers.accept(1, true);
  state.link = 150_000; // too slow to probe with stream 0's 200 kB keyframe (1.3 s)
  clock.now = 6000;
  layers.accept(1, false);
  assert.deepEqual(wanted, []);
  state.link = 800_000;
  clock.now = 6300;
  assert.equal(layers.accept(1, false), true, 'the smaller one flows until the larger keyframe');
  assert.deepEqual(wanted, [0]);
  assert.equal(layers.accept(0, false), false);
  assert.equal(layers.accept(0, true), true);
  assert.equal(layers.accept(1, false), false);
});

test('a link that reads too slow but would take the keyframe within the probe cost is probed, backing off', () => {
  const { layers, clock, state, wanted } = harness();
  layers.accept(0, true);
  layers.skipped(0); // down at 0: the first probe is due after the hold
  layers.accept(1, true);
  state.link = 300_000; // under stream 0's rate, but its keyframe takes 0.67 s
  clock.now = 4900;
  layers.accept(1, false);
  assert.deepEqual(wanted, []);
  clock.now = 5200;
  layers.accept(1, false);
  assert.deepEqual(wanted, [0], 'the probe');
  layers.accept(0, true);
  clock.now = 6000;
  assert.equal(layers.skipped(0), 1, 'the probe failed');
  layers.accept(1, true);
  clock.now = 6000 + 9900;
  layers.accept(1, false);
  assert.deepEqual(wanted, [0], 'the next probe waits twice as long');
  clock.now = 6000 + 10_200;
  layers.accept(1, false);
  assert.deepEqual(wanted, [0, 0]);
});

test('no step up within the hold after a step down', () => {
  const { layers, clock, state, wanted } = harness();
  layers.accept(0, true);
  clock.now = 1000;
  layers.skipped(0);
  layers.accept(1, true);
  state.link = 10_000_000;
  clock.now = 5900;
  layers.accept(1, false);
  assert.deepEqual(wanted, []);
  clock.now = 6200; // checked at most every 250 ms
  layers.accept(1, false);
  assert.deepEqual(wanted, [0]);
});

test('a skip of the smaller rendition while stepping up cancels the step', () => {
  const { layers, clock, state, wanted } = harness();
  layers.accept(0, true);
  layers.skipped(0);
  layers.accept(1, true);
  state.link = 10_000_000;
  clock.now = 6000;
  layers.accept(1, false);
  assert.deepEqual(wanted, [0]);
  assert.equal(layers.skipped(1), 1);
  assert.equal(layers.accept(0, true), false, 'the step up was called off');
  assert.equal(layers.accept(1, false), true);
});

test('reset chooses again from the top', () => {
  const { layers } = harness();
  layers.accept(0, true);
  layers.skipped(0);
  layers.accept(1, true);
  layers.reset(0);
  assert.equal(layers.chosen(0), 0);
  assert.equal(layers.accept(1, false), false);
});

test('stream rates: bytes over the span, per stream, forgetting what is older', () => {
  const rates = new StreamRates(2000);
  rates.add(0, 0, 1000, true);
  rates.add(0, 1000, 1000, false);
  rates.add(1, 1000, 100, false);
  assert.equal(rates.keyframeBytes(0), 1000);
  assert.equal(rates.keyframeBytes(1), 0);
  assert.equal(rates.bytesPerSecond(0, 1500), 1000);
  assert.equal(rates.bytesPerSecond(1, 1500), 50);
  assert.equal(rates.bytesPerSecond(0, 2500), 500, 'the first sample left the span');
  assert.equal(rates.bytesPerSecond(0, 3500), 0);
  assert.equal(rates.bytesPerSecond(7, 0), 0);
});
