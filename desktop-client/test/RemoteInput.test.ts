// RemoteInput's mapping and its release-on-close rule with a recording sink (the Xvfb suite checks
// the same against a real X server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControlGate } from '../src/ControlGate.ts';
import { RemoteInput } from '../src/RemoteInput.ts';
import type { InputSink, XButton } from '../src/types.ts';

function setUp() {
  const calls: string[] = [];
  const sink: InputSink = {
    move: (x, y) => void calls.push(`move ${x},${y}`),
    button: (b: XButton, down) => void calls.push(`button ${b} ${down ? 'down' : 'up'}`),
    key: (code, down) => (calls.push(`key ${code} ${down ? 'down' : 'up'}`), code !== 'Unknown'),
    close: async () => {},
  };
  const clock = { t: 0, now: () => clock.t };
  const gate = new ControlGate({ clock, suspendMs: 1000 });
  const input = new RemoteInput({ sink, gate, keycodeOf: (c) => c.length });
  input.monitor = { x: 1280, y: 0, width: 1280, height: 800 };
  gate.granted('p_a');
  return { calls, gate, input, clock };
}

test('pointer fractions land inside the monitor; buttons and wheel map to X buttons', () => {
  const { calls, input } = setUp();
  input.handle('p_a', { kind: 'pointer', action: 'down', x: 1, y: 1, button: 2 });
  input.handle('p_a', { kind: 'pointer', action: 'up', x: 1, y: 1, button: 2 });
  input.handle('p_a', { kind: 'pointer', action: 'wheel', x: 0, y: 0, deltaY: 200 });
  input.handle('p_a', { kind: 'pointer', action: 'wheel', x: 0, y: 0, deltaY: -40 });
  assert.deepEqual(calls, [
    'move 2559,799',
    'button 3 down',
    'button 3 up',
    'move 1280,0',
    'button 5 down',
    'button 5 up',
    'button 5 down',
    'button 5 up',
    'button 4 down',
    'button 4 up',
  ]);
});

test('input from anyone but the controller, or while suspended, is dropped', () => {
  const { calls, input, gate } = setUp();
  assert.equal(input.handle('p_b', { kind: 'pointer', action: 'move', x: 0.5, y: 0.5 }), false);
  gate.localActivity();
  assert.equal(input.handle('p_a', { kind: 'pointer', action: 'move', x: 0.5, y: 0.5 }), false);
  assert.deepEqual(calls, []);
  assert.deepEqual(input.counts, { injected: 0, dropped: 2 });
});

test('modifiers follow the event, and closing the gate releases whatever is held', () => {
  const { calls, input, gate } = setUp();
  input.handle('p_a', { kind: 'key', action: 'down', key: 'A', code: 'KeyA', modifiers: ['Shift', 'Control'] });
  input.handle('p_a', { kind: 'pointer', action: 'down', x: 0, y: 0, button: 0 });
  assert.deepEqual(input.injected().keys, new Set([9, 11, 4]));
  gate.takeBack();
  assert.deepEqual(calls.slice(-5), [
    'button 1 down',
    'key ShiftLeft up',
    'key ControlLeft up',
    'key KeyA up',
    'button 1 up',
  ]);
  input.handle('p_a', { kind: 'key', action: 'up', key: 'A', code: 'KeyA', modifiers: [] });
  assert.equal(calls.filter((c) => c === 'key KeyA up').length, 1, 'nothing released twice');
});
