// Conformance with the Salesforce CLI (@salesforce/cli, installed as a devDependency), run unchanged
// against the sandbox: log in with an access token, then query, create and get records. Everything the
// CLI writes goes to a temporary HOME.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { DEMO } from '../src/index.ts';
import { passwordToken, startTestSandbox, type TestSandbox } from './helpers.ts';

const execFileAsync = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const SF = join(root, 'node_modules/.bin/sf');
const agent = DEMO.salesforce.users.agent;

interface SfResult<T> {
  status: number;
  result: T;
  message?: string;
}

describe('Salesforce CLI against the Salesforce sandbox', () => {
  let t: TestSandbox;
  let home: string;
  let env: NodeJS.ProcessEnv;

  async function sf<T>(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<SfResult<T>> {
    const out = await execFileAsync(SF, [...args, '--json'], {
      env: { ...env, ...extraEnv },
      cwd: home,
      timeout: 120_000,
    }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }));
    const json = out.stdout.slice(out.stdout.indexOf('{'));
    try {
      return JSON.parse(json) as SfResult<T>;
    } catch {
      throw new Error(`sf ${args[0]} ${args[1]} printed no JSON: ${out.stdout}\n${out.stderr}`);
    }
  }

  before(async () => {
    // Salesforce's default session lifetime (2 h), not the test config's 60 s: each `sf` run takes
    // seconds (tens under load), and this suite is about what the CLI sends, not about expiry.
    t = await startTestSandbox({ accessTokenTtlSeconds: 7200 });
    home = await mkdtemp(join(tmpdir(), 'sightline-sf-home-'));
    env = {
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
      NODE_NO_WARNINGS: '1',
    };
    const login = await sf<{ username: string; orgId: string; instanceUrl: string }>(
      ['org', 'login', 'access-token', '--instance-url', t.sandbox.salesforceUrl, '--no-prompt', '--alias', 'sandbox'],
      { SF_ACCESS_TOKEN: await passwordToken(t.sandbox.salesforceUrl) },
    );
    assert.equal(login.status, 0, login.message);
    assert.equal(login.result.username, agent.username);
    assert.equal(login.result.orgId, DEMO.salesforce.orgId);
  });
  after(async () => {
    await t.close();
    await rm(home, { recursive: true, force: true });
  });

  test('sf data query returns records with parent relationship fields', async () => {
    const res = await sf<{
      totalSize: number;
      done: boolean;
      records: Array<{ CaseNumber: string; Contact: { Name: string } }>;
    }>([
      'data',
      'query',
      '--query',
      'SELECT Id, CaseNumber, Contact.Name FROM Case ORDER BY CaseNumber',
      '--target-org',
      'sandbox',
    ]);
    assert.equal(res.status, 0, res.message);
    assert.equal(res.result.totalSize, 3);
    assert.equal(res.result.done, true);
    assert.deepEqual(
      res.result.records.map((r) => r.CaseNumber),
      ['00001001', '00001002', '00001003'],
    );
    assert.equal(res.result.records[0]!.Contact.Name, 'Jane Customer');
  });

  test('sf data create record then sf data get record', async () => {
    const created = await sf<{ id: string; success: boolean }>([
      'data',
      'create',
      'record',
      '--sobject',
      'Lead',
      '--values',
      "LastName='Cli Lead' Company=Acme Email=cli@lead.example",
      '--target-org',
      'sandbox',
    ]);
    assert.equal(created.status, 0, created.message);
    assert.equal(created.result.success, true);
    assert.match(created.result.id, /^00Q\w{15}$/);
    const got = await sf<{ Id: string; Name: string; Company: string; Status: string }>([
      'data',
      'get',
      'record',
      '--sobject',
      'Lead',
      '--record-id',
      created.result.id,
      '--target-org',
      'sandbox',
    ]);
    assert.equal(got.status, 0, got.message);
    assert.equal(got.result.Id, created.result.id);
    assert.equal(got.result.Name, 'Cli Lead');
    assert.equal(got.result.Status, 'Open - Not Contacted');
    const bad = await sf([
      'data',
      'create',
      'record',
      '--sobject',
      'Lead',
      '--values',
      'Email=x@y.example',
      '--target-org',
      'sandbox',
    ]);
    assert.notEqual(bad.status, 0);
    assert.match(String(bad.message), /Required fields are missing: \[LastName, Company\]/);
  });
});
