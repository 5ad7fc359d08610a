// Live sessions survive the relay's death as CRM records: the relay runs as its own process, a live
// session (host, guest, chat, a note) is journaled as it changes; after `kill -9` the next start writes
// it to the sandbox CRM exactly once, ended "relay restarted"; a SIGTERM ends it "relay shutdown".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Connection } from 'jsforce';
import { loadConfig } from '@sightline/config';
import type { RunningSandbox } from '@sightline/crm-sandbox';
import { DEMO, TEST_METRICS_TOKEN } from './helpers/stack.ts';
import { relayProcess, startCrm, until, type RelayProcess } from './helpers/relayProcess.ts';
import { signIn, type CookieJar } from './helpers/signIn.ts';
import { TestClient } from './helpers/wsClient.ts';
import { tmpDir } from './helpers/tmp.ts';

const SF = DEMO.salesforce;
type Rec = Record<string, unknown>;

async function api(relay: RelayProcess, path: string, body: unknown, jar?: CookieJar): Promise<Rec> {
  const res = await fetch(`${relay.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: relay.url, ...(jar ? { cookie: jar.header() } : {}) },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Rec;
}

async function crmAs(sandbox: RunningSandbox): Promise<Connection> {
  const conn = new Connection({
    oauth2: {
      loginUrl: sandbox.salesforceUrl,
      clientId: DEMO.oauthClient.clientId,
      clientSecret: DEMO.oauthClient.clientSecret,
    },
    version: loadConfig({ env: { SIGHTLINE_ENV: 'test' } }).salesforce.apiVersion,
  });
  await conn.login(SF.users.agent.username, SF.users.agent.password);
  return conn;
}

/** The session's Case Task (the log) and attendee rows, as the CRM has them now. */
async function written(conn: Connection, sessionId: string) {
  const tasks = (
    await conn.query<Rec>(
      `SELECT Id, WhatId, Description FROM Task WHERE Sightline_Session_Id__c = '${sessionId}' AND WhatId = '${SF.cases.printer}'`,
    )
  ).records;
  const attendees = (
    await conn.query<Rec>(
      `SELECT Id, Email__c, Left_At__c FROM Sightline_Attendee__c WHERE Session_Id__c = '${sessionId}'`,
    )
  ).records;
  return { tasks, attendees };
}

/** Writes still to be delivered, from the relay's metrics. */
async function backlog(relay: RelayProcess): Promise<number> {
  const res = await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('sightline_writeback_backlog'));
  return Number(line?.split(' ')[1] ?? NaN);
}

/** A live session on the printer Case: the host and a guest connected, the guest consented, chat and a note. */
async function liveSession(relay: RelayProcess) {
  const { jar } = await signIn(relay.url, 'salesforce', SF.users.agent);
  const created = await api(relay, '/api/sessions', { crm: 'salesforce', recordId: SF.cases.printer }, jar);
  const sessionId = String(created.sessionId);
  const joined = await api(relay, '/api/join', {
    key: created.key,
    contact: { name: 'Kim Killed', email: 'kim@crash.example' },
    acceptedTerms: true,
  });
  const hostTicket = await api(relay, `/api/sessions/${sessionId}/ticket`, {}, jar);
  const host = await TestClient.connect(String(joined.wsUrl), String(hostTicket.ticket));
  const guest = await TestClient.connect(String(joined.wsUrl), String(joined.ticket));
  guest.send({ type: 'consent', view: true });
  guest.send({ type: 'chat', text: 'my printer prints blank pages' });
  host.send({ type: 'note', text: 'driver 4.2 suspected' });
  // The host sees both entries once the relay wrote them (journaled in the same synchronous step).
  await host.waitFor('log', (m) => m.entry.text === 'my printer prints blank pages');
  await host.waitFor('log', (m) => m.entry.text === 'driver 4.2 suspected');
  return { sessionId, host, guest };
}

test('kill -9 with a live session: the next start writes it to the CRM once, ended "relay restarted"', async (t) => {
  const sandbox = await startCrm(t);
  const relay = await relayProcess(t, sandbox);
  await relay.start();
  const { sessionId, host, guest } = await liveSession(relay);

  assert.equal((await relay.stop('SIGKILL')).signal, 'SIGKILL');
  await Promise.all([host.closed, guest.closed]);
  const conn = await crmAs(sandbox);
  assert.deepEqual(await written(conn, sessionId), { tasks: [], attendees: [] }, 'nothing reached the CRM before');

  await relay.start();
  const after = await until(
    () => written(conn, sessionId),
    (w) => w.tasks.length > 0 && w.attendees.length > 0,
    'the Task and attendee row of the killed session',
  );
  const description = String(after.tasks[0]!.Description);
  assert.match(description, /^Ended: .*\(relay restarted\)$/m);
  assert.match(description, /Kim Killed: my printer prints blank pages/);
  assert.match(description, /Alex Agent \[private note\]: driver 4\.2 suspected/, 'the note is kept, marked private');
  assert.match(description, /session ended \(relay restarted\)/);
  assert.match(description, /kim@crash\.example/);
  assert.deepEqual(
    after.attendees.map((a) => a.Email__c),
    ['kim@crash.example'],
  );
  assert.ok(after.attendees[0]!.Left_At__c, 'the guest left when the relay was last known live');

  // Once every write is done, another restart finds nothing left to write and writes nothing twice.
  await until(
    () => backlog(relay),
    (n) => n === 0,
    'the write-back backlog to drain',
  );
  assert.equal((await relay.stop('SIGTERM')).code, 0);
  await relay.start();
  assert.equal(await backlog(relay), 0, 'no report recovered twice');
  const again = await written(conn, sessionId);
  assert.equal(again.tasks.length, 1, 'one Task');
  assert.equal(again.attendees.length, 1, 'one attendee row');
});

test('a journal an older relay left in outbox.db is written to the CRM once at start-up, then dropped', async (t) => {
  const sandbox = await startCrm(t);
  const dataDir = join(tmpDir(t), 'data');
  const relay = await relayProcess(t, sandbox, { relay: { dataDir } });
  await relay.start();
  const { sessionId, host, guest } = await liveSession(relay);
  await relay.stop('SIGKILL');
  await Promise.all([host.closed, guest.closed]);
  // Where relays before journal.db kept it: the same rows, in outbox.db.
  const db = new DatabaseSync(join(dataDir, 'outbox.db'));
  db.exec(`ATTACH DATABASE '${join(dataDir, 'journal.db')}' AS j`);
  const schema = db.prepare("SELECT sql FROM j.sqlite_master WHERE name LIKE 'journal%' AND sql IS NOT NULL").all();
  for (const { sql } of schema) db.exec(String(sql));
  db.exec(`INSERT INTO journal_state SELECT * FROM j.journal_state; INSERT INTO journal_log SELECT * FROM j.journal_log;
    DELETE FROM j.journal_state; DELETE FROM j.journal_log; DETACH DATABASE j;`);
  db.close();

  await relay.start();
  const conn = await crmAs(sandbox);
  const after = await until(
    () => written(conn, sessionId),
    (w) => w.tasks.length > 0 && w.attendees.length > 0,
    'the Task and attendee row of the session journaled in outbox.db',
  );
  assert.match(String(after.tasks[0]!.Description), /Kim Killed: my printer prints blank pages/);
  await until(
    () => backlog(relay),
    (n) => n === 0,
    'the write-back backlog to drain',
  );
  assert.equal((await relay.stop('SIGTERM')).code, 0);
  const outbox = new DatabaseSync(join(dataDir, 'outbox.db'), { readOnly: true });
  const tables = outbox.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'journal%'").all();
  outbox.close();
  assert.deepEqual(tables, [], 'the old journal is gone from outbox.db');
  assert.equal((await written(conn, sessionId)).tasks.length, 1, 'one Task');
});

test('SIGTERM ends live sessions saying the relay was stopped, not that the host ended them', async (t) => {
  const sandbox = await startCrm(t);
  const relay = await relayProcess(t, sandbox);
  await relay.start();
  const { sessionId, host, guest } = await liveSession(relay);

  const exit = relay.stop('SIGTERM');
  assert.equal((await host.waitFor('ended')).reason, 'relay_shutdown');
  assert.equal((await guest.waitFor('ended')).reason, 'relay_shutdown');
  assert.equal((await exit).code, 0);

  // Written before the process exited, or by the next start from the outbox: either way once.
  await relay.start();
  const conn = await crmAs(sandbox);
  const { tasks } = await until(
    () => written(conn, sessionId),
    (w) => w.tasks.length > 0,
    'the Task of the stopped session',
  );
  await until(
    () => backlog(relay),
    (n) => n === 0,
    'the write-back backlog to drain',
  );
  assert.equal((await written(conn, sessionId)).tasks.length, 1);
  const description = String(tasks[0]!.Description);
  assert.match(description, /^Ended: .*\(relay shutdown\)$/m);
  assert.doesNotMatch(description, /host ended/);
});
