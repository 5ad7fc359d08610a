// Soak: a few hundred sessions through the write-back against the sandbox (Salesforce and ServiceNow,
// some answers spoiled on the way), in batches. It ends with an empty outbox, every record once, no
// guest's email or name in clear anywhere in the relay's data directory, and the heap after each
// batch reported (figures, not timings; the bound on growth is loose and about memory only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SessionReport } from '../src/sessions/types.ts';
import { guest, report, webm, SF_AGENT, SN_AGENT } from './helpers/reports.ts';
import { DEMO, startStack, type Stack } from './helpers/stack.ts';

const SF = DEMO.salesforce;
const SN = DEMO.servicenow;
const BATCHES = 4;
const SF_PER_BATCH = 50;
const SN_PER_BATCH = 25;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

interface Person {
  name: string;
  email: string;
}

function batch(b: number): { sessions: SessionReport[]; people: Person[] } {
  const people: Person[] = [];
  const sessions: SessionReport[] = [];
  for (let i = 0; i < SF_PER_BATCH + SN_PER_BATCH; i++) {
    const person = { name: `Soak Person${b}x${i}`, email: `soak.b${b}.g${i}@soak-guest.example` };
    people.push(person);
    const sf = i < SF_PER_BATCH;
    sessions.push(
      report(
        sf ? SF_AGENT : SN_AGENT,
        sf
          ? { crm: 'salesforce', id: SF.cases.printer, label: 'Case 00001001' }
          : { crm: 'servicenow', id: SN.incidents.vpn.id, label: SN.incidents.vpn.number },
        { attendees: [guest(person.name, person.email, '+1 555 0199')], recording: i % 5 === 0 ? webm(1024) : null },
      ),
    );
  }
  return { sessions, people };
}

async function settle(stack: Stack, sessions: SessionReport[]): Promise<void> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    await stack.relay.writeBack.drain();
    const { backlog, awaitingSignIn, failed } = stack.relay.writeBack.summary();
    assert.equal(failed.length, 0, JSON.stringify(failed[0]));
    assert.equal(awaitingSignIn, 0);
    if (backlog === 0 && sessions.every((r) => stack.relay.writeBack.statusOf(r.sessionId).every((s) => s === 'done')))
      return;
    assert.ok(Date.now() < deadline, 'the batch is written');
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/** Each session's marker, counted over every Task / work note the sandbox holds. */
async function markers(stack: Stack): Promise<{ tasks: Map<string, number>; notes: Map<string, number> }> {
  const conn = await stack.salesforceAs();
  const tasks = new Map<string, number>();
  const result = await conn.query<{ Sightline_Session_Id__c: string | null }>(
    "SELECT Sightline_Session_Id__c FROM Task WHERE Sightline_Session_Id__c LIKE 's_%'",
    { autoFetch: true, maxFetch: 100_000 },
  );
  for (const t of result.records) {
    const id = t.Sightline_Session_Id__c!;
    tasks.set(id, (tasks.get(id) ?? 0) + 1);
  }
  const token = await stack.servicenowToken();
  const query = `element_id=${SN.incidents.vpn.id}^element=work_notes^valueLIKE[sightline:`;
  const res = await fetch(
    `${stack.sandbox.servicenowUrl}/api/now/table/sys_journal_field?sysparm_limit=10000&sysparm_query=${encodeURIComponent(query)}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  const notes = new Map<string, number>();
  for (const n of ((await res.json()) as { result: { value: string }[] }).result) {
    const id = /\[sightline:([^\]]+)\]/.exec(n.value)?.[1];
    if (id) notes.set(id, (notes.get(id) ?? 0) + 1);
  }
  return { tasks, notes };
}

test('soak: 300 sessions written back end with an empty outbox, every record once, no personal data on disk, a flat heap', async (t) => {
  const stack = await startStack(t, { writeBack: { retentionDays: 1e-9 } });
  await stack.signInAgent();
  await stack.signInAgent('servicenow');
  // A few spoiled answers on the way, so retries are part of the soak.
  const post = (type: string) => (m: string, p: string) => m === 'POST' && p.includes(`/sobjects/${type}`);
  stack.sfProxy.fail(post('Task'), 6, { mode: 'truncated', afterUpstream: true });
  stack.sfProxy.fail(post('Lead'), 4, { mode: 'html', afterUpstream: true });
  stack.snProxy.fail((m, p) => m === 'PATCH' && p.startsWith('/api/now/table/incident/'), 4, { mode: 'reset' });

  const all: SessionReport[] = [];
  const people: Person[] = [];
  const heap: number[] = [heapMiB()];
  for (let b = 0; b < BATCHES; b++) {
    const next = batch(b);
    for (const r of next.sessions) stack.relay.writeBack.accept(r);
    await settle(stack, next.sessions);
    all.push(...next.sessions);
    people.push(...next.people);
    heap.push(heapMiB());
  }
  const figures = `heap MiB before and after each batch of ${SF_PER_BATCH + SN_PER_BATCH} sessions: ${heap.map((h) => h.toFixed(1)).join(' -> ')}`;
  t.diagnostic(figures);
  console.log(`# soak ${figures}`);

  // Every record once: one Task on the Case and one on the guest's new Lead per Salesforce session,
  // one work note per ServiceNow session.
  const { tasks, notes } = await markers(stack);
  for (const r of all) {
    if (r.record.crm === 'salesforce') assert.equal(tasks.get(r.sessionId), 2, `two Tasks for ${r.sessionId}`);
    else assert.equal(notes.get(r.sessionId), 1, `one work note for ${r.sessionId}`);
  }

  // The outbox is empty: written rows purged (retention ~0 here), nothing failed or waiting.
  await stack.relay.writeBack.drain();
  const outbox = new DatabaseSync(join(stack.config.relay.dataDir, 'outbox.db'), { readOnly: true });
  const rows = (outbox.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  outbox.close();
  assert.equal(rows, 0);
  assert.deepEqual(stack.relay.writeBack.summary(), { backlog: 0, awaitingSignIn: 0, failed: [] });

  // No guest's email or name in clear in any file of the relay's data directory (databases, WAL, keys).
  const dir = stack.config.relay.dataDir;
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  assert.ok(files.some((f) => f.name.startsWith('outbox.db')));
  for (const f of files) {
    const text = readFileSync(join(f.parentPath, f.name)).toString('latin1').toLowerCase();
    assert.ok(!text.includes('@soak-guest.example'), `no guest email in ${f.name}`);
    assert.ok(!text.includes('soak person'), `no guest name in ${f.name}`);
  }

  // A flat heap: the later batches add (almost) nothing to what the first one settled at.
  assert.ok(heap.at(-1)! - heap[1]! < 25, figures);
});
