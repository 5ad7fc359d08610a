import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppConfigError, AppConfigLoader } from '../src/AppConfig.ts';

test('baked settings with defaults, environment overrides, every problem named', () => {
  const c = AppConfigLoader.load({ allowedRelays: ['https://relay.example.com'] }, {});
  assert.deepEqual(c, { allowedRelays: ['https://relay.example.com'], localPriorityMs: 1500, borderPx: 5 });
  const o = AppConfigLoader.load(c, {
    SIGHTLINE_DESKTOP_RELAYS: 'https://a.example.com, https://b.example.com',
    SIGHTLINE_DESKTOP_LOCAL_PRIORITY_MS: '800',
  });
  assert.deepEqual(o.allowedRelays, ['https://a.example.com', 'https://b.example.com']);
  assert.equal(o.localPriorityMs, 800);
  assert.throws(
    () => AppConfigLoader.load({}, {}),
    (e: unknown) => e instanceof AppConfigError && /allowedRelays/.test(e.message),
  );
  assert.throws(
    () => AppConfigLoader.load({ allowedRelays: ['ftp://x'], localPriorityMs: 5 }, {}),
    (e: unknown) =>
      e instanceof AppConfigError && /allowedRelays\.0/.test(e.message) && /localPriorityMs/.test(e.message),
  );
});
