// Remote control end to end below the shell: a real relay (HTTP + WebSockets), the agent's console
// protocol, the app's ControlSession injecting through XTest into a real Xvfb display, and a real X
// window on the customer's second monitor recording what it receives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handOffResponseSchema, type InputEvent } from '@sightline/relay-service/protocol';
import { startPlainRelay } from '../../relay-service/test/helpers/plainRelay.ts';
import { TestClient } from '../../relay-service/test/helpers/wsClient.ts';
import { HOST } from '../../relay-service/test/helpers/core.ts';
import { XTestInput } from '../src/XTestInput.ts';
import type { Monitor } from '../src/types.ts';
import { openApp } from './helpers/appSide.ts';
import { RecordingWindow } from './helpers/RecordingWindow.ts';
import { startXvfb } from './helpers/xvfb.ts';

/** The customer's two monitors side by side on one 2560x800 X screen, as Electron's screen API reports them. */
const LEFT: Monitor = { id: '1', label: 'Left', bounds: { x: 0, y: 0, width: 1280, height: 800 } };
const RIGHT: Monitor = { id: '2', label: 'Right', bounds: { x: 1280, y: 0, width: 1280, height: 800 } };

class ManualClock {
  t = 1_000_000;
  now() {
    return this.t;
  }
}

async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done());
}

async function setUp(t: import('node:test').TestContext) {
  const x = await startXvfb(t);
  const relay = await startPlainRelay(t);
  const { sessionId, token } = relay.createSession();
  const host = await TestClient.connect(
    relay.relay.url.replace('http', 'ws') + '/ws',
    relay.relay.registry.agentTicket(sessionId, HOST).ticket,
  );
  t.after(() => host.close());
  const handOff = handOffResponseSchema.parse(await (await relay.post('/api/desktop/handoff', { token })).json());
  const input = await XTestInput.open(x.display);
  t.after(() => input.close());
  const clock = new ManualClock();
  const app = await openApp({ appUrl: handOff.appUrl, allowedRelays: [relay.url], input, suspendMs: 1500, clock });
  t.after(() => app.close());
  // The customer's application window, on the right-hand monitor.
  const win = await RecordingWindow.open(x.display, { x: 1280 + 200, y: 100, width: 600, height: 400 });
  t.after(() => win.close());
  await app.share(RIGHT);
  return { x, relay, sessionId, host, app, win, input, clock };
}

async function grant(host: TestClient, app: Awaited<ReturnType<typeof openApp>>) {
  host.send({ type: 'control-request' });
  const request = await app.waitForRequest();
  assert.equal(request.fromName, 'Alex Agent', 'the app shows who asks');
  assert.equal(app.control.gateState, 'closed', 'nothing is injected before the customer says yes');
  app.control.grant();
  await host.waitForSession((s) => s.controllerId === request.from);
  return request.from;
}

const pointer = (action: 'move' | 'down' | 'up', x: number, y: number, button = 0): InputEvent => ({
  kind: 'pointer',
  action,
  x,
  y,
  button,
});
const key = (
  action: 'down' | 'up',
  code: string,
  modifiers: ('Shift' | 'Control' | 'Alt' | 'Meta')[] = [],
): InputEvent => ({
  kind: 'key',
  action,
  key: code,
  code,
  modifiers,
});

test('the agent clicks at monitor coordinates and types letters, digits, punctuation, modifiers and editing keys', async (t) => {
  const { host, app, win, input } = await setUp(t);
  const agentId = await grant(host, app);
  assert.ok(agentId);

  // 25% / 50% of the right-hand monitor is root (1280 + 320, 400): inside the window at (120, 300).
  for (const e of [pointer('move', 0.25, 0.5), pointer('down', 0.25, 0.5), pointer('up', 0.25, 0.5)])
    host.send({ type: 'input', event: e });
  host.send({ type: 'input', event: pointer('down', 0.5, 0.5, 2) });
  host.send({ type: 'input', event: pointer('up', 0.5, 0.5, 2) });
  const presses = await win.waitFor('ButtonPress', 2);
  assert.deepEqual(
    presses.map((p) => [p.button, p.rootX, p.rootY, p.x, p.y]),
    [
      [1, 1600, 400, 120, 300],
      [3, 1920, 400, 440, 300],
    ],
  );

  const typed: [string, ('Shift' | 'Control' | 'Alt' | 'Meta')[]][] = [
    ['KeyH', ['Shift']],
    ['KeyI', []],
    ['Digit1', ['Shift']],
    ['Digit7', []],
    ['Comma', []],
    ['Slash', []],
    ['Semicolon', []],
    ['KeyA', ['Control']],
    ['KeyB', ['Alt']],
    ['Backspace', []],
    ['Tab', []],
    ['Enter', []],
    ['ArrowLeft', []],
    ['ArrowUp', []],
  ];
  for (const [code, mods] of typed) {
    host.send({ type: 'input', event: key('down', code, mods) });
    host.send({ type: 'input', event: key('up', code, mods) });
  }
  // The modifiers follow the agent's state: a last key without modifiers releases them.
  const nonModifier = (e: { keycode?: number }) =>
    !['ShiftLeft', 'ControlLeft', 'AltLeft'].some((c) => input.keycodeOf(c) === e.keycode);
  const keyPresses = (await win.waitFor('KeyPress', typed.length + 4)).filter(nonModifier);
  const MASK = { Shift: 1, Control: 4, Alt: 8, Meta: 64 } as const;
  assert.deepEqual(
    keyPresses.map((k) => [k.keycode, k.state & (1 | 4 | 8)]),
    typed.map(([code, mods]) => [input.keycodeOf(code), mods.reduce((s, m) => s | MASK[m], 0)]),
  );
  assert.equal(app.control.counts.dropped, 0);
});

test('after the customer takes control back nothing more arrives, even what the relay still forwards', async (t) => {
  const { host, app, win, sessionId, relay } = await setUp(t);
  await grant(host, app);
  host.send({ type: 'input', event: pointer('down', 0.3, 0.3) });
  host.send({ type: 'input', event: pointer('up', 0.3, 0.3) });
  await win.waitFor('ButtonPress', 1);

  app.control.takeBack();
  assert.equal(app.control.gateState, 'closed', 'closed at once, before the relay confirms');
  // These race the revoke: the relay may still forward some; the app injects none of them.
  for (let i = 0; i < 20; i++) host.send({ type: 'input', event: pointer(i % 2 ? 'up' : 'down', 0.4, 0.4) });
  await host.waitForSession((s) => s.controllerId === null);
  const refused = await host.waitFor('error', (m) => m.ref === 'input');
  assert.match(refused.message, /has not given you control/);
  // A round trip through the relay and the app's socket: everything sent before has been handled.
  host.send({ type: 'ping', t: 1 });
  await host.waitFor('pong');
  app.send({ type: 'ping', t: 2 });
  await waitUntil(() => app.messages.some((m) => m.type === 'pong'));
  await win.sync();
  assert.equal(win.of('ButtonPress').length, 1, 'no click after take-back');
  assert.equal(win.of('KeyPress').length, 0);
  // The session log (what the CRM gets at the end) has the grant and the revoke.
  const texts = host.messages.flatMap((m) => (m.type === 'log' && m.entry.kind === 'control' ? [m.entry.text] : []));
  assert.deepEqual(texts, ['asked for control', 'granted control to Alex Agent', 'revoked control from Alex Agent']);
  assert.ok(relay.relay.registry.get(sessionId));
});

test('local mouse activity suspends remote input for the configured moment, then it resumes', async (t) => {
  const { x, host, app, win, clock } = await setUp(t);
  await grant(host, app);
  host.send({ type: 'input', event: pointer('move', 0.5, 0.5) });
  host.send({ type: 'input', event: pointer('down', 0.5, 0.5) });
  host.send({ type: 'input', event: pointer('up', 0.5, 0.5) });
  await win.waitFor('ButtonPress', 1);

  // The customer's own mouse: another X client moving the real pointer.
  const local = await XTestInput.open(x.display);
  t.after(() => local.close());
  local.move(1500, 300);
  await app.waitForGate('suspended');
  host.send({ type: 'input', event: pointer('down', 0.6, 0.6) });
  host.send({ type: 'input', event: pointer('up', 0.6, 0.6) });
  host.send({ type: 'input', event: key('down', 'KeyZ') });
  host.send({ type: 'input', event: key('up', 'KeyZ') });
  host.send({ type: 'ping', t: 1 });
  await host.waitFor('pong');
  app.send({ type: 'ping', t: 2 });
  await waitUntil(() => app.messages.some((m) => m.type === 'pong'));
  await win.sync();
  assert.equal(win.of('ButtonPress').length, 1, 'remote clicks are held back while the customer moves the mouse');
  assert.equal(win.of('KeyPress').length, 0);
  assert.ok(app.control.counts.dropped >= 4);

  clock.t += 1500;
  assert.equal(app.control.gateState, 'open', 'after the configured moment remote input flows again');
  host.send({ type: 'input', event: pointer('down', 0.25, 0.25) });
  host.send({ type: 'input', event: pointer('up', 0.25, 0.25) });
  const presses = await win.waitFor('ButtonPress', 2);
  assert.deepEqual([presses[1]!.rootX, presses[1]!.rootY], [1280 + 320, 200]);

  // The customer's own keyboard suspends it as well.
  local.key('KeyL', true);
  await app.waitForGate('suspended');
  local.key('KeyL', false);
});

test('input maps onto the chosen monitor: the same fractions land on the left monitor when it is shared', async (t) => {
  const { host, app, x } = await setUp(t);
  const leftWin = await RecordingWindow.open(x.display, { x: 100, y: 100, width: 400, height: 300 });
  t.after(() => leftWin.close());
  app.control.share(LEFT);
  await grant(host, app);
  host.send({ type: 'input', event: pointer('down', 0.25, 0.25) });
  host.send({ type: 'input', event: pointer('up', 0.25, 0.25) });
  const [press] = await leftWin.waitFor('ButtonPress', 1);
  assert.deepEqual([press!.rootX, press!.rootY, press!.x, press!.y], [320, 200, 220, 100]);
});
