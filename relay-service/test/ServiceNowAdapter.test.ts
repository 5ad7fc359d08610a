// ServiceNow end to end against the sandbox: sign-in, session on an incident, invite through
// sys_email, and the write-back (work note + attachment) exactly once through 5xx, lost answers,
// an expired token and a relay restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentStore } from '../src/auth/AgentStore.ts';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import type { AgentIdentity } from '../src/sessions/types.ts';
import { runServerScript, widgetSource } from '@sightline/servicenow-app/harness';
import { uniqueFileName } from '../src/writeback/plan.ts';
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
  for (const text of [
    'nina.new@newco.example',
    '+1 555 0101',
    'Screen share 2026-11-21',
    `[sightline:${r.sessionId}]`,
  ]) {
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

test('a recording the instance refuses (attachment size cap or extension) is said on the incident and to the agent', async (t) => {
  const stack = await startStack(t, {}, { sandbox: { attachmentExtensions: ['pdf', 'txt'] } });
  const jar = await stack.signInAgent('servicenow');
  const r = report(AGENT, INCIDENT, { recording: webm(2048) });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const deliveries = (await (await stack.api('/api/me/deliveries', { jar })).json()) as {
    failed: { sessionId: string; what: string; reason: string }[];
  };
  const failed = deliveries.failed.find((f) => f.sessionId === r.sessionId);
  assert.equal(failed?.what, 'attachment');
  assert.match(failed!.reason, /the CRM does not accept this type of file/);
  const notes = await notesOf(stack, `recording-${r.sessionId}`);
  assert.equal(notes.length, 1, 'a work note says the recording was not stored');
  assert.match(
    notes[0]!.value!,
    /Recording not stored: [^\n]*\n\nThe recording of this session \(.*\.webm, 0\.0 MB, \d+ s\) could not be stored: .*glide\.attachment\.extensions/s,
  );
  assert.equal((await attachmentsOf(stack, uniqueFileName(r.recording!.fileName, r.sessionId))).length, 0);
});

test('a recording over com.glide.attachment.max_size is said on the incident and to the agent', async (t) => {
  const stack = await startStack(t, {}, { sandbox: { attachmentMaxSizeMb: 1 } });
  const jar = await stack.signInAgent('servicenow');
  const r = report(AGENT, INCIDENT, { recording: webm(1024 * 1024 + 4096) });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const deliveries = (await (await stack.api('/api/me/deliveries', { jar })).json()) as {
    failed: { sessionId: string; what: string; reason: string }[];
  };
  const failed = deliveries.failed.find((f) => f.sessionId === r.sessionId);
  assert.equal(failed?.what, 'attachment');
  assert.match(failed!.reason, /the file is larger than the CRM allows/);
  const notes = await notesOf(stack, `recording-${r.sessionId}`);
  assert.equal(notes.length, 1, 'a work note says the recording was not stored');
  assert.match(
    notes[0]!.value!,
    /\(.*\.webm, 1\.0 MB, \d+ s\) could not be stored: .*com\.glide\.attachment\.max_size = 1 MB/s,
  );
  assert.equal((await attachmentsOf(stack, uniqueFileName(r.recording!.fileName, r.sessionId))).length, 0);
});

test('the work note is text for people; each attendee is one row of the app table, which the widget reads', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent('servicenow');
  const r = report({ ...AGENT, email: 'alex.agent@sightline.demo' }, INCIDENT, {
    attendees: [
      guest('Grace Hopper', 'grace@navy.example', '+1 202 555 0142'),
      // Over the table's column lengths (name 120, phone 40): clipped; an address that is none is left out.
      guest('N'.repeat(150), 'not-an-email', '+1 555 0100 extension 1234567890123456789'),
    ],
    recording: { ...webm(1000), fileName: 'sightline-sn-2.webm' },
  });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const [note] = await notesOf(stack, r.sessionId);
  assert.ok(note, 'the work note was written');
  assert.ok(note.value!.includes('Attendees (3):'), 'the human-readable attendee list');
  assert.ok(!note.value!.includes('```'), 'no fenced block in the note');
  assert.ok(!/[{}]/.test(note.value!), 'no JSON in the note');
  const rows = await table(
    stack,
    `/api/now/table/x_sightline_share_attendee?sysparm_query=${encodeURIComponent(`session_id=${r.sessionId}`)}`,
  );
  assert.equal(rows.length, 3, 'one row per attendee, the host included');

  const { serverScript } = widgetSource();
  const { data, logs } = await runServerScript({
    script: serverScript,
    filename: 'server_script.js',
    backend: {
      baseUrl: stack.sandbox.servicenowUrl,
      headers: { authorization: `Bearer ${await stack.servicenowToken()}` },
    },
    user: {
      userId: SN.users.agent.id,
      userName: SN.users.agent.username,
      roles: ['x_sightline_share.agent'],
      properties: { 'x_sightline_share.relay_url': stack.relay.url },
    },
    params: { table: 'incident', sys_id: INCIDENT.id },
    options: {},
  });
  const widget = data as {
    skippedRows: number;
    sessions: {
      sessionId: string;
      startedAt: string;
      endReason: string;
      recording: string;
      attendees: { role: string; name: string; email: string; phone: string; joinedAt: string; leftAt: string }[];
    }[];
  };
  assert.equal(widget.skippedRows, 0, JSON.stringify(logs));
  const session = widget.sessions.find((s) => s.sessionId === r.sessionId);
  assert.ok(session, 'the widget lists the session');
  assert.deepEqual(
    [session.startedAt, session.endReason, session.recording],
    ['2026-11-21 09:00:00', 'host_ended', `sightline-sn-2-${r.sessionId}.webm`],
  );
  // glide_date_time values (UTC) as the table holds them.
  assert.deepEqual(
    session.attendees.map((a) => [a.role, a.name, a.email, a.phone, a.joinedAt, a.leftAt]),
    [
      ['host', AGENT.displayName, 'alex.agent@sightline.demo', '', '2026-11-21 09:00:00', '2026-11-21 09:14:00'],
      ['guest', 'Grace Hopper', 'grace@navy.example', '+1 202 555 0142', '2026-11-21 09:01:00', '2026-11-21 09:13:00'],
      [
        'guest',
        'N'.repeat(120),
        '',
        '+1 555 0100 extension 123456789012345678',
        '2026-11-21 09:01:00',
        '2026-11-21 09:13:00',
      ],
    ],
  );
});
