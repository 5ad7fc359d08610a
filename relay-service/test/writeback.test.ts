// The write-back against a real sandbox through jsforce: exactly the Task, Leads and
// ContentVersion, also through 5xx, lost answers, an expired token and a relay restart; writes
// that can never succeed are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Connection } from 'jsforce';
import { AgentStore } from '../src/auth/AgentStore.ts';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import type { AgentDeliveries } from '../src/protocol/index.ts';
import { encodeFrame } from '../src/protocol/index.ts';
import { probe } from './helpers/media.ts';
import { VP8, vp8Chunks } from './helpers/relay.ts';
import { guest, report, webm, SF_AGENT as AGENT } from './helpers/reports.ts';
import { TestClient } from './helpers/wsClient.ts';
import { DEMO, startStack, TEST_KEY, TEST_METRICS_TOKEN, type Stack } from './helpers/stack.ts';

const SF = DEMO.salesforce;
const CASE = { crm: 'salesforce' as const, id: SF.cases.printer, label: 'Case 00001001' };

const NEW_PEOPLE = [
  guest('Jane Customer', SF.contacts.jane.email), // a Contact
  guest('Pat Prospect', SF.leads.open.email), // an open Lead
  guest('Nina New', 'nina.new@newco.example', '+1 555 0101'),
  guest(undefined, 'anon@solo.example'),
];

type Rec = Record<string, unknown>;
const q = async (conn: Connection, soql: string) => (await conn.query<Rec>(soql)).records;

async function tasks(conn: Connection, sessionId: string) {
  return q(
    conn,
    `SELECT Id, Subject, Status, TaskSubtype, WhoId, WhatId, CallDurationInSeconds, ActivityDate, Description FROM Task WHERE Sightline_Session_Id__c = '${sessionId}'`,
  );
}
async function leads(conn: Connection, emails: string[]) {
  return q(
    conn,
    `SELECT Id, FirstName, LastName, Email, Phone, Company, LeadSource, OwnerId FROM Lead WHERE Email IN (${emails.map((e) => `'${e}'`).join(',')})`,
  );
}
/** The session's files on the Case, through its links: whoever reads them need not own them. */
async function files(conn: Connection, sessionId: string, recordId: string = SF.cases.printer) {
  return q(
    conn,
    `SELECT Id, Title, PathOnClient, FirstPublishLocationId, ContentSize, Sightline_Duration_Seconds__c FROM ContentVersion WHERE ContentDocumentId IN (SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '${recordId}') AND Sightline_Session_Id__c = '${sessionId}'`,
  );
}

async function attendeeRows(conn: Connection, sessionId: string) {
  return q(
    conn,
    `SELECT Id, Name, Case__c, Session_Id__c, Attendee_Key__c, Email__c, Phone__c, Role__c, Joined_At__c, Left_At__c, Contact__c, Lead__c FROM Sightline_Attendee__c WHERE Session_Id__c = '${sessionId}'`,
  );
}

function agentStore(stack: Stack): AgentStore {
  const db = openDatabase(stack.config.relay.dataDir, 'auth.db');
  return new AgentStore(db, new TokenCipher(Buffer.from(TEST_KEY, 'hex')));
}

async function revoke(stack: Stack, token: string): Promise<void> {
  const res = await fetch(`${stack.sandbox.salesforceUrl}/services/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  assert.equal(res.status, 200);
}

async function writebacks(stack: Stack, jar: Awaited<ReturnType<Stack['signInAgent']>>, sessionId: string) {
  const res = await stack.api(`/api/writebacks?sessionId=${sessionId}`, { jar });
  assert.equal(res.status, 200);
  return ((await res.json()) as { writebacks: { step: string; status: string; error: string | null }[] }).writebacks;
}

test('a Salesforce session ends in exactly one Task on the Case, Leads with their Tasks, and the recording', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  const r = report(AGENT, CASE, {
    attendees: NEW_PEOPLE,
    policy: { leads: 'new_email' },
    recording: { ...webm(), durationMs: 61_600 },
  });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const conn = await stack.salesforceAs();

  const all = await tasks(conn, r.sessionId);
  const onCase = all.filter((x) => x.WhatId === SF.cases.printer);
  assert.equal(onCase.length, 1);
  const task = onCase[0]!;
  assert.equal(task.Subject, `Screen share 2026-11-21 with ${AGENT.displayName}`);
  assert.equal(task.Status, 'Completed');
  assert.equal(task.TaskSubtype, 'Call');
  assert.equal(task.ActivityDate, '2026-11-21');
  assert.equal(task.CallDurationInSeconds, 845);
  assert.equal(task.WhoId, SF.contacts.jane.id, 'the case contact');
  const description = String(task.Description);
  for (const text of [
    'nina.new@newco.example',
    '+1 555 0101',
    'anon@solo.example',
    SF.contacts.jane.email,
    'allowed viewing',
  ]) {
    assert.ok(description.includes(text), `description mentions ${text}`);
  }

  const created = await leads(conn, [
    'nina.new@newco.example',
    'anon@solo.example',
    SF.leads.open.email,
    SF.contacts.jane.email,
  ]);
  assert.equal(created.length, 3, 'two new Leads next to the one that existed; none for the Contact');
  const nina = created.find((l) => l.Email === 'nina.new@newco.example')!;
  assert.deepEqual(
    [nina.FirstName, nina.LastName, nina.Phone, nina.Company, nina.LeadSource, nina.OwnerId],
    ['Nina', 'New', '+1 555 0101', '[not provided]', 'Screen Share', AGENT.userId],
  );
  const anon = created.find((l) => l.Email === 'anon@solo.example')!;
  assert.equal(anon.LastName, 'anon');
  const leadTasks = all.filter((x) => x.WhatId === null || x.WhatId === undefined);
  assert.deepEqual(
    leadTasks.map((x) => x.WhoId).sort(),
    [nina.Id, anon.Id].sort(),
    'one Task per new Lead, without WhatId',
  );
  assert.equal(all.length, 3);

  const cv = await files(conn, r.sessionId);
  assert.equal(cv.length, 1);
  assert.equal(cv[0]!.FirstPublishLocationId, SF.cases.printer);
  assert.equal(cv[0]!.PathOnClient, `sightline-482913-${r.sessionId}.webm`);
  assert.equal(cv[0]!.ContentSize, 4096);
  assert.equal(cv[0]!.Sightline_Duration_Seconds__c, 62, 'durationMs 61600, rounded to seconds');

  // One Sightline_Attendee__c per guest (none for the host), linked as force-app's Attendees reads them.
  const rows = await attendeeRows(conn, r.sessionId);
  assert.equal(rows.length, NEW_PEOPLE.length, 'one row per guest, none for the host');
  const pat = created.find((l) => l.Email === SF.leads.open.email)!;
  const expected = new Map<string, [string, string | null, string | null]>([
    [SF.contacts.jane.email, ['Jane Customer', SF.contacts.jane.id, null]],
    [SF.leads.open.email, ['Pat Prospect', null, String(pat.Id)]],
    ['nina.new@newco.example', ['Nina New', null, String(nina.Id)]],
    ['anon@solo.example', ['Guest', null, String(anon.Id)]],
  ]);
  for (const g of NEW_PEOPLE) {
    const row = rows.find((x) => x.Attendee_Key__c === `${r.sessionId}:${g.participantId}`);
    assert.ok(row, `a row keyed ${r.sessionId}:<participantId> for ${g.contact.email}`);
    const [name, contact, lead] = expected.get(g.contact.email!)!;
    assert.deepEqual(
      [row.Name, row.Case__c, row.Session_Id__c, row.Email__c, row.Role__c, row.Contact__c, row.Lead__c],
      [name, SF.cases.printer, r.sessionId, g.contact.email, 'Guest', contact, lead],
    );
    assert.equal(row.Phone__c, g.contact.phone ?? null);
    assert.equal(new Date(String(row.Joined_At__c)).toISOString(), g.joinedAt);
    assert.equal(new Date(String(row.Left_At__c)).toISOString(), g.leftAt);
  }

  const steps = await writebacks(stack, jar, r.sessionId);
  assert.equal(steps.length, 7, 'the Case Task, one check per guest email, the attendee rows, the recording');
  assert.ok(steps.every((s) => s.status === 'done'));
});

test('a session that expired with nobody joining is written as an unused invitation, not a completed call', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const r = { ...report(AGENT, CASE), endReason: 'expired' as const, durationSeconds: 602 };
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const [task, ...more] = await tasks(await stack.salesforceAs(), r.sessionId);
  assert.equal(more.length, 0);
  assert.equal(task!.Subject, `Screen share 2026-11-21 with ${AGENT.displayName}: nobody joined (invitation expired)`);
  assert.equal(task!.TaskSubtype, 'Task', 'no call took place');
  assert.equal(task!.CallDurationInSeconds ?? null, null);
  assert.match(String(task!.Description), /Outcome: nobody joined; the invitation expired unused after 10m 2s/);
});

test('lead policy: never creates none; new_email_and_name only for attendees who gave a name', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const conn = await stack.salesforceAs();
  const never = report(AGENT, CASE, {
    attendees: [guest('Olga Other', 'olga@other.example')],
    policy: { leads: 'never' },
  });
  const named = report(AGENT, CASE, {
    attendees: [guest('Omar Named', 'omar@named.example'), guest(undefined, 'nobody@named.example')],
    policy: { leads: 'new_email_and_name' },
  });
  stack.relay.writeBack.accept(never);
  stack.relay.writeBack.accept(named);
  await stack.relay.writeBack.drain();
  const found = await leads(conn, ['olga@other.example', 'omar@named.example', 'nobody@named.example']);
  assert.deepEqual(
    found.map((l) => l.Email),
    ['omar@named.example'],
  );
  assert.equal((await tasks(conn, never.sessionId)).length, 1, 'the Case Task is still written');
});

test('5xx and lost answers are retried with backoff and never write twice', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  const post = (type: string) => (m: string, p: string) => m === 'POST' && p.includes(`/sobjects/${type}`);
  stack.sfProxy.fail(post('Task'), 2); // the CRM is down for the first attempts
  stack.sfProxy.fail(post('Task'), 1, { afterUpstream: true }); // then a Task is written but the answer is lost
  stack.sfProxy.fail(post('Lead'), 1, { afterUpstream: true });
  stack.sfProxy.fail(post('ContentVersion'), 1, { status: 500, afterUpstream: true });
  // The attendee upsert lands but its answer is lost: the retry updates the same row.
  stack.sfProxy.fail((m, p) => m === 'PATCH' && p.includes('/sobjects/Sightline_Attendee__c/Attendee_Key__c/'), 1, {
    afterUpstream: true,
  });
  const r = report(AGENT, CASE, { attendees: [guest('Nina New', 'nina2@newco.example')], recording: webm(2048) });
  stack.relay.writeBack.accept(r);
  const conn = await stack.salesforceAs();
  const deadline = Date.now() + 15_000;
  while ((await tasks(conn, r.sessionId)).length < 2 || (await files(conn, r.sessionId)).length < 1) {
    assert.ok(Date.now() < deadline, 'the retries finish');
    await new Promise((ok) => setTimeout(ok, 100));
    await stack.relay.writeBack.drain();
  }
  await stack.relay.writeBack.drain();
  assert.equal((await tasks(conn, r.sessionId)).length, 2, 'one Task on the Case, one on the Lead');
  assert.equal((await leads(conn, ['nina2@newco.example'])).length, 1);
  assert.equal((await files(conn, r.sessionId)).length, 1);
  const deadlineRows = Date.now() + 15_000;
  while (!(await writebacks(stack, jar, r.sessionId)).every((s) => s.status === 'done')) {
    assert.ok(Date.now() < deadlineRows, 'the attendee step finishes');
    await new Promise((ok) => setTimeout(ok, 100));
    await stack.relay.writeBack.drain();
  }
  const rows = await attendeeRows(conn, r.sessionId);
  assert.equal(rows.length, 1, 'the lost answer was retried without a second row');
  const [lead] = await leads(conn, ['nina2@newco.example']);
  assert.equal(rows[0]!.Lead__c, lead!.Id, 'linked to the Lead the write-back created');
  assert.ok(
    stack.sfProxy.seen.filter((s) => s.method === 'PATCH' && s.path.includes('Attendee_Key__c')).length >= 2,
    'the upsert was sent again',
  );
  assert.ok(stack.sfProxy.seen.filter((s) => s.status === 503).length >= 3);
  assert.match(stack.logs.text, /write-back will be retried/);
});

test('an expired access token is refreshed, and the new one is stored encrypted', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const store = agentStore(stack);
  const before = store.tokens('salesforce', AGENT.userId)!;
  await revoke(stack, before.accessToken!);
  const r = report(AGENT, CASE);
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const conn = await stack.salesforceAs();
  assert.equal((await tasks(conn, r.sessionId)).length, 1);
  assert.ok(
    stack.sfProxy.seen.some((s) => s.status === 401),
    'the CRM refused the expired token first',
  );
  const after = store.tokens('salesforce', AGENT.userId)!;
  assert.notEqual(after.accessToken, before.accessToken);
  assert.notEqual(
    after.refreshToken,
    before.refreshToken,
    'Salesforce rotated the refresh token; its successor is stored',
  );
});

test('a relay restart in the middle of the outbox finishes the work without duplicates', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const post = (type: string) => (m: string, p: string) => m === 'POST' && p.includes(`/sobjects/${type}`);
  stack.sfProxy.fail(post('Lead'), 1, { afterUpstream: true }); // the Lead exists, the relay does not know
  stack.sfProxy.fail(post('ContentVersion'), 100); // the upload keeps failing until the restart
  const r = report(AGENT, CASE, { attendees: [guest('Rita Restart', 'rita@restart.example')], recording: webm(1024) });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const conn = await stack.salesforceAs();
  assert.equal((await files(conn, r.sessionId)).length, 0);
  assert.equal((await leads(conn, ['rita@restart.example'])).length, 1, 'the Lead was written before the restart');

  await stack.restartRelay();
  stack.sfProxy.clear();
  const deadline = Date.now() + 15_000;
  while ((await files(conn, r.sessionId)).length < 1) {
    assert.ok(Date.now() < deadline, 'the new relay finishes the outbox');
    await new Promise((ok) => setTimeout(ok, 100));
    await stack.relay.writeBack.drain();
  }
  await stack.relay.writeBack.drain();
  assert.equal((await tasks(conn, r.sessionId)).length, 2);
  assert.equal((await leads(conn, ['rita@restart.example'])).length, 1, 'no second Lead');
  assert.equal((await files(conn, r.sessionId)).length, 1);
});

test('writes that can never succeed are reported to the agent and logged, and retried after a new sign-in', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  const gone = report(AGENT, { crm: 'salesforce', id: '500000000000999AAA', label: 'Deleted case' });
  stack.relay.writeBack.accept(gone);
  await stack.relay.writeBack.drain();
  const [step] = await writebacks(stack, jar, gone.sessionId);
  assert.equal(step!.status, 'failed');
  assert.match(step!.error!, /NOT_FOUND|not found/i);
  const me = (await (await stack.api('/api/me', { jar })).json()) as { failedWriteBacks: { sessionId: string }[] };
  assert.ok(me.failedWriteBacks.some((f) => f.sessionId === gone.sessionId));
  assert.match(stack.logs.text, /write-back failed for good/);
  const deliveries = (await (await stack.api('/api/me/deliveries', { jar })).json()) as AgentDeliveries;
  assert.deepEqual(
    deliveries.failed.map((f) => [f.sessionId, f.crm, f.recordId, f.what]),
    [[gone.sessionId, 'salesforce', '500000000000999AAA', 'activity']],
  );
  assert.match(
    deliveries.failed[0]!.reason,
    /^the session log \(a Task on the Case\) could not be written: the record no longer exists/,
  );
  assert.equal(stack.relay.writeBack.summary().failed[0]!.sessionId, gone.sessionId);

  // The agent's access is revoked: nothing is lost or failed, it waits...
  const store = agentStore(stack);
  const tokens = store.tokens('salesforce', AGENT.userId)!;
  // As in a real org, revoking the refresh token also ends every access token issued from it.
  await revoke(stack, tokens.refreshToken);
  const r = report(AGENT, CASE, { recording: webm(512) });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const waiting = await writebacks(stack, jar, r.sessionId);
  assert.deepEqual(
    waiting.map((s) => s.status),
    ['waiting', 'waiting'],
  );
  assert.match(waiting[0]!.error!, /revoked|sign in/);
  const metrics = await (
    await stack.api('/metrics', { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
  ).text();
  assert.match(metrics, /sightline_writeback_awaiting_sign_in 2/);
  assert.match(metrics, /sightline_writeback_failed 1/);
  assert.equal(stack.relay.writeBack.summary().awaitingSignIn, 2);
  const after = (await (await stack.api('/api/me/deliveries', { jar })).json()) as AgentDeliveries;
  assert.equal(after.awaitingSignIn, 2);

  // ...until they sign in again.
  await stack.signInAgent();
  await stack.relay.writeBack.drain();
  const conn = await stack.salesforceAs();
  assert.equal((await tasks(conn, r.sessionId)).length, 1);
  assert.equal((await files(conn, r.sessionId)).length, 1);
  assert.ok((await writebacks(stack, jar, r.sessionId)).every((s) => s.status === 'done'));
});

test('a recording the org cannot store (file storage full) is said on the Case and to the agent', async (t) => {
  const stack = await startStack(t, {}, { sandbox: { fileStorageMb: 0.002 } });
  const jar = await stack.signInAgent();
  const r = report(AGENT, CASE, { recording: webm(4096) });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  const deliveries = (await (await stack.api('/api/me/deliveries', { jar })).json()) as AgentDeliveries;
  const failed = deliveries.failed.find((f) => f.sessionId === r.sessionId);
  assert.equal(failed?.what, 'recording');
  assert.match(failed!.reason, /^the recording could not be attached: the CRM's file storage is full/);
  const conn = await stack.salesforceAs();
  const notes = await q(
    conn,
    `SELECT Subject, Description, WhatId FROM Task WHERE Sightline_Session_Id__c = 'recording-${r.sessionId}'`,
  );
  assert.equal(notes.length, 1, 'one note on the Case, beside the session log');
  assert.equal(notes[0]!.WhatId, SF.cases.printer);
  assert.match(String(notes[0]!.Subject), /^Recording not stored: /);
  assert.match(String(notes[0]!.Description), /could not be stored: .*STORAGE_LIMIT_EXCEEDED/);
  assert.equal((await tasks(conn, r.sessionId)).filter((x) => x.WhatId === SF.cases.printer).length, 1);
  assert.equal((await files(conn, r.sessionId)).length, 0);
});

test('a recording larger than the org takes (MAXIMUM_SIZE_OF_ATTACHMENT on the streamed upload) is said on the Case and to the agent', async (t) => {
  const stack = await startStack(t, {}, { sandbox: { maxUploadBytes: 1000 } });
  const jar = await stack.signInAgent();
  const r = report(AGENT, CASE, { recording: webm(64 * 1024) });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  // Refused for good, not retried as a lost connection: the org answered while the body was still streaming.
  assert.equal(stack.relay.writeBack.statusOf(r.sessionId).at(-1), 'failed');
  const deliveries = (await (await stack.api('/api/me/deliveries', { jar })).json()) as AgentDeliveries;
  const failed = deliveries.failed.find((f) => f.sessionId === r.sessionId);
  assert.equal(failed?.what, 'recording');
  assert.match(failed!.reason, /^the recording could not be attached: the file is larger than the CRM allows/);
  const conn = await stack.salesforceAs();
  const notes = await q(
    conn,
    `SELECT Subject, Description, WhatId FROM Task WHERE Sightline_Session_Id__c = 'recording-${r.sessionId}'`,
  );
  assert.equal(notes.length, 1, 'one note on the Case, beside the session log');
  assert.equal(notes[0]!.WhatId, SF.cases.printer);
  assert.match(String(notes[0]!.Description), /\(.*\.webm, 0\.1 MB, \d+ s\) could not be stored: .*Maximum size/);
  assert.equal((await files(conn, r.sessionId)).length, 0);
});

test('a session ended through the API is written back from the registry report', async (t) => {
  const stack = await startStack(t);
  const jar = await stack.signInAgent();
  const created = (await (
    await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId: SF.cases.login } })
  ).json()) as { sessionId: string; key: string };
  const joined = await stack.api('/api/join', {
    method: 'POST',
    body: { key: created.key, contact: { name: 'Walter Walkin', email: 'walter@walkin.example' }, acceptedTerms: true },
  });
  assert.equal(joined.status, 201);
  assert.equal(
    (await stack.api(`/api/sessions/${created.sessionId}/end`, { method: 'POST', jar, body: {} })).status,
    200,
  );
  await stack.relay.writeBack.drain();
  const conn = await stack.salesforceAs();
  const written = await tasks(conn, created.sessionId);
  assert.equal(written.length, 2, 'the Case Task and the new Lead Task');
  const caseTask = written.find((x) => x.WhatId === SF.cases.login)!;
  assert.match(String(caseTask.Subject), /^Screen share \d{4}-\d{2}-\d{2} with Alex Agent$/);
  // The session key stays out of the CRM record.
  assert.ok(!String(caseTask.Subject).includes(created.key) && !String(caseTask.Description).includes(created.key));
  assert.ok(String(caseTask.Description).includes('walter@walkin.example'));
  assert.equal((await leads(conn, ['walter@walkin.example'])).length, 1);
});

test('the write-back log lines carry no tokens', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const store = agentStore(stack);
  await revoke(stack, store.tokens('salesforce', AGENT.userId)!.accessToken!);
  stack.relay.writeBack.accept(report(AGENT, CASE, { attendees: [guest('Lia Log', 'lia@log.example')] }));
  await stack.relay.writeBack.drain();
  const tokens = store.tokens('salesforce', AGENT.userId)!;
  assert.ok(stack.logs.lines.length > 5);
  for (const secret of [tokens.accessToken!, tokens.refreshToken]) assert.ok(!stack.logs.text.includes(secret));
  assert.ok(!stack.logs.text.includes('lia@log.example'), 'attendee contact details stay out of the log');
  assert.ok(join(stack.config.relay.dataDir).length > 0);
});

test('story 3 end to end: a recorded session streamed through the relay lands as a playable file on the Case', async (t) => {
  const stack = await startStack(t, {
    policy: { groups: { default: { recording: 'always', leads: 'new_email' } } },
    limits: { keyframeRequestIntervalMs: 0 },
  });
  const jar = await stack.signInAgent();
  const created = (await (
    await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId: SF.cases.printer } })
  ).json()) as { sessionId: string; key: string };
  const joined = (await (
    await stack.api('/api/join', {
      method: 'POST',
      body: { key: created.key, contact: { name: 'Greta Guest', email: 'greta@guest.example' }, acceptedTerms: true },
    })
  ).json()) as { ticket: string; wsUrl: string };
  const hostTicket = (await (
    await stack.api(`/api/sessions/${created.sessionId}/ticket`, { method: 'POST', jar, body: {} })
  ).json()) as { ticket: string };
  const host = await TestClient.connect(joined.wsUrl, hostTicket.ticket);
  const customer = await TestClient.connect(joined.wsUrl, joined.ticket);
  t.after(() => {
    host.close();
    customer.close();
  });
  customer.send({ type: 'consent', view: true, recording: true });
  customer.send({ type: 'stream-start', config: VP8 });
  await host.waitForSession((s) => s.recording === 'on');
  const chunks = vp8Chunks();
  const t0 = Date.now();
  for (const [i, c] of chunks.entries()) {
    customer.sendFrame(
      Buffer.from(
        encodeFrame({ stream: 0, sequence: i, keyframe: c.keyframe, captureTimeMs: t0 + c.timestampUs / 1000 }, c.data),
      ),
    );
  }
  await host.waitForFrames(chunks.length);
  assert.equal(
    (await stack.api(`/api/sessions/${created.sessionId}/end`, { method: 'POST', jar, body: {} })).status,
    200,
  );
  await stack.relay.writeBack.drain();

  const conn = await stack.salesforceAs(SF.users.manager);
  const [cv] = await files(conn, created.sessionId);
  assert.ok(cv, 'the recording is on the Case');
  assert.equal(cv.FirstPublishLocationId, SF.cases.printer);
  const download = await fetch(
    `${conn.instanceUrl}/services/data/v${stack.config.salesforce.apiVersion}/sobjects/ContentVersion/${String(cv.Id)}/VersionData`,
    { headers: { authorization: `Bearer ${conn.accessToken}` } },
  );
  assert.equal(download.status, 200);
  const info = await probe(new Uint8Array(await download.arrayBuffer()));
  assert.equal(info.codec, 'vp8');
  assert.equal(info.packets.length, chunks.length);
  const written = await tasks(conn, created.sessionId);
  assert.equal(written.length, 2, 'the Case Task and the Task of the new Lead');
  assert.ok(String(written.find((x) => x.WhatId)!.Description).includes('recording started'));
  const steps = await writebacks(stack, jar, created.sessionId);
  assert.ok(steps.every((s) => s.status === 'done'));
});
