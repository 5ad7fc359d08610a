import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import { Outbox } from '../src/writeback/Outbox.ts';
import { planWriteBack, type AttendeesPayload } from '../src/writeback/plan.ts';
import { describe as describeReport, leadFromContact } from '../src/writeback/format.ts';
import { guest, report, webm } from './helpers/reports.ts';
import { tmpDir } from './helpers/tmp.ts';

const HOST = { crm: 'salesforce' as const, userId: '005000000000001AAA', username: 'a@x', displayName: 'Alex Agent' };
const CASE = { crm: 'salesforce' as const, id: '500000000000001AAA', label: 'Case 1' };

function open(dir: string, now = () => Date.now()) {
  const db = openDatabase(dir, 'outbox.db');
  return { db, outbox: new Outbox(db, new TokenCipher(Buffer.alloc(32, 7)), now) };
}

test('the outbox keeps contact details and recordings encrypted, and drops them once written', (t) => {
  const dir = tmpDir(t);
  const { db, outbox } = open(dir);
  t.after(() => db.close());
  const bytes = Buffer.from('WEBM-SECRET-FRAMES'.repeat(20));
  outbox.enqueue([
    {
      sessionId: 's_1',
      kind: 'activity',
      crm: 'salesforce',
      userId: 'u',
      recordId: 'r',
      payload: { email: 'who@secret.example' },
    },
    { sessionId: 's_1', kind: 'recording', crm: 'salesforce', userId: 'u', recordId: 'r', payload: {}, blob: bytes },
    // A step told apart by an email is named by a keyed hash of it, never the address.
    {
      sessionId: 's_1',
      kind: 'lead',
      discriminator: 'Lead@Secret.example',
      crm: 'salesforce',
      userId: 'u',
      recordId: 'r',
      payload: {},
    },
  ]);
  db.exec('PRAGMA wal_checkpoint(FULL)');
  const raw = readFileSync(join(dir, 'outbox.db')).toString('latin1');
  assert.ok(!raw.includes('who@secret.example') && !raw.includes('WEBM-SECRET-FRAMES'));
  assert.ok(!/lead@secret\.example/i.test(raw), 'no email in a step name');
  assert.equal(Number((db.prepare('PRAGMA secure_delete').get() as { secure_delete: number }).secure_delete), 1);
  const [activity, recording, lead] = outbox.due();
  assert.match(lead!.step, /^lead:[0-9a-f]{32}$/);
  assert.deepEqual(outbox.payload(activity!), { email: 'who@secret.example' });
  assert.deepEqual(outbox.blob(recording!), bytes);
  outbox.markDone(recording!, '068x');
  assert.equal(outbox.blob(recording!), null);
  assert.throws(() => outbox.payload(recording!), /no payload/);
  assert.deepEqual(
    outbox.forSession('s_1').map((i) => [i.step, i.status, i.resultId]),
    [
      ['activity', 'pending', null],
      ['recording', 'done', '068x'],
      [lead!.step, 'pending', null],
    ],
  );
});

test('enqueueing a session twice writes nothing twice; retries wait; waiting and failed writes keep their content until resumed, retried or discarded', (t) => {
  let now = 1_000;
  const { db, outbox } = open(tmpDir(t), () => now);
  t.after(() => db.close());
  const item = {
    sessionId: 's_2',
    kind: 'activity' as const,
    crm: 'salesforce' as const,
    userId: 'u',
    recordId: 'r',
    payload: { a: 1 },
  };
  outbox.enqueue([item]);
  outbox.enqueue([item]);
  assert.equal(outbox.count('pending'), 1);
  const [due] = outbox.due();
  outbox.markRetry(due!, 'HTTP 503', 'transient', now + 500);
  assert.equal(outbox.due().length, 0);
  now += 500;
  const [again] = outbox.due();
  assert.equal(again!.attempts, 1);
  outbox.markWaiting(again!, 'must sign in again');
  assert.equal(outbox.count('waiting'), 1);
  assert.equal(outbox.due().length, 0);
  assert.equal(outbox.resume('salesforce', 'someone-else'), 0);
  assert.equal(outbox.resume('salesforce', 'u'), 1);
  const [resumed] = outbox.due();
  outbox.markFailed(resumed!, 'the record no longer exists', 'not_found');
  assert.deepEqual(
    outbox.failed({ crm: 'salesforce', userId: 'u' }).map((i) => i.lastError),
    ['the record no longer exists'],
  );
  now += 30 * 24 * 3600_000;
  assert.equal(outbox.purge(5_000), 0, 'a failed write is not purged');
  assert.deepEqual(outbox.payload(resumed!), { a: 1 }, 'its content is kept');
  assert.equal(outbox.requeue({ sessionId: 'other' }), 0);
  assert.equal(outbox.requeue({ sessionId: 's_2' }), 1);
  assert.equal(outbox.due()[0]!.windowStart, now, 'a fresh retry window');
  outbox.markFailed(outbox.due()[0]!, 'again', 'not_found');
  assert.equal(outbox.discard({ sessionId: 's_2' }), 1);
  assert.equal(outbox.forSession('s_2').length, 0);
  outbox.enqueue([{ ...item, sessionId: 's_3' }]);
  outbox.markDone(outbox.due()[0]!, 'x');
  now += 10_000;
  assert.equal(outbox.purge(5_000), 1, 'finished rows go after the retention period');
  assert.equal(outbox.forSession('s_3').length, 0);
});

test('the plan: the Case activity, one step per distinct guest email by policy, the recording', () => {
  const attendees = [
    guest('Nina New', 'Nina@NewCo.example'),
    guest('Nina Again', 'nina@newco.example'),
    guest(undefined, 'x@y.example'),
    guest('No Mail', undefined),
  ];
  const steps = (leads: 'never' | 'new_email' | 'new_email_and_name', recording = false) =>
    planWriteBack(report(HOST, CASE, { attendees, policy: { leads }, recording: recording ? webm(10) : null })).map(
      (i) => (i.discriminator ? `${i.kind}:${i.discriminator}` : i.kind),
    );
  // The attendee rows come after the Lead steps (they link the Leads) whatever the lead policy.
  assert.deepEqual(steps('new_email', true), [
    'activity',
    'lead:nina@newco.example',
    'lead:x@y.example',
    'attendees',
    'recording',
  ]);
  assert.deepEqual(steps('new_email_and_name'), ['activity', 'lead:nina@newco.example', 'attendees']);
  assert.deepEqual(steps('never'), ['activity', 'attendees']);
  const rows = planWriteBack(report(HOST, CASE, { attendees })).find((i) => i.kind === 'attendees')!
    .payload as AttendeesPayload;
  assert.deepEqual(
    rows.attendees.map((a) => [a.participantId, a.name, a.role, a.email]),
    attendees.map((a) => [a.participantId, a.contact.name ?? 'Guest', 'Guest', a.contact.email ?? null]),
    'every guest, not the host',
  );
  assert.deepEqual(
    planWriteBack(report(HOST, CASE)).map((i) => i.kind),
    ['activity'],
    'no guests, no rows',
  );
  const sn = planWriteBack(
    report({ ...HOST, crm: 'servicenow' }, { ...CASE, crm: 'servicenow' }, { attendees, recording: webm(10) }),
  );
  assert.deepEqual(
    sn.map((i) => i.kind),
    ['work_note', 'attendees', 'attachment'],
    'ServiceNow: a work note, the attendee rows and the attachment; no leads',
  );
  const snRows = sn.find((i) => i.kind === 'attendees')!.payload as AttendeesPayload;
  assert.deepEqual(
    snRows.attendees.map((a) => a.role),
    ['Host', ...attendees.map(() => 'Guest')],
    'ServiceNow rows include the host',
  );
  assert.equal(snRows.session?.endReason, 'host_ended');
  assert.ok(!(sn[0]!.payload as { description: string }).description.includes('```'), 'no block in the note');
});

test('activity text and lead fields', () => {
  const text = describeReport(
    report(HOST, CASE, { attendees: [guest('Nina New', 'nina@newco.example', '+1 555 0101')] }),
  );
  assert.match(text, /Host: Alex Agent/);
  assert.match(text, /Duration: 14m 5s/);
  assert.match(text, /- Nina New \(guest\): nina@newco\.example, \+1 555 0101; joined 2026-11-21 09:01:00 UTC/);
  assert.match(text, /Log:\n2026-11-21 09:00:00 UTC Alex Agent: started the session/);
  assert.deepEqual(leadFromContact({ name: 'Mary Ann Smith', email: 'mary@acme.example' }, '005000000000001AAA'), {
    firstName: 'Mary Ann',
    lastName: 'Smith',
    email: 'mary@acme.example',
    company: '[not provided]',
    ownerId: '005000000000001AAA',
  });
  assert.deepEqual(leadFromContact({ email: 'joe@gmail.com', phone: '123456' }), {
    lastName: 'joe',
    email: 'joe@gmail.com',
    phone: '123456',
    company: '[not provided]',
  });
  const [, lead] = planWriteBack(report(HOST, CASE, { attendees: [guest('Nina New', 'nina@newco.example')] }));
  assert.equal((lead!.payload as { lead: { ownerId: string } }).lead.ownerId, HOST.userId, 'the host owns the Lead');
});

test('private notes are marked in the log written to the record; chat lines are not', () => {
  const r = report(HOST, CASE, { attendees: [guest('Nina New', 'nina@newco.example')] });
  r.log.push(
    { at: '2026-11-21T09:03:00.000Z', actor: 'Nina New', kind: 'chat', text: 'I see an error' },
    { at: '2026-11-21T09:04:00.000Z', actor: 'Alex Agent', kind: 'note', text: 'customer on old version' },
  );
  const text = describeReport(r);
  assert.match(text, /09:03:00 UTC Nina New: I see an error\n/);
  assert.match(text, /09:04:00 UTC Alex Agent \[private note\]: customer on old version$/);
});

test('a session nobody joined is written as an unused invitation, not a call', () => {
  const r = { ...report(HOST, CASE), endReason: 'expired' as const, durationSeconds: 602 };
  const [activity] = planWriteBack(r);
  const p = activity!.payload as { subject: string; description: string; call: boolean };
  assert.equal(p.call, false);
  assert.match(p.subject, /: nobody joined \(invitation expired\)$/);
  assert.match(p.description, /Outcome: nobody joined; the invitation expired unused after 10m 2s/);
  assert.doesNotMatch(p.description, /Duration:/);
  const joined = planWriteBack(report(HOST, CASE, { attendees: [guest('Nina New', 'nina@newco.example')] }));
  assert.equal((joined[0]!.payload as { call: boolean }).call, true);
});

test('an outbox written before step kinds is migrated: kinds set, lead steps renamed to their hash, content still readable', (t) => {
  const dir = tmpDir(t);
  const cipher = new TokenCipher(Buffer.alloc(32, 7));
  const old = openDatabase(dir, 'outbox.db');
  old.exec(`CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, step TEXT NOT NULL,
    crm TEXT NOT NULL, user_id TEXT NOT NULL, payload BLOB, blob BLOB,
    status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
    last_error TEXT, error_kind TEXT, result_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    UNIQUE (session_id, step))`);
  const insert = old.prepare(
    'INSERT INTO outbox (session_id, step, crm, user_id, payload, next_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, 1)',
  );
  const seal = (session: string, step: string, payload: unknown) =>
    cipher.encrypt(JSON.stringify(payload), `outbox:${session}:${step}:payload`);
  insert.run('s_sf', 'activity', 'salesforce', 'u', seal('s_sf', 'activity', { recordId: '500A' }));
  insert.run('s_sf', 'lead:old@lead.example', 'salesforce', 'u', seal('s_sf', 'lead:old@lead.example', { x: 1 }));
  insert.run('s_sn', 'activity', 'servicenow', 'u', seal('s_sn', 'activity', { recordId: 'f'.repeat(32) }));
  insert.run('s_sn', 'recording', 'servicenow', 'u', seal('s_sn', 'recording', { recordId: 'f'.repeat(32) }));
  old.close();

  const db = openDatabase(dir, 'outbox.db');
  t.after(() => db.close());
  const outbox = new Outbox(db, cipher);
  const items = outbox.due();
  assert.deepEqual(
    items.map((i) => [i.sessionId, i.kind, i.recordId]),
    [
      ['s_sf', 'activity', '500A'],
      ['s_sf', 'lead', ''],
      ['s_sn', 'work_note', 'f'.repeat(32)],
      ['s_sn', 'attachment', 'f'.repeat(32)],
    ],
  );
  assert.match(items[1]!.step, /^lead:[0-9a-f]{32}$/);
  assert.deepEqual(outbox.payload(items[1]!), { x: 1 });
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  assert.ok(!readFileSync(join(dir, 'outbox.db')).toString('latin1').includes('old@lead.example'));
});

test('a status change skips the fsync but leaves the database at FULL for the next enqueue', (t) => {
  const dir = tmpDir(t);
  const { db, outbox } = open(dir);
  const sync = () => (db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
  assert.equal(sync(), 2);
  const item = { sessionId: 's_1', kind: 'activity' as const, crm: 'salesforce' as const, userId: 'u', recordId: 'r' };
  outbox.enqueue([
    { ...item, payload: {} },
    { ...item, sessionId: 's_2', payload: {} },
  ]);
  const [first, second] = outbox.due();
  outbox.markDone(first!, 'a1');
  outbox.markRetry(second!, 'busy', 'temporary', Date.now() + 60_000);
  assert.equal(sync(), 2, 'enqueue stays durable when it returns');
  db.close();
  // The relaxed commits are in the WAL: a reopened outbox (a restarted relay) sees them.
  const again = open(dir);
  t.after(() => again.db.close());
  assert.deepEqual(
    again.outbox.forSession('s_1').map((i) => i.status),
    ['done'],
  );
  assert.equal(again.outbox.forSession('s_2')[0]!.lastError, 'busy');
  assert.equal(again.outbox.due().length, 0);
});
