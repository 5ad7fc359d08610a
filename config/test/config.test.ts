import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../src/index.ts';

test('embedded defaults: relay 8080, sandbox 8081/8082 on loopback', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.env, 'development');
  assert.equal(c.relay.host, '127.0.0.1');
  assert.equal(c.relay.port, 8080);
  assert.equal(c.sandbox.salesforcePort, 8081);
  assert.equal(c.sandbox.servicenowPort, 8082);
  assert.equal(c.policy.groups.default?.waitingTimeoutMinutes, 10);
  assert.equal(c.policy.groups.default?.contactFields.email, 'required');
});

test('environment variables override ports and are type-checked', () => {
  const c = loadConfig({ env: { SIGHTLINE_RELAY_PORT: '9090', SIGHTLINE_SANDBOX_SALESFORCE_PORT: '9091' } });
  assert.equal(c.relay.port, 9090);
  assert.equal(c.sandbox.salesforcePort, 9091);
  assert.throws(
    () => loadConfig({ env: { SIGHTLINE_RELAY_PORT: 'eighty' } }),
    (e: unknown) => e instanceof ConfigError && /SIGHTLINE_RELAY_PORT="eighty": expected a number/.test(e.message),
  );
});

test('a bad value names the key, the value and what was expected', () => {
  assert.throws(
    () => parseConfig({ relay: { port: 70000 } }),
    (e: unknown) => e instanceof ConfigError && /relay\.port: .*65535.*\(got 70000\)/.test(e.message),
  );
  assert.throws(
    () => parseConfig({ policy: { groups: { default: { recording: 'sometimes' } } } }),
    (e: unknown) => e instanceof ConfigError && /policy\.groups\.default\.recording: .*"sometimes"/.test(e.message),
  );
  assert.throws(
    () => parseConfig({ relay: { prot: 1 } }),
    (e: unknown) => e instanceof ConfigError && /relay: .*prot/.test(e.message),
  );
});

test('secrets are never echoed in errors', () => {
  assert.throws(
    () => parseConfig({ relay: { tokenEncryptionKey: 'short-secret' } }),
    (e: unknown) => e instanceof ConfigError && !e.message.includes('short-secret') && /<redacted>/.test(e.message),
  );
});

test('fixed keys need a key; members must name a defined group', () => {
  assert.throws(() => parseConfig({ policy: { groups: { default: { keyMode: 'fixed' } } } }), /fixedKey/);
  assert.throws(
    () => parseConfig({ policy: { members: { 'a@b.c': 'gold' } } }),
    /group that policy.groups does not define/,
  );
});

test('production refuses the embedded sandbox, plain http and a missing token key', () => {
  assert.throws(
    () => loadConfig({ env: { SIGHTLINE_ENV: 'production' } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.issues.some((i) => i.includes('tokenEncryptionKey')) &&
      e.issues.some((i) => i.includes('https')),
  );
});

test('SIGHTLINE_CONFIG file and *_FILE secrets are read from outside the repo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-config-'));
  const file = join(dir, 'site.json');
  writeFileSync(file, JSON.stringify({ relay: { publicUrl: 'https://relay.example.com' } }));
  const secret = join(dir, 'secret');
  writeFileSync(secret, 's3cr3t-value\n');
  const c = loadConfig({ env: { SIGHTLINE_CONFIG: file, SIGHTLINE_SALESFORCE_CLIENT_SECRET_FILE: secret } });
  assert.equal(c.relay.publicUrl, 'https://relay.example.com');
  assert.equal(c.salesforce.clientSecret, 's3cr3t-value');
  writeFileSync(file, '{ not json');
  assert.throws(() => loadConfig({ env: { SIGHTLINE_CONFIG: file } }), /site\.json: .*JSON/);
});

test('an unknown SIGHTLINE_* variable is an error naming the closest known one', () => {
  assert.throws(
    () => loadConfig({ env: { SIGHTLINE_RELAY_PROT: '9090' } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.issues.some((i) =>
        /^SIGHTLINE_RELAY_PROT: not a Sightline variable; did you mean SIGHTLINE_RELAY_PORT\?$/.test(i),
      ),
  );
  assert.throws(
    () => loadConfig({ env: { SIGHTLINE_TOTALLY_DIFFERENT_THING: 'x' } }),
    /SIGHTLINE_TOTALLY_DIFFERENT_THING: not a Sightline variable \(the README lists them\)/,
  );
  // Variables read outside the configuration, and *_FILE forms of known ones, are fine.
  const c = loadConfig({ env: { SIGHTLINE_TEST_CLOCK: '1', SIGHTLINE_CONFIG: '', OTHER_THING: 'x' } });
  assert.equal(c.relay.port, 8080);
});

test('a *_FILE that cannot be read is reported like any bad value, with no stack trace', () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'sightline-config-')), 'nope');
  assert.throws(
    () => loadConfig({ env: { SIGHTLINE_SALESFORCE_CLIENT_SECRET_FILE: missing, SIGHTLINE_RELAY_PORT: 'x' } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.issues.length === 2 &&
      e.issues.includes(
        `SIGHTLINE_SALESFORCE_CLIENT_SECRET_FILE=${JSON.stringify(missing)}: cannot read the file (ENOENT)`,
      ) &&
      !/\n\s+at /.test(e.message),
  );
});

test('only secrets are redacted: keyLength and keyMode are shown', () => {
  assert.throws(
    () => parseConfig({ policy: { groups: { default: { keyLength: 99, keyMode: 'sometimes' } } } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /keyLength: .*\(got 99\)/.test(e.message) &&
      /keyMode: .*\(got "sometimes"\)/.test(e.message),
  );
  assert.throws(
    () => parseConfig({ salesforce: { clientSecret: '' }, redis: { url: 'http://user:pw@host' } }),
    (e: unknown) =>
      e instanceof ConfigError && !e.message.includes('user:pw') && /clientSecret: .*<redacted>/.test(e.message),
  );
});

test('the write-back schedule, concurrency and timeouts come from the configuration', () => {
  const c = parseConfig({ writeBack: { retry: { baseMs: 10 }, concurrency: 2, callTimeoutMs: 50 } });
  assert.deepEqual(
    [c.writeBack.retry.baseMs, c.writeBack.retry.maxMs, c.writeBack.concurrency, c.writeBack.callTimeoutMs],
    [10, 15 * 60_000, 2, 50],
  );
  assert.throws(() => parseConfig({ writeBack: { concurrency: 0 } }), /writeBack\.concurrency/);
});
