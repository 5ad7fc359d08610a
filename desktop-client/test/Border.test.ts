import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Border, BORDER_COLORS } from '../src/Border.ts';

const RIGHT = { x: 1280, y: 0, width: 1280, height: 800 };

test('four strips frame the whole monitor without overlapping, the bar sits top centre', () => {
  const layout = new Border({ thickness: 4, bar: { width: 420, height: 40 } }).layout(RIGHT, 'visible')!;
  assert.equal(layout.color, BORDER_COLORS.visible);
  const [top, bottom, left, right] = layout.edges;
  assert.deepEqual(top, { x: 1280, y: 0, width: 1280, height: 4 });
  assert.deepEqual(bottom, { x: 1280, y: 796, width: 1280, height: 4 });
  assert.deepEqual(left, { x: 1280, y: 4, width: 4, height: 792 });
  assert.deepEqual(right, { x: 2556, y: 4, width: 4, height: 792 });
  const area = layout.edges.reduce((a, r) => a + r.width * r.height, 0);
  assert.equal(area, 1280 * 800 - 1272 * 792, 'exactly the frame');
  assert.deepEqual(layout.bar, { x: 1280 + 430, y: 4, width: 420, height: 40 });
  assert.deepEqual(layout.actions, ['pause', 'stop', 'leave']);
});

test('red with Take back control while controlled; resume while paused; nothing when hidden', () => {
  const border = new Border();
  const controlled = border.layout(RIGHT, 'controlled')!;
  assert.equal(controlled.color, BORDER_COLORS.controlled);
  assert.deepEqual(controlled.actions, ['pause', 'stop', 'take-back', 'leave']);
  assert.deepEqual(border.layout(RIGHT, 'paused')!.actions, ['resume', 'stop', 'leave']);
  assert.equal(border.layout(RIGHT, 'hidden'), null);
});

test('a small monitor keeps the bar inside it', () => {
  const layout = new Border({ thickness: 6, bar: { width: 420, height: 40 } }).layout(
    { x: -300, y: 0, width: 300, height: 200 },
    'visible',
  )!;
  assert.ok(layout.bar.x >= -300 && layout.bar.x + layout.bar.width <= 0);
});
