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
