// NUTs: the real Salesforce CLI (`@salesforce/cli`, this workspace's devDependency) with the plugin
// linked (`sf plugins link`) into a throwaway HOME, logged in with `sf org login access-token` to the
// CRM sandbox, against a running relay whose write-back put real sessions, attendees and a recording
// into the sandbox. Nothing outside the temporary HOME is touched.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DEMO, startStack } from '../../../relay-service/test/helpers/stack.ts';
import { guest, report, webm } from '../../../relay-service/test/helpers/reports.ts';
import { tmpDir } from '../../../relay-service/test/helpers/tmp.ts';
import type { AgentIdentity } from '../../../relay-service/src/sessions/types.ts';

const run = promisify(execFile);
const pluginDir = resolve(import.meta.dirname, '../..');
const SF = resolve(pluginDir, '../node_modules/.bin/sf');
const SF_USERS = DEMO.salesforce.users;
const CASE = DEMO.salesforce.cases.printer;

interface SfJson<T> {
  status: number;
  result: T;
  name?: string;
  message?: string;
}

async function passwordToken(loginUrl: string, user: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: user.username,
      password: user.password,
      client_id: DEMO.oauthClient.clientId,
      client_secret: DEMO.oauthClient.clientSecret,
    }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
}

test('sf sightline against the CRM sandbox and a running relay', { timeout: 240_000 }, async (t) => {
  // An access-token login cannot refresh: the tokens outlive the whole run.
  const stack = await startStack(t, { salesforce: { orgId: DEMO.salesforce.orgId } }, { tokenTtlSeconds: 3600 });
  const home = tmpDir(t, 'sightline-sf-nut-');
  const env: NodeJS.ProcessEnv = {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_LOG_FILE: 'true',
    SF_HIDE_RELEASE_NOTES: 'true',
    NODE_NO_WARNINGS: '1',
  };
  const sfRaw = async (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    run(SF, args, { env: { ...env, ...extra }, cwd: home, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }).then(
      (out) => ({ code: 0, ...out }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({
        code: typeof err.code === 'number' ? err.code : 1,
        stdout: err.stdout ?? '',
        stderr: err.stderr ?? '',
      }),
    );
  const sf = async <T>(args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const out = await sfRaw([...args, '--json'], extra);
    try {
      return { code: out.code, json: JSON.parse(out.stdout) as SfJson<T> };
    } catch {
      throw new Error(`sf ${args.join(' ')} printed no JSON (exit ${out.code}): ${out.stdout}\n${out.stderr}`);
    }
  };
  // The CLI logs in to the org as the relay sees it (the relay's login URL), so its origins match.
  const instanceUrl = stack.config.salesforce.loginUrl;
  const login = async (alias: string, user: { username: string; password: string }) => {
    const res = await sf<{ username: string; orgId: string }>(
      ['org', 'login', 'access-token', '--instance-url', instanceUrl, '--no-prompt', '--alias', alias],
      { SF_ACCESS_TOKEN: await passwordToken(stack.sandbox.salesforceUrl, user) },
    );
    assert.equal(res.json.status, 0, res.json.message);
    assert.equal(res.json.result.username, user.username);
  };
  const relay = ['--relay-url', stack.relay.url];

  // Sessions as the relay writes them: the agent signs in to the relay, two sessions end on the case
  // (one with a recording and a guest the CRM does not know), one on a case that does not exist.
  await stack.signInAgent();
  const host: AgentIdentity = {
    crm: 'salesforce',
    userId: SF_USERS.agent.id,
    username: SF_USERS.agent.username,
    displayName: SF_USERS.agent.name,
  };
  const record = { crm: 'salesforce' as const, id: CASE, label: 'Case 00001001' };
  const recording = webm(600_000);
  // Read before the write-back takes the file (it deletes it once stored).
  const recordingBytes = recording.file.toBuffer();
  const withRecording = report(host, record, {
    attendees: [
      guest('Nina New', 'nina.new@newco.example', '+44 20 7946 0999'),
      guest('Jane Customer', DEMO.salesforce.contacts.jane.email),
    ],
    policy: { leads: 'never', recording: 'always' },
    recording,
  });
  const plain = report(host, record, {
    attendees: [guest('Nina New', 'Nina.New@newco.example')],
    policy: { leads: 'never' },
  });
  const broken = report(
    host,
    { crm: 'salesforce', id: '500Sl0000000099IAA', label: 'Case gone' },
    { policy: { leads: 'never' } },
  );
  for (const r of [withRecording, plain, broken]) stack.relay.writeBack.accept(r);
  for (let i = 0; i < 100 && stack.relay.writeBack.summary().backlog > 0; i++) {
    await stack.relay.writeBack.drain();
    await new Promise((ok) => setTimeout(ok, 50));
  }

  await t.test('the plugin links into the real sf and shows its help', async () => {
    const link = await sfRaw(['plugins', 'link', '--no-install', pluginDir]);
    assert.equal(link.code, 0, link.stderr);
    const help = await sfRaw(['sightline', 'org', 'check', '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /--relay-url=<value>/);
    assert.match(help.stdout, /EXAMPLES/);
    await login('manager', SF_USERS.manager);
    await login('sales', SF_USERS.sales);
  });

  await t.test('org check: everything present is ✔, exit code 0', async () => {
    const res = await sf<{ ok: boolean; checks: { check: string; ok: boolean; detail: string }[] }>([
      'sightline',
      'org',
      'check',
      '--target-org',
      'manager',
      ...relay,
      '--agent',
      SF_USERS.agent.username,
      '--manager',
      SF_USERS.manager.username,
      '--sales',
      SF_USERS.sales.username,
    ]);
    assert.deepEqual(
      res.json.result.checks.filter((c) => !c.ok),
      [],
    );
    assert.equal(res.code, 0);
    assert.equal(res.json.result.checks.length, 13);
  });

  await t.test(
    'org check: a missing wss Trusted URL and an unassigned user are ✖ with their fix, exit code 1',
    async () => {
      const token = await passwordToken(stack.sandbox.salesforceUrl, SF_USERS.manager);
      const sites = (await (
        await fetch(
          `${stack.sandbox.salesforceUrl}/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM CspTrustedSite WHERE DeveloperName = 'Sightline_Relay_WebSocket'")}`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        )
      ).json()) as { records: { Id: string }[] };
      const patch = await fetch(
        `${stack.sandbox.salesforceUrl}/services/data/v62.0/sobjects/CspTrustedSite/${sites.records[0]!.Id}`,
        {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ IsActive: false }),
        },
      );
      assert.equal(patch.status, 204);
      const out = await sfRaw([
        'sightline',
        'org',
        'check',
        '--target-org',
        'manager',
        ...relay,
        '--manager',
        SF_USERS.sales.username,
      ]);
      assert.equal(out.code, 1);
      assert.match(out.stdout, /✖ CSP Trusted Site for ws:\/\/127\.0\.0\.1:\d+: no active connect-src entry/);
      assert.match(
        out.stdout,
        new RegExp(
          `✖ Permission set Sightline_Manager: not assigned to ${SF_USERS.sales.username.replace('.', '\\.')}`,
        ),
      );
      assert.match(
        out.stdout,
        /fix: sf org assign permset --name Sightline_Manager --on-behalf-of sam\.sales@sightline\.demo/,
      );
      assert.match(out.stdout, /✔ Relay configured for this org: org 00DSl0000000001MAA/);
      assert.match(out.stdout, /2 of 13 checks failed/);
    },
  );

  await t.test("sessions list: the case's sessions with their attendees, newest first", async () => {
    const res = await sf<{ sessionId: string; caseId: string; agent: string; attendees: { name: string }[] }[]>([
      'sightline',
      'sessions',
      'list',
      '--target-org',
      'manager',
      '--case',
      CASE,
    ]);
    assert.equal(res.code, 0, res.json.message);
    const ids = res.json.result.map((s) => s.sessionId);
    assert.ok(
      ids.includes(withRecording.sessionId) && ids.includes(plain.sessionId) && !ids.includes(broken.sessionId),
    );
    const s = res.json.result.find((x) => x.sessionId === withRecording.sessionId)!;
    assert.equal(s.agent, SF_USERS.agent.username);
    assert.deepEqual(s.attendees.map((a) => a.name).sort(), ['Jane Customer', 'Nina New']);
    const none = await sf<unknown[]>([
      'sightline',
      'sessions',
      'list',
      '--target-org',
      'manager',
      '--agent',
      SF_USERS.sales.username,
    ]);
    assert.deepEqual(none.json.result, []);
  });

  await t.test(
    'recordings list and download: the bytes the relay uploaded, resumed after an interruption',
    async () => {
      const list = await sf<{ contentVersionId: string; sessionId: string; size: number }[]>([
        'sightline',
        'recordings',
        'list',
        '--target-org',
        'manager',
        '--case',
        CASE,
      ]);
      assert.equal(list.code, 0, list.json.message);
      assert.deepEqual(
        list.json.result.map((r) => [r.sessionId, r.size]),
        [[withRecording.sessionId, recordingBytes.byteLength]],
      );
      const dir = join(home, 'recordings');
      const first = await sf<{ path: string; status: string }[]>([
        'sightline',
        'recordings',
        'download',
        '--target-org',
        'manager',
        '--case',
        CASE,
        '--output-dir',
        dir,
      ]);
      assert.equal(first.code, 0, first.json.message);
      const path = first.json.result[0]!.path;
      const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
      assert.equal(sha(readFileSync(path)), sha(recordingBytes));
      // An interrupted download: the first 100 000 bytes are on disk as .part; the next run asks for the rest.
      writeFileSync(`${path}.part`, recordingBytes.subarray(0, 100_000));
      writeFileSync(path, '');
      const again = await sf<{ status: string }[]>([
        'sightline',
        'recordings',
        'download',
        '--target-org',
        'manager',
        '--case',
        CASE,
        '--output-dir',
        dir,
      ]);
      assert.equal(again.json.result[0]!.status, 'resumed');
      assert.equal(sha(readFileSync(path)), sha(recordingBytes));
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.endsWith('.part')),
        [],
      );
    },
  );

  await t.test(
    'leads unknown: one person per email, the known Contact left out; --create makes one Lead and links the rows',
    async () => {
      const unknown = await sf<{ email: string; attendeeIds: string[] }[]>([
        'sightline',
        'leads',
        'unknown',
        '--target-org',
        'sales',
      ]);
      assert.equal(unknown.code, 0, unknown.json.message);
      assert.deepEqual(
        unknown.json.result.map((p) => [p.email, p.attendeeIds.length]),
        [['nina.new@newco.example', 2]],
      );
      const created = await sf<{ email: string; leadId: string }[]>([
        'sightline',
        'leads',
        'unknown',
        '--target-org',
        'sales',
        '--create',
      ]);
      assert.equal(created.code, 0, created.json.message);
      const leadId = created.json.result[0]!.leadId;
      assert.match(leadId, /^00Q/);
      const conn = await stack.salesforceAs(SF_USERS.sales);
      const lead = (await conn.sobject('Lead').retrieve(leadId)) as Record<string, unknown>;
      assert.deepEqual(
        [lead.FirstName, lead.LastName, lead.Company, lead.LeadSource, lead.Email],
        ['Nina', 'New', '[not provided]', 'Screen Share', 'nina.new@newco.example'],
      );
      const rows = await conn.query<{ Lead__c: string }>(
        `SELECT Lead__c FROM Sightline_Attendee__c WHERE Email__c = 'nina.new@newco.example'`,
      );
      assert.deepEqual(
        rows.records.map((r) => r.Lead__c),
        [leadId, leadId],
      );
      const after = await sf<unknown[]>(['sightline', 'leads', 'unknown', '--target-org', 'sales', '--create']);
      assert.deepEqual(after.json.result, []);
      const leads = await conn.query(`SELECT Id FROM Lead WHERE Email = 'nina.new@newco.example'`);
      assert.equal(leads.totalSize, 1);
    },
  );

  await t.test('relay status and writebacks retry through the admin API, as a Sightline admin only', async () => {
    const status = await sf<{
      liveSessions: number;
      writeback: { backlog: number; failed: { sessionId: string; reason: string }[] };
    }>(['sightline', 'relay', 'status', '--target-org', 'manager', ...relay]);
    assert.equal(status.code, 0, status.json.message);
    assert.equal(status.json.result.liveSessions, 0);
    const failed = status.json.result.writeback.failed;
    assert.ok(failed.length >= 1 && failed.every((f) => f.sessionId === broken.sessionId), JSON.stringify(failed));
    assert.match(failed[0]!.reason, /could not be written: the record no longer exists/);
    const retry = await sf<{ retried: number }>([
      'sightline',
      'writebacks',
      'retry',
      '--target-org',
      'manager',
      ...relay,
      '--session',
      broken.sessionId,
    ]);
    assert.equal(retry.code, 0, retry.json.message);
    assert.equal(retry.json.result.retried, failed.length);
    const refused = await sf<unknown>(['sightline', 'relay', 'status', '--target-org', 'sales', ...relay]);
    assert.equal(refused.code, 1);
    assert.equal(refused.json.name, 'RelayForbidden');
    assert.match(refused.json.message ?? '', /lacks the Sightline_Admin custom permission/);
    assert.ok(stack.logs.text.includes('"admin request"'), 'admin calls are logged');
    assert.ok(
      !stack.logs.text.includes(await passwordToken(stack.sandbox.salesforceUrl, SF_USERS.manager)),
      'no token in the log',
    );
  });
  assert.ok(existsSync(home));
});
