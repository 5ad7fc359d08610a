// Uninvited CRM users, over real HTTP to the relay and from the relay through jsforce / the Table API
// to the CRM sandbox: hosting needs the package's permission (Salesforce permission set with the
// Sightline_Start_Sessions custom permission, ServiceNow's x_sightline_share.agent role), and a
// session's console opens only to its host and the person the host invited, never by the id alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, startStack } from './helpers/stack.ts';
import { signIn } from './helpers/signIn.ts';
import { TestClient } from './helpers/wsClient.ts';

const CASE = DEMO.salesforce.cases.printer;
const SF = DEMO.salesforce.users;

test('a sales user may not host, and an uninvited user gets no ticket by the session id', async (t) => {
  const stack = await startStack(t);
  const sign = async (crm: 'salesforce' | 'servicenow', user: { username: string; password: string }) => {
    const { jar, final } = await signIn(stack.relay.url, crm, user);
    assert.equal(final.status, 303);
    return jar;
  };
  const sales = await sign('salesforce', SF.sales);
  const refused = await stack.api('/api/sessions', {
    method: 'POST',
    jar: sales,
    body: { crm: 'salesforce', recordId: CASE },
  });
  assert.equal(refused.status, 403);
  assert.equal(((await refused.json()) as { error: string }).error, 'not_permitted');

  // The manager holds the Agent permission set too: may host.
  const manager = await sign('salesforce', SF.manager);
  const own = await stack.api('/api/sessions', {
    method: 'POST',
    jar: manager,
    body: { crm: 'salesforce', recordId: CASE },
  });
  assert.equal(own.status, 201);

  const agent = await stack.signInAgent();
  const created = (await (
    await stack.api('/api/sessions', { method: 'POST', jar: agent, body: { crm: 'salesforce', recordId: CASE } })
  ).json()) as { sessionId: string };
  // The sales user can read the Case and knows the id: still nothing.
  for (const path of ['ticket', 'invite', 'end']) {
    const res = await stack.api(`/api/sessions/${created.sessionId}/${path}`, { method: 'POST', jar: sales, body: {} });
    assert.equal(res.status, 404, `${path} by the id alone`);
  }
  assert.equal((await stack.api(`/api/sessions/${created.sessionId}`, { jar: sales })).status, 404);

  // The host invites the sales user by their CRM email: now their own ticket, bound to them.
  const hostTicket = (await (
    await stack.api(`/api/sessions/${created.sessionId}/ticket`, { method: 'POST', jar: agent, body: {} })
  ).json()) as { ticket: string; wsUrl: string };
  const host = await TestClient.connect(hostTicket.wsUrl, hostTicket.ticket);
  host.send({ type: 'invite-agent', email: SF.sales.email });
  await host.waitFor('log', (m) => m.entry.kind === 'invite');
  // The emailed console link carries the sales user's one-time invitation token (in the fragment).
  const linkPattern = new RegExp(`/console/${created.sessionId}#invitation=([A-Za-z0-9_-]{22,64})`);
  let link: RegExpMatchArray | null = null;
  for (let i = 0; i < 100 && !link; i++) {
    link = (await stack.sandboxPage(stack.sandbox.salesforceUrl, '/outbox')).match(linkPattern);
    if (!link) await new Promise((ok) => setTimeout(ok, 50));
  }
  assert.ok(link, 'the invitation email holds the console link with its token');
  const invitation = link[1]!;
  assert.doesNotMatch(invitation, /^00D|!/, 'an invitation token, not a CRM access token');
  const ticketFor = (jar: typeof sales, body: object) =>
    stack.api(`/api/sessions/${created.sessionId}/ticket`, { method: 'POST', jar, body });
  assert.equal((await ticketFor(sales, {})).status, 404, 'invited, but the session id alone still opens nothing');
  assert.equal((await ticketFor(manager, { invitation })).status, 404, 'the invitation is bound to the sales user');
  assert.equal((await ticketFor(sales, { invitation: 'x'.repeat(32) })).status, 404, 'a made-up token');
  const invited = await ticketFor(sales, { invitation });
  assert.equal(invited.status, 200);
  assert.equal((await ticketFor(manager, { invitation })).status, 404, 'spent: it opens nothing for anyone else');
  const ticket = (await invited.json()) as { ticket: string; wsUrl: string };
  const welcome = await TestClient.connect(ticket.wsUrl, ticket.ticket);
  assert.equal(welcome.messages[0]?.type === 'welcome' && welcome.messages[0].role, 'agent');
  welcome.close();
  host.close();
});

test('ServiceNow: hosting needs the x_sightline_share.agent role (the manager has it by containment)', async (t) => {
  const stack = await startStack(t);
  const incident = DEMO.servicenow.incidents.vpn.id;
  for (const [key, status] of [
    ['sales', 403],
    ['manager', 201],
    ['agent', 201],
  ] as const) {
    const { jar } = await signIn(stack.relay.url, 'servicenow', DEMO.servicenow.users[key]);
    const res = await stack.api('/api/sessions', {
      method: 'POST',
      jar,
      body: { crm: 'servicenow', recordId: incident },
    });
    assert.equal(res.status, status, `${key} starting a session`);
  }
});
