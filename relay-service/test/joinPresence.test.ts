// Presence before joining, over real HTTP and WebSockets: the join page reports "entering details",
// "reading the consent" and "declined" with only the key or link (POST /api/join/presence). The agents
// are told; the person becomes no attendee; a wrong key is refused as a lookup is; declining is logged once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, startStack } from './helpers/stack.ts';
import { TestClient } from './helpers/wsClient.ts';

test('the join page tells the agents where the customer is before joining, and nobody becomes an attendee', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  const created = (await (
    await stack.api('/api/sessions', {
      method: 'POST',
      jar,
      body: { crm: 'salesforce', recordId: DEMO.salesforce.cases.printer },
    })
  ).json()) as { sessionId: string; key: string };
  const ticket = (await (
    await stack.api(`/api/sessions/${created.sessionId}/ticket`, { method: 'POST', jar, body: {} })
  ).json()) as { ticket: string; wsUrl: string };
  const host = await TestClient.connect(ticket.wsUrl, ticket.ticket);
  t.after(() => host.close());
  const report = (body: object) => stack.api('/api/join/presence', { method: 'POST', body });

  assert.equal((await report({ key: created.key, state: 'details' })).status, 204);
  assert.deepEqual(await host.waitFor('presence'), {
    type: 'presence',
    participantId: '',
    name: 'The customer',
    state: 'details',
  });
  assert.equal((await report({ key: created.key, state: 'consent', name: 'Jane Customer' })).status, 204);
  await host.waitFor('presence', (m) => m.state === 'consent' && m.name === 'Jane Customer');

  // Refused as a lookup would be, and strict: no made-up states or fields, no wrong key.
  assert.equal((await report({ key: '000000', state: 'details' })).status, 404);
  assert.equal((await report({ key: created.key, state: 'choosing_screen' })).status, 400);
  assert.equal((await report({ key: created.key, state: 'details', participantId: 'p_x' })).status, 400);
  assert.equal((await report({ state: 'details' })).status, 400);

  // Declining is logged, once however often it is sent.
  assert.equal((await report({ key: created.key, state: 'declined', name: 'Jane Customer' })).status, 204);
  const logged = await host.waitFor('log', (m) => m.entry.kind === 'consent');
  assert.deepEqual([logged.entry.actor, logged.entry.text], ['Jane Customer', 'declined to share before joining']);
  assert.equal((await report({ key: created.key, state: 'declined', name: 'Jane Customer' })).status, 204);
  await host.waitFor('presence', (m) => m.state === 'declined');
  host.send({ type: 'note', text: 'marker' });
  await host.waitFor('log', (m) => m.entry.text === 'marker');
  const consentLines = host.messages.filter((m) => m.type === 'log' && m.entry.kind === 'consent');
  assert.equal(consentLines.length, 1, 'one log line for declining');

  // Nobody joined: the host is alone in the session, which is still waiting.
  const details = (await (await stack.api(`/api/sessions/${created.sessionId}`, { jar })).json()) as {
    session: { status: string; participants: { role: string }[]; lobby: unknown[] };
  };
  assert.equal(details.session.status, 'waiting');
  assert.deepEqual(
    details.session.participants.map((p) => p.role),
    ['host'],
  );
  assert.deepEqual(details.session.lobby, []);
});
