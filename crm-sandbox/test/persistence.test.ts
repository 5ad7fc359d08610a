// Data survives a restart on the same data dir; reset() and `npm run sandbox:reset` restore the seed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { DEMO } from '../src/index.ts';
import { passwordToken, startTestSandbox } from './helpers.ts';

const run = promisify(execFile);

async function leadCount(base: string, token: string, email: string): Promise<number> {
  const q = encodeURIComponent(`SELECT COUNT() FROM Lead WHERE Email = '${email}'`);
  const res = await fetch(`${base}/services/data/v62.0/query?q=${q}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { totalSize: number }).totalSize;
}

test('records, files and tokens persist across a restart; reset and the CLI restore the seed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-persist-'));
  try {
    let t = await startTestSandbox({}, dir);
    const token = await passwordToken(t.sandbox.salesforceUrl);
    const create = await fetch(`${t.sandbox.salesforceUrl}/services/data/v62.0/sobjects/Lead`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ LastName: 'Durable', Company: 'Disk', Email: 'durable@persist.example' }),
    });
    assert.equal(create.status, 201);
    const note = await fetch(`${t.sandbox.servicenowUrl}/api/now/table/incident/${DEMO.servicenow.incidents.vpn.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Basic ${Buffer.from('alex.agent:sightline-demo').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ work_notes: 'kept' }),
    });
    assert.equal(note.status, 200);
    await t.close();

    t = await startTestSandbox({}, dir);
    assert.equal(
      await leadCount(t.sandbox.salesforceUrl, token, 'durable@persist.example'),
      1,
      'the same token still works after restart',
    );
    const newLead = await fetch(`${t.sandbox.salesforceUrl}/services/data/v62.0/sobjects/Lead`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ LastName: 'Second', Company: 'Disk' }),
    });
    const { id } = (await newLead.json()) as { id: string };
    assert.notEqual(id, ((await create.clone().json()) as { id: string }).id, 'id counters persist too');

    await t.sandbox.reset();
    assert.equal(
      (
        await fetch(`${t.sandbox.salesforceUrl}/services/data/v62.0/sobjects/Lead/${id}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
      401,
      'reset drops tokens',
    );
    const fresh = await passwordToken(t.sandbox.salesforceUrl);
    assert.equal(await leadCount(t.sandbox.salesforceUrl, fresh, 'durable@persist.example'), 0);
    assert.equal(await leadCount(t.sandbox.salesforceUrl, fresh, DEMO.salesforce.leads.open.email), 1, 'seed is back');
    const created = await fetch(`${t.sandbox.salesforceUrl}/services/data/v62.0/sobjects/Lead`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fresh}`, 'content-type': 'application/json' },
      body: JSON.stringify({ LastName: 'BeforeCli', Company: 'Disk', Email: 'cli@persist.example' }),
    });
    assert.equal(created.status, 201);
    await t.close();

    const root = resolve(import.meta.dirname, '../..');
    const out = await run(process.execPath, [join(root, 'crm-sandbox/src/cli.ts'), 'reset'], {
      cwd: root,
      env: { ...process.env, SIGHTLINE_ENV: 'test', SIGHTLINE_SANDBOX_DATA_DIR: dir },
    });
    assert.match(out.stdout, /reset to the demo seed/);
    t = await startTestSandbox({}, dir);
    const again = await passwordToken(t.sandbox.salesforceUrl);
    assert.equal(await leadCount(t.sandbox.salesforceUrl, again, 'cli@persist.example'), 0);
    const journal = await fetch(`${t.sandbox.servicenowUrl}/api/now/table/sys_journal_field?sysparm_query=value=kept`, {
      headers: { authorization: `Basic ${Buffer.from('alex.agent:sightline-demo').toString('base64')}` },
    });
    assert.equal(journal.headers.get('x-total-count'), '0');
    await t.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
