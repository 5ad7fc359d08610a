import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControlGate, type GateState } from '../src/ControlGate.ts';

const setUp = () => {
  const clock = { t: 0, now: () => clock.t };
  const gate = new ControlGate({ clock, suspendMs: 2000 });
  const states: GateState[] = [];
  gate.onChange((s) => states.push(s));
  return { clock, gate, states };
};

test('closed until granted; only the granted participant passes', () => {
  const { gate } = setUp();
  assert.equal(gate.allows('p_agent'), false);
  gate.granted('p_agent');
  assert.equal(gate.allows('p_agent'), true);
  assert.equal(gate.allows('p_other'), false);
});

test('taking back closes at once, whatever the relay still says, until the relay agrees', () => {
  const { gate, states } = setUp();
  gate.granted('p_agent');
  gate.takeBack();
  assert.equal(gate.state, 'closed');
  gate.relayController('p_agent'); // a state sent before the relay saw the revoke
  assert.equal(gate.allows('p_agent'), false);
  gate.relayController(null);
  gate.relayController('p_agent'); // a later grant the relay confirms (e.g. granted from another window)
  assert.equal(gate.allows('p_agent'), true);
  assert.deepEqual(states, ['open', 'closed', 'closed', 'open']);
});

test('the relay revoking (agent left, presenter lost) closes the gate', () => {
  const { gate } = setUp();
  gate.granted('p_agent');
  gate.relayController(null);
  assert.equal(gate.state, 'closed');
});

test('local activity suspends for the configured moment, and each new activity extends it', () => {
  const { gate, clock, states } = setUp();
  gate.granted('p_agent');
  clock.t = 100;
  gate.localActivity();
  assert.equal(gate.state, 'suspended');
  assert.equal(gate.allows('p_agent'), false);
  clock.t = 1500;
  gate.localActivity();
  clock.t = 3400;
  assert.equal(gate.state, 'suspended');
  clock.t = 3500;
  assert.equal(gate.state, 'open');
  assert.deepEqual(states, ['open', 'suspended']);
});
