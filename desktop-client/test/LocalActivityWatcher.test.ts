// The comparison logic with a scripted probe (the Xvfb suite drives it against a real display).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalActivityWatcher, type InjectedState } from '../src/LocalActivityWatcher.ts';

function setUp() {
  const device = { pointer: { x: 0, y: 0 }, keys: new Set<number>() };
  let injected: InjectedState = { pointer: null, keys: new Set() };
  let activity = 0;
  const watcher = new LocalActivityWatcher({
    probe: {
      pointer: async () => ({ ...device.pointer }),
      keysDown: async () => new Set(device.keys),
      keycodeOf: () => null,
    },
    injected: () => injected,
    onActivity: () => activity++,
  });
  return {
    device,
    watcher,
    inject: (s: InjectedState) => (injected = s),
    get activity() {
      return activity;
    },
  };
}

test('the pointer where remote input put it, or still, is not local activity', async () => {
  const s = setUp();
  assert.equal(await s.watcher.poll(), false);
  s.device.pointer = { x: 50, y: 60 };
  s.inject({ pointer: { x: 50, y: 60 }, keys: new Set() });
  assert.equal(await s.watcher.poll(), false);
  assert.equal(await s.watcher.poll(), false);
});

test('the pointer moving away from where remote input left it is local activity, once per movement', async () => {
  const s = setUp();
  s.inject({ pointer: { x: 50, y: 60 }, keys: new Set() });
  s.device.pointer = { x: 50, y: 60 };
  await s.watcher.poll();
  s.device.pointer = { x: 70, y: 60 };
  assert.equal(await s.watcher.poll(), true);
  assert.equal(await s.watcher.poll(), false, 'resting where the customer left it');
  s.device.pointer = { x: 90, y: 60 };
  assert.equal(await s.watcher.poll(), true);
  assert.equal(s.activity, 2);
});

test('a key held that remote input did not press is local activity', async () => {
  const s = setUp();
  s.inject({ pointer: null, keys: new Set([38]) });
  s.device.keys = new Set([38]);
  assert.equal(await s.watcher.poll(), false);
  s.device.keys = new Set([38, 50]);
  assert.equal(await s.watcher.poll(), true);
});
