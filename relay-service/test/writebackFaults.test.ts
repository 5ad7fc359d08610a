// The write-back through a fault proxy between the relay and the sandbox (real HTTP, jsforce and
// fetch as in production): answers the relay cannot read as success (truncated JSON, an HTML page
// with status 200), connection resets, late answers, a CRM down while the other drains, a file over
// the org's limit. Each ends with every record in the CRM exactly once, or a failure the agent and
// the admin see with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'jsforce';
import type { AgentDeliveries } from '../src/protocol/index.ts';
import type { SessionReport } from '../src/sessions/types.ts';
import type { Fault } from './helpers/FaultProxy.ts';
import { guest, report, webm, SF_AGENT, SN_AGENT } from './helpers/reports.ts';
import { DEMO, startStack, TEST_METRICS_TOKEN, type Stack } from './helpers/stack.ts';

const SF = DEMO.salesforce;
const SN = DEMO.servicenow;
const CASE = { crm: 'salesforce' as const, id: SF.cases.printer, label: 'Case 00001001' };
const INCIDENT = { crm: 'servicenow' as const, id: SN.incidents.vpn.id, label: SN.incidents.vpn.number };

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const post = (type: string) => (m: string, p: string) => m === 'POST' && p.includes(`/sobjects/${type}`);
const query = (m: string, p: string) => m === 'GET' && p.includes('/query');
const attendeePatch = (m: string, p: string) => m === 'PATCH' && p.includes('/Attendee_Key__c/');
const sfApi = (_m: string, p: string) => p.startsWith('/services/data/');

type Rec = Record<string, unknown>;
const soql = async (conn: Connection, q: string) => (await conn.query<Rec>(q)).records;

/** Every Salesforce record of a session with one new guest and a recording. */
async function salesforceRecords(conn: Connection, r: SessionReport, email: string) {
  const where = `Sightline_Session_Id__c = '${r.sessionId}'`;
  return {
    tasks: (await soql(conn, `SELECT Id FROM Task WHERE ${where}`)).length,
    leads: (await soql(conn, `SELECT Id FROM Lead WHERE Email = '${email}'`)).length,
    rows: (await soql(conn, `SELECT Id FROM Sightline_Attendee__c WHERE Session_Id__c = '${r.sessionId}'`)).length,
    files: (await soql(conn, `SELECT Id FROM ContentVersion WHERE ${where}`)).length,
  };
}

async function snTable(stack: Stack, path: string): Promise<Rec[]> {
  const token = await stack.servicenowToken();
  const res = await fetch(`${stack.sandbox.servicenowUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, path);
  return ((await res.json()) as { result: Rec[] }).result;
}

async function servicenowRecords(stack: Stack, r: SessionReport) {
  const notes = `element_id=${INCIDENT.id}^element=work_notes^valueLIKE[sightline:${r.sessionId}]`;
  const files = `table_sys_id=${INCIDENT.id}^file_nameLIKE${r.sessionId}`;
  const rows = `incident=${INCIDENT.id}^session_id=${r.sessionId}`;
  return {
    rows: (await snTable(stack, `/api/now/table/x_sightline_share_attendee?sysparm_query=${encodeURIComponent(rows)}`))
      .length,
    notes: (await snTable(stack, `/api/now/table/sys_journal_field?sysparm_query=${encodeURIComponent(notes)}`)).length,
    files: (await snTable(stack, `/api/now/attachment?sysparm_query=${encodeURIComponent(files)}`)).length,
  };
}

/** Drains until every write of the sessions is done (the retries' backoff is milliseconds in tests). */
async function settle(stack: Stack, sessionIds: string[], what = 'the write-back finishes'): Promise<void> {
  const deadline = Date.now() + 30_000;
  const open = () =>
    sessionIds.some((id) => {
      const s = stack.relay.writeBack.statusOf(id);
      return s.length === 0 || s.some((x) => x !== 'done');
    });
  while (open()) {
    assert.ok(Date.now() < deadline, what);
    await sleep(50);
    await stack.relay.writeBack.drain();
  }
}

function sfSession(email: string): SessionReport {
  return report(SF_AGENT, CASE, { attendees: [guest('Fay Fault', email)], recording: webm(2048) });
}

function assertHit(...faults: Fault[]): void {
  for (const f of faults) assert.ok(f.hits > 0, `the ${f.mode} fault (after the CRM: ${f.afterUpstream}) was used`);
}

test('Salesforce: truncated JSON and HTML pages with status 200, before and after the write, are retried; every record once', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const faults = [
    stack.sfProxy.fail(post('Task'), 1, { mode: 'truncated' }),
    stack.sfProxy.fail(post('Task'), 1, { mode: 'html', afterUpstream: true }),
    stack.sfProxy.fail(post('Lead'), 1, { mode: 'truncated', afterUpstream: true }),
    stack.sfProxy.fail(post('ContentVersion'), 1, { mode: 'html', afterUpstream: true }),
    stack.sfProxy.fail(attendeePatch, 1, { mode: 'truncated', afterUpstream: true }),
    stack.sfProxy.fail(query, 1, { mode: 'html' }),
  ];
  const email = 'fay.truncated@fault.example';
  const r = sfSession(email);
  stack.relay.writeBack.accept(r);
  await settle(stack, [r.sessionId]);
  assertHit(...faults);
  assert.deepEqual(await salesforceRecords(await stack.salesforceAs(), r, email), {
    tasks: 2,
    leads: 1,
    rows: 1,
    files: 1,
  });
  assert.match(stack.logs.text, /answered an unexpected shape/);
  assert.equal(stack.relay.writeBack.summary().failed.length, 0);
});

test('Salesforce: connection resets before and after the write are retried; every record once', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const faults = [
    stack.sfProxy.fail(post('Task'), 1, { mode: 'reset', afterUpstream: true }),
    stack.sfProxy.fail(post('Lead'), 1, { mode: 'reset' }),
    stack.sfProxy.fail(post('Lead'), 1, { mode: 'reset', afterUpstream: true }),
    stack.sfProxy.fail(post('ContentVersion'), 1, { mode: 'reset', afterUpstream: true }),
    stack.sfProxy.fail(attendeePatch, 1, { mode: 'reset', afterUpstream: true }),
    stack.sfProxy.fail(query, 2, { mode: 'reset' }),
  ];
  const email = 'fay.reset@fault.example';
  const r = sfSession(email);
  stack.relay.writeBack.accept(r);
  await settle(stack, [r.sessionId]);
  assertHit(...faults);
  assert.deepEqual(await salesforceRecords(await stack.salesforceAs(), r, email), {
    tasks: 2,
    leads: 1,
    rows: 1,
    files: 1,
  });
});

test('ServiceNow: truncated JSON, HTML 200 and resets before and after the write; one work note, one attachment, one row per attendee', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent('servicenow');
  const note = (m: string, p: string) => m === 'PATCH' && p.startsWith('/api/now/table/incident/');
  const upload = (m: string, p: string) => m === 'POST' && p.startsWith('/api/now/attachment/file');
  const lookups = (m: string, p: string) => m === 'GET' && p.startsWith('/api/now/');
  const row = (m: string, p: string) => m === 'POST' && p.startsWith('/api/now/table/x_sightline_share_attendee');
  // Two sessions, so each kind of write has more attempts than it has faults: every fault is used.
  const faults = [
    stack.snProxy.fail(note, 1, { mode: 'html' }),
    stack.snProxy.fail(note, 1, { mode: 'truncated', afterUpstream: true }),
    stack.snProxy.fail(note, 1, { mode: 'reset', afterUpstream: true }),
    stack.snProxy.fail(upload, 1, { mode: 'reset' }),
    stack.snProxy.fail(upload, 1, { mode: 'html', afterUpstream: true }),
    stack.snProxy.fail(upload, 1, { mode: 'truncated', afterUpstream: true }),
    stack.snProxy.fail(lookups, 1, { mode: 'reset' }),
    stack.snProxy.fail(lookups, 1, { mode: 'truncated' }),
    // The row is written but its answer is lost: the retry finds it by its key.
    stack.snProxy.fail(row, 1, { mode: 'truncated', afterUpstream: true }),
    stack.snProxy.fail(row, 1, { mode: 'reset', afterUpstream: true }),
  ];
  const sessions = [1, 2].map(() =>
    report(SN_AGENT, INCIDENT, { attendees: [guest('Sid Snow', 'sid@fault.example')], recording: webm(1500) }),
  );
  for (const r of sessions) stack.relay.writeBack.accept(r);
  await settle(
    stack,
    sessions.map((r) => r.sessionId),
  );
  assertHit(...faults);
  // The host and the guest: two rows each session.
  for (const r of sessions) assert.deepEqual(await servicenowRecords(stack, r), { rows: 2, notes: 1, files: 1 });
});

test('answers 10 s late hit the call timeout and are retried; ServiceNow drains meanwhile; every record once', async (t) => {
  // The call timeout is configuration: 300 ms here, so the test does not wait out the 10 s.
  const stack = await startStack(t, { writeBack: { callTimeoutMs: 300 } });
  await stack.signInAgent();
  await stack.signInAgent('servicenow');
  // The first Case read is held 10 s before it reaches Salesforce (dropped when the relay gives up);
  // then every Salesforce answer comes 10 s late (the write happens, its answer is late).
  const held = stack.sfProxy.fail((m, p) => m === 'GET' && p.includes('/sobjects/Case/'), 1, { mode: 'delay' });
  const late = stack.sfProxy.fail(sfApi, Infinity, { mode: 'delay', afterUpstream: true });
  const email = 'fay.late@fault.example';
  const sf = sfSession(email);
  const sn = report(SN_AGENT, INCIDENT, { recording: webm(800) });
  stack.relay.writeBack.accept(sf);
  stack.relay.writeBack.accept(sn);
  await settle(stack, [sn.sessionId], 'ServiceNow is written while every Salesforce answer is late');
  assert.deepEqual(await servicenowRecords(stack, sn), { rows: 1, notes: 1, files: 1 });
  assert.ok(
    stack.relay.writeBack.statusOf(sf.sessionId).every((s) => s !== 'done'),
    'Salesforce has delivered nothing yet',
  );
  assertHit(held, late);
  assert.match(stack.logs.text, /timed out|TimeoutError|aborted/i);

  stack.sfProxy.clear();
  await settle(stack, [sf.sessionId]);
  assert.deepEqual(await salesforceRecords(await stack.salesforceAs(), sf, email), {
    tasks: 2,
    leads: 1,
    rows: 1,
    files: 1,
  });
});

test('Salesforce down: its circuit opens, ServiceNow drains, and after the outage every record lands once', async (t) => {
  const stack = await startStack(t, { writeBack: { breaker: { failures: 3, halfOpenAfterMs: 300 } } });
  await stack.signInAgent();
  await stack.signInAgent('servicenow');
  const down = stack.sfProxy.fail(sfApi, Infinity, { mode: 'reset' });
  const sfSessions = Array.from({ length: 8 }, (_, i) => sfSession(`down${i}@fault.example`));
  const snSessions = Array.from({ length: 4 }, () => report(SN_AGENT, INCIDENT));
  for (const r of [...sfSessions, ...snSessions]) stack.relay.writeBack.accept(r);
  await settle(
    stack,
    snSessions.map((r) => r.sessionId),
    'ServiceNow drains while Salesforce is down',
  );
  for (const r of snSessions) assert.deepEqual(await servicenowRecords(stack, r), { rows: 1, notes: 1, files: 0 });
  assert.match(stack.logs.text, /"circuit":"Open","msg":"CRM endpoint circuit"/);
  const sfSteps = sfSessions.length * 4;
  assert.ok(down.hits < sfSteps, `the open circuit spared Salesforce calls (${down.hits} tried for ${sfSteps} steps)`);
  assert.ok(stack.relay.writeBack.summary().backlog >= sfSteps, 'nothing lost: all of Salesforce still to do');
  assert.equal(stack.relay.writeBack.summary().failed.length, 0);

  stack.sfProxy.clear();
  await settle(
    stack,
    sfSessions.map((r) => r.sessionId),
  );
  const conn = await stack.salesforceAs();
  for (const [i, r] of sfSessions.entries()) {
    assert.deepEqual(await salesforceRecords(conn, r, `down${i}@fault.example`), {
      tasks: 2,
      leads: 1,
      rows: 1,
      files: 1,
    });
  }
});

test('a recording over the instance limit fails for good, with its reason shown to the agent and the admin, and can be discarded', async (t) => {
  const stack = await startStack(t, {}, { sandbox: { maxUploadBytes: 1000 } });
  const jar = await stack.signInAgent('servicenow');
  const r = report(SN_AGENT, INCIDENT, { recording: webm(5000) });
  stack.relay.writeBack.accept(r);
  await stack.relay.writeBack.drain();
  assert.deepEqual(stack.relay.writeBack.statusOf(r.sessionId), ['done', 'done', 'failed']);
  const mine = (await (await stack.api('/api/me/deliveries', { jar })).json()) as AgentDeliveries;
  assert.equal(mine.failed.length, 1);
  const [failed] = mine.failed;
  assert.deepEqual(
    [failed!.sessionId, failed!.crm, failed!.recordId, failed!.what],
    [r.sessionId, 'servicenow', INCIDENT.id, 'attachment'],
  );
  assert.match(failed!.reason, /^the recording could not be attached: the file is larger than the CRM allows/);
  assert.ok(!Number.isNaN(Date.parse(failed!.since)));
  const admin = stack.relay.writeBack.summary();
  assert.equal(admin.failed[0]!.reason, failed!.reason);
  const metrics = await stack.api('/metrics', { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
  assert.match(await metrics.text(), /sightline_writeback_failed 1/);

  // Retried, it fails the same way (nothing was lost); discarded, it is gone with its content.
  assert.equal(stack.relay.writeBack.retry({ sessionId: r.sessionId }), 1);
  await stack.relay.writeBack.drain();
  assert.equal(stack.relay.writeBack.summary().failed.length, 1);
  assert.equal(stack.relay.writeBack.discard({ sessionId: r.sessionId }), 1);
  assert.equal(stack.relay.writeBack.summary().failed.length, 0);
  assert.equal(((await (await stack.api('/api/me/deliveries', { jar })).json()) as AgentDeliveries).failed.length, 0);
});
