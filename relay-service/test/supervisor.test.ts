// Supervisors, over real HTTP and WebSockets to the relay and from the relay to the CRM sandbox: the
// package's supervisor permission (Salesforce Sightline_Supervise_Sessions through the Sightline
// Supervisor set, ServiceNow's x_sightline_share.supervisor role) and the host in the supervisor's team
// as the CRM keeps it (User.ManagerId; the groups a ServiceNow user manages). A supervisor watches
// (never presents, points, controls or chats), takes over (becomes host) or ends; everyone sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, startStack, type Stack } from './helpers/stack.ts';
import { signIn } from './helpers/signIn.ts';
import { TestClient } from './helpers/wsClient.ts';
import type { CookieJar } from './helpers/signIn.ts';

const SF = DEMO.salesforce.users;

async function sign(stack: Stack, crm: 'salesforce' | 'servicenow', user: { username: string; password: string }) {
  const { jar, final } = await signIn(stack.relay.url, crm, user);
  assert.equal(final.status, 303);
  return jar;
}

/** A session hosted by `jar` on the record, with its host connected and a guest in it. */
async function liveSession(stack: Stack, jar: CookieJar, crm: 'salesforce' | 'servicenow', recordId: string) {
  const created = (await (
    await stack.api('/api/sessions', { method: 'POST', jar, body: { crm, recordId } })
  ).json()) as { sessionId: string; key: string };
  const joining = await stack.api('/api/join', {
    method: 'POST',
    body: {
      key: created.key,
      contact: { name: 'Jane Customer', email: 'jane.customer@acme.example' },
      acceptedTerms: true,
    },
  });
  assert.equal(joining.status, 201, await joining.clone().text());
  const joined = (await joining.json()) as { ticket: string; wsUrl: string };
  const hostTicket = (await (
    await stack.api(`/api/sessions/${created.sessionId}/ticket`, { method: 'POST', jar, body: {} })
  ).json()) as { ticket: string; wsUrl: string };
  const host = await TestClient.connect(hostTicket.wsUrl, hostTicket.ticket);
  const guest = await TestClient.connect(joined.wsUrl, joined.ticket);
  return { sessionId: created.sessionId, host, guest };
}

const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

test('Salesforce: the manager supervises their report; nobody without the permission or outside the team can', async (t) => {
  const stack = await startStack(t);
  const agent = await stack.signInAgent();
  const { sessionId, host, guest } = await liveSession(stack, agent, 'salesforce', DEMO.salesforce.cases.printer);
  t.after(() => {
    host.close();
    guest.close();
  });

  // The sales user can read the Case and knows the id, but lacks the permission: refused at every door.
  const sales = await sign(stack, 'salesforce', SF.sales);
  const list = await stack.api('/api/supervisor/sessions', { jar: sales });
  assert.equal(list.status, 403);
  assert.equal(await errorOf(list), 'not_permitted');
  const salesTicket = await stack.api(`/api/sessions/${sessionId}/ticket`, { method: 'POST', jar: sales, body: {} });
  assert.equal(salesTicket.status, 404, 'no watching without the permission');
  const salesTakeOver = await stack.api(`/api/sessions/${sessionId}/take-over`, { method: 'POST', jar: sales });
  assert.equal(salesTakeOver.status, 403, 'no taking over without the permission');
  const salesEnd = await stack.api(`/api/sessions/${sessionId}/end`, { method: 'POST', jar: sales, body: {} });
  assert.equal(salesEnd.status, 404, 'no ending without the permission (and nothing learnt)');

  // The manager holds it and Alex reports to them (User.ManagerId): the session is listed.
  const manager = await sign(stack, 'salesforce', SF.manager);
  const listed = (await (await stack.api('/api/supervisor/sessions', { jar: manager })).json()) as {
    sessions: { sessionId: string; hostName: string; participants: { role: string }[] }[];
  };
  assert.deepEqual(
    listed.sessions.map((s) => [s.sessionId, s.hostName]),
    [[sessionId, SF.agent.name]],
  );

  // Riley reports to nobody here: the manager holds the permission but may not supervise Riley.
  const riley = await sign(stack, 'salesforce', SF.agent2);
  const other = await liveSession(stack, riley, 'salesforce', DEMO.salesforce.cases.login);
  t.after(() => {
    other.host.close();
    other.guest.close();
  });
  assert.ok(!listed.sessions.some((s) => s.sessionId === other.sessionId), 'outside the team: not listed');
  for (const path of ['ticket', 'take-over', 'end']) {
    const res = await stack.api(`/api/sessions/${other.sessionId}/${path}`, { method: 'POST', jar: manager, body: {} });
    assert.equal(res.status, 404, `${path} on a session outside the team`);
  }
  // Riley holds no supervisor permission either: an agent never watches a colleague's session.
  const rileyWatch = await stack.api(`/api/sessions/${sessionId}/ticket`, { method: 'POST', jar: riley, body: {} });
  assert.equal(rileyWatch.status, 404);

  // Watching: everyone in the session sees the supervisor, and the log records it.
  const ticket = (await (
    await stack.api(`/api/sessions/${sessionId}/ticket`, { method: 'POST', jar: manager, body: {} })
  ).json()) as { ticket: string; wsUrl: string; participantId: string };
  const supervisor = await TestClient.connect(ticket.wsUrl, ticket.ticket);
  t.after(() => supervisor.close());
  const welcome = supervisor.messages[0];
  assert.equal(welcome?.type === 'welcome' && welcome.role, 'supervisor');
  const seenBy = (c: TestClient) =>
    c.waitForSession((s) => s.participants.some((p) => p.id === ticket.participantId && p.role === 'supervisor'));
  await seenBy(host);
  await seenBy(guest);
  const joinedLog = await host.waitFor('log', (m) => m.entry.actor === SF.manager.name && m.entry.kind === 'join');
  assert.equal(joinedLog.entry.text, 'joined as a supervisor, to watch');

  // Watching only: no pointer, annotation, control, chat, presenting, recording or ending by socket.
  const refusals: [Parameters<TestClient['send']>[0], string][] = [
    [{ type: 'pointer', x: 0.5, y: 0.5, visible: true }, 'pointer'],
    [
      {
        type: 'annotation',
        shape: 'line',
        points: [
          [0, 0],
          [1, 1],
        ],
      },
      'annotation',
    ],
    [{ type: 'control-request' }, 'control-request'],
    [{ type: 'chat', text: 'hello' }, 'chat'],
    [{ type: 'recording', action: 'start' }, 'recording'],
    [{ type: 'end' }, 'end'],
  ];
  for (const [message, ref] of refusals) {
    supervisor.send(message);
    const refused = await supervisor.waitFor('error', (e) => e.ref === ref);
    assert.equal(refused.code, 'not_allowed', `${ref}: ${refused.message}`);
  }
  supervisor.send({
    type: 'stream-start',
    config: { stream: 1, codec: 'avc1.42E01F', codedWidth: 640, codedHeight: 480, surface: 'monitor' },
  });
  assert.equal((await supervisor.waitFor('error', (e) => e.ref === 'stream-start')).code, 'not_allowed');
  // A private note to the agents is theirs to write.
  supervisor.send({ type: 'note', text: 'ask about the driver version' });
  await host.waitFor('note', (m) => m.text === 'ask about the driver version');

  // Taking over: the supervisor is the host, Alex stays on as an agent; everyone sees it.
  const took = await stack.api(`/api/sessions/${sessionId}/take-over`, { method: 'POST', jar: manager });
  assert.equal(took.status, 200);
  const roles = await guest.waitForSession((s) =>
    s.participants.some((p) => p.id === ticket.participantId && p.role === 'host'),
  );
  assert.deepEqual(
    roles.participants
      .filter((p) => p.role !== 'guest')
      .map((p) => [p.displayName, p.role])
      .sort(),
    [
      [SF.agent.name, 'agent'],
      [SF.manager.name, 'host'],
    ],
  );
  await host.waitFor('log', (m) => m.entry.text === `took over the session from ${SF.agent.name}`);
  // Now host: the former host may not end it; the new host may, and the write-back goes as them.
  host.send({ type: 'end' });
  assert.equal((await host.waitFor('error', (e) => e.ref === 'end')).code, 'not_allowed');
  const details = (await (await stack.api(`/api/sessions/${sessionId}`, { jar: manager })).json()) as { role: string };
  assert.equal(details.role, 'host');

  // Ending someone else's session: the manager ends Alex's next one (as supervisor, not host).
  const next = await liveSession(stack, agent, 'salesforce', DEMO.salesforce.cases.invoice);
  t.after(() => {
    next.host.close();
    next.guest.close();
  });
  const ended = await stack.api(`/api/sessions/${next.sessionId}/end`, { method: 'POST', jar: manager, body: {} });
  assert.equal(ended.status, 200);
  const told = await next.guest.waitFor('ended');
  assert.equal(told.reason, 'supervisor_ended');
  // And an agent of a session who is not its host still hears "only the host".
  const byAgent = await stack.api(`/api/sessions/${sessionId}/end`, { method: 'POST', jar: agent, body: {} });
  assert.equal(byAgent.status, 403);
  assert.equal(await errorOf(byAgent), 'not_host');
});

test('ServiceNow: the supervisor role and the groups the manager manages decide', async (t) => {
  const stack = await startStack(t);
  const SN = DEMO.servicenow.users;
  const agent = await sign(stack, 'servicenow', SN.agent);
  const { sessionId, host, guest } = await liveSession(stack, agent, 'servicenow', DEMO.servicenow.incidents.vpn.id);
  t.after(() => {
    host.close();
    guest.close();
  });
  const sales = await sign(stack, 'servicenow', SN.sales);
  assert.equal((await stack.api('/api/supervisor/sessions', { jar: sales })).status, 403);
  assert.equal(
    (await stack.api(`/api/sessions/${sessionId}/ticket`, { method: 'POST', jar: sales, body: {} })).status,
    404,
  );

  // The manager manages the Service Desk group, of which Alex is a member.
  const manager = await sign(stack, 'servicenow', SN.manager);
  const listed = (await (await stack.api('/api/supervisor/sessions', { jar: manager })).json()) as {
    sessions: { sessionId: string }[];
  };
  assert.deepEqual(
    listed.sessions.map((s) => s.sessionId),
    [sessionId],
  );
  const ticket = (await (
    await stack.api(`/api/sessions/${sessionId}/ticket`, { method: 'POST', jar: manager, body: {} })
  ).json()) as { ticket: string; wsUrl: string };
  const supervisor = await TestClient.connect(ticket.wsUrl, ticket.ticket);
  t.after(() => supervisor.close());
  assert.equal(supervisor.messages[0]?.type === 'welcome' && supervisor.messages[0].role, 'supervisor');
  // The manager's own session has no supervisor over it here (they are in no group they manage).
  const own = await liveSession(stack, manager, 'servicenow', DEMO.servicenow.incidents.email.id);
  t.after(() => {
    own.host.close();
    own.guest.close();
  });
  assert.equal(
    (await stack.api(`/api/sessions/${own.sessionId}/take-over`, { method: 'POST', jar: agent })).status,
    403,
    'an agent without the role cannot take over',
  );
});

test('a take-over is not refused by maxLiveSessionsPerAgent: allowed past the cap, and logged', async (t) => {
  const stack = await startStack(t, { limits: { maxLiveSessionsPerAgent: 1 } });
  const agent = await stack.signInAgent();
  const manager = await sign(stack, 'salesforce', SF.manager);
  const report = await liveSession(stack, agent, 'salesforce', DEMO.salesforce.cases.printer);
  // The manager is at their cap with a session of their own.
  const own = await liveSession(stack, manager, 'salesforce', DEMO.salesforce.cases.login);
  t.after(() => {
    for (const c of [report.host, report.guest, own.host, own.guest]) c.close();
  });
  const another = { crm: 'salesforce', recordId: DEMO.salesforce.cases.login };
  const refused = await stack.api('/api/sessions', { method: 'POST', jar: manager, body: another });
  assert.equal(refused.status, 429, 'the cap holds for starting a session');

  const took = await stack.api(`/api/sessions/${report.sessionId}/take-over`, { method: 'POST', jar: manager });
  assert.equal(took.status, 200, await took.clone().text());
  await report.guest.waitForSession((s) =>
    s.participants.some((p) => p.displayName === SF.manager.name && p.role === 'host'),
  );
  const warned = stack.logs.lines
    .map((l) => JSON.parse(l) as { msg: string; sessionId?: string; hosted?: number; level: number })
    .find((l) => l.msg === 'session taken over by a supervisor past their live-session cap');
  assert.ok(warned, 'the take-over past the cap is logged');
  assert.equal(warned.sessionId, report.sessionId);
  assert.equal(warned.hosted, 2);
  assert.equal(warned.level, 40, 'as a warning');

  // Now hosting two, the manager still starts nothing new; Alex, who hosts none now, may.
  assert.equal((await stack.api('/api/sessions', { method: 'POST', jar: manager, body: another })).status, 429);
  const alexAgain = await stack.api('/api/sessions', { method: 'POST', jar: agent, body: another });
  assert.equal(alexAgain.status, 201, await alexAgain.clone().text());
});
