import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MonitorChooser, type DisplayInfo } from '../src/MonitorChooser.ts';

const displays: DisplayInfo[] = [
  { id: 11, label: 'DELL U2720Q', bounds: { x: 1280, y: 0, width: 1280, height: 720 }, scaleFactor: 2, primary: false },
  { id: 7, label: '', bounds: { x: 0, y: 0, width: 1280, height: 800 }, scaleFactor: 1, primary: true },
];

test('joins displays and capture sources by display id, primary first, bounds in physical pixels', () => {
  const choices = MonitorChooser.choices(displays, [
    { id: 'screen:0:0', name: 'Screen 1', displayId: '7', thumbnail: 'data:a' },
    { id: 'screen:1:0', name: 'Screen 2', displayId: '11', thumbnail: 'data:b' },
  ]);
  assert.deepEqual(
    choices.map((c) => [c.id, c.label, c.sourceId, c.bounds]),
    [
      ['7', 'Screen 2', 'screen:0:0', { x: 0, y: 0, width: 1280, height: 800 }],
      ['11', 'DELL U2720Q', 'screen:1:0', { x: 2560, y: 0, width: 2560, height: 1440 }],
    ],
  );
});

test('a display without a capture source is not offered; without ids sources follow display order', () => {
  assert.equal(
    MonitorChooser.choices(displays, [{ id: 'screen:0:0', name: 'S', displayId: '7', thumbnail: '' }]).length,
    1,
  );
  const byOrder = MonitorChooser.choices(displays, [
    { id: 'screen:a', name: 'A', displayId: '', thumbnail: '' },
    { id: 'screen:b', name: 'B', displayId: '', thumbnail: '' },
  ]);
  assert.deepEqual(
    byOrder.map((c) => [c.id, c.sourceId]),
    [
      ['7', 'screen:b'],
      ['11', 'screen:a'],
    ],
  );
});
