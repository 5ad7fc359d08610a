// ServiceNow end to end against the sandbox: sign-in, session on an incident, invite through
// sys_email, and the write-back (work note + attachment) exactly once through 5xx, lost answers,
// an expired token and a relay restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentStore } from '../src/auth/AgentStore.ts';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import type { AgentIdentity } from '../src/sessions/types.ts';
import { guest, report, webm } from './helpers/reports.ts';
import { DEMO, startStack, TEST_KEY, type Stack } from './helpers/stack.ts';

const SN = DEMO.servicenow;
const INCIDENT = { crm: 'servicenow' as const, id: SN.incidents.vpn.id, label: SN.incidents.vpn.number };
const AGENT: AgentIdentity = {
  crm: 'servicenow',
  userId: SN.users.agent.id,
  username: SN.users.agent.username,
  displayName: SN.users.agent.name,
};

async function table(stack: Stack, path: string): Promise<Record<string, string>[]> {
  const token = await stack.servicenowToken();
  const res = await fetch(`${stack.sandbox.servicenowUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, path);
  return ((await res.json()) as { result: Record<string, string>[] }).result;
}
const notesOf = (stack: Stack, sessionId: string) =>
  table(
    stack,
    `/api/now/table/sys_journal_field?sysparm_query=${encodeURIComponent(`element_id=${SN.incidents.vpn.id}^element=work_notes^valueLIKE${sessionId}`)}`,
  );
const attachmentsOf = (stack: Stack, fileName: string) =>
  table(
    stack,
    `/api/now/attachment?sysparm_query=${encodeURIComponent(`table_sys_id=${SN.incidents.vpn.id}^file_name=${fileName}`)}`,
  );

test('ServiceNow: sign-in, a session only for a readable incident, the invite through sys_email', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent('servicenow');
  const me = (await (await stack.api('/api/me', { jar })).json()) as { crm: string; userId: string; username: string };
  assert.deepEqual([me.crm, me.userId, me.username], ['servicenow', SN.users.agent.id, SN.users.agent.username]);
  const denied = await stack.api('/api/sessions', {
    method: 'POST',
    jar,
    body: { crm: 'servicenow', recordId: 'f'.repeat(32) },
  });
  assert.equal(denied.status, 403);
  const res = await stack.api('/api/sessions', {
    method: 'POST',
    jar,
    body: { crm: 'servicenow', recordId: INCIDENT.id },
  });
  assert.equal(res.status, 201);
  const created = (await res.json()) as { sessionId: string; joinUrl: string };
  const details = (await (await stack.api(`/api/sessions/${created.sessionId}`, { jar })).json()) as {
    session: { record: { label: string } };
  };
  assert.match(details.session.record.label, new RegExp(SN.incidents.vpn.number));
  const invite = await stack.api(`/api/sessions/${created.sessionId}/invite`, { method: 'POST', jar, body: {} });
  assert.equal(invite.status, 200, await invite.clone().text());
  assert.deepEqual(((await invite.json()) as { to: string[] }).to, [SN.callers.jane.email]);
  const emails = await table(
    stack,
    `/api/now/table/sys_email?sysparm_query=${encodeURIComponent(`instance=${INCIDENT.id}`)}`,
  );
  assert.equal(emails.length, 1);
  assert.ok(emails[0]!.body_text!.includes(created.joinUrl));
});

test('ServiceNow write-back: one work note and one attachment through 5xx, a lost answer, an expired token and a restart', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent('servicenow');
  const store = new AgentStore(
    openDatabase(stack.config.relay.dataDir, 'auth.db'),
    new TokenCipher(Buffer.from(TEST_KEY, 'hex')),
  );
  const before = store.tokens('servicenow', AGENT.userId)!;
  // The access token is gone (expired): the adapter must refresh it.
  const revoked = await fetch(`${stack.sandbox.servicenowUrl}/oauth_revoke_token.do`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: before.accessToken! }),
  });
  assert.ok(revoked.ok);
  stack.snProxy.fail((m, p) => m === 'PATCH' && p.startsWith('/api/now/table/incident/'), 2);
  stack.snProxy.fail((m, p) => m === 'PATCH' && p.startsWith('/api/now/table/incident/'), 1, { afterUpstream: true });
  stack.snProxy.fail((m, p) => m === 'POST' && p.startsWith('/api/now/attachment/file'), 100, { afterUpstream: true });
  const recording = { ...webm(3000), fileName: 'sightline-sn-1.webm' };
  const r = report(AGENT, INCIDENT, {
    attendees: [guest('Nina New', 'nina.new@newco.example', '+1 555 0101')],
    recording,
  });
  const fileName = `sightline-sn-1-${r.sessionId}.webm`;
  stack.relay.writeBack.accept(r);
  for (let i = 0; i < 30 && (await notesOf(stack, r.sessionId)).length === 0; i++) {
    await new Promise((ok) => setTimeout(ok, 60));
    await stack.relay.writeBack.drain();
  }
  assert.equal((await attachmentsOf(stack, fileName)).length, 1, 'written once, the answer lost each time');

  await stack.restartRelay();
  stack.snProxy.clear();
  await stack.relay.writeBack.drain();
  for (let i = 0; i < 30; i++) {
    await new Promise((ok) => setTimeout(ok, 60));
    await stack.relay.writeBack.drain();
  }
  const notes = await notesOf(stack, r.sessionId);
  assert.equal(notes.length, 1);
  for (const text of ['nina.new@newco.example', '+1 555 0101', 'Screen share 482913', `[sightline:${r.sessionId}]`]) {
    assert.ok(notes[0]!.value!.includes(text), `the work note mentions ${text}`);
  }
  const files = await attachmentsOf(stack, fileName);
  assert.equal(files.length, 1);
  assert.equal(files[0]!.size_bytes, '3000');
  assert.equal(files[0]!.content_type, 'video/webm');
  const after = store.tokens('servicenow', AGENT.userId)!;
  assert.notEqual(after.accessToken, before.accessToken, 'the refreshed token was stored');
  assert.ok(!stack.logs.text.includes(after.accessToken!) && !stack.logs.text.includes(after.refreshToken));
});

test('ServiceNow: a deleted incident is reported as failed, not retried forever', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent('servicenow');
  const r = report(AGENT, { crm: 'servicenow', id: 'e'.repeat(32), label: 'INC0' });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const res = await stack.api(`/api/writebacks?sessionId=${r.sessionId}`, { jar });
  const [step] = ((await res.json()) as { writebacks: { status: string; error: string }[] }).writebacks;
  assert.equal(step!.status, 'failed');
  assert.match(step!.error, /404/);
});
