// The "Start Screen Share" UI action's client script in a vm with only what a scoped client script
// has (g_form, g_scratchpad, g_navigation): no `window`, no fetch. It opens the relay's sign-in
// window for this incident through the platform's navigation API.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const script = readFileSync(new URL('../src/fluent/ui-action/start-screen-share.client.js', import.meta.url), 'utf8');
const RELAY = 'http://relay.test';
const SYS_ID = '1ac1de17000000000000000000000001';

function form({ relayUrl = `${RELAY}/`, sysId = SYS_ID } = {}) {
  const errors: string[] = [];
  const popups: { url: string; name: string; features: string; noStack: boolean }[] = [];
  const context = vm.createContext({
    g_scratchpad: { x_sightline_share_relay_url: relayUrl },
    g_form: { getUniqueValue: () => sysId, addErrorMessage: (m: string) => errors.push(m) },
    g_navigation: {
      openPopup: (url: string, name: string, features: string, noStack: boolean) =>
        popups.push({ url, name, features, noStack }),
    },
  });
  vm.runInContext(script, context);
  const run = () => vm.runInContext('sightlineStartScreenShare()', context) as boolean;
  return { errors, popups, run };
}

describe('UI action: Start Screen Share', () => {
  test('opens the relay sign-in for this incident with g_navigation.openPopup, touching no window', () => {
    const f = form();
    assert.equal(f.run(), false, 'the form is not submitted');
    assert.equal(f.popups.length, 1);
    assert.equal(f.popups[0]!.url, `${RELAY}/auth/servicenow?start=${SYS_ID}`);
    assert.equal(f.popups[0]!.name, `sightline-console-${SYS_ID}`);
    assert.deepEqual(f.errors, []);
  });

  test('a missing relay URL or an unsaved record is reported on the form', () => {
    const noRelay = form({ relayUrl: '' });
    noRelay.run();
    assert.equal(noRelay.popups.length, 0);
    assert.match(noRelay.errors[0]!, /relay URL/);
    const unsaved = form({ sysId: '-1' });
    unsaved.run();
    assert.equal(unsaved.popups.length, 0);
    assert.match(unsaved.errors[0]!, /save the incident/);
  });
});
