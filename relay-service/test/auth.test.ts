import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@sightline/config';
import { AgentStore } from '../src/auth/AgentStore.ts';
import { LoginSessions } from '../src/auth/LoginSessions.ts';
import { OAuthStateStore } from '../src/auth/OAuthStateStore.ts';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import { returnToSchema } from '../src/auth/authRouter.ts';
import { tmpDir } from './helpers/tmp.ts';

const config = (dataDir: string, tokenEncryptionKey?: string) =>
  loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: { relay: { dataDir, ...(tokenEncryptionKey ? { tokenEncryptionKey } : {}) } },
  });

test('TokenCipher round-trips, and refuses tampered data or another row', (t) => {
  const cipher = TokenCipher.fromConfig(config(tmpDir(t), 'ab'.repeat(32)));
  const sealed = cipher.encrypt('refresh-token-value', 'salesforce:005:refresh');
  assert.equal(cipher.decryptText(sealed, 'salesforce:005:refresh'), 'refresh-token-value');
  assert.ok(!sealed.toString('latin1').includes('refresh-token-value'));
  assert.throws(() => cipher.decrypt(sealed, 'salesforce:006:refresh'));
  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => cipher.decrypt(tampered, 'salesforce:005:refresh'));
});

test('TokenCipher generates a development key once, 0600, outside the data directory, and reuses it', (t) => {
  const dir = tmpDir(t);
  const keyDir = tmpDir(t);
  const dev = { ...config(dir), relay: { ...config(dir).relay, devKeyDir: keyDir } };
  const a = TokenCipher.fromConfig(dev);
  assert.deepEqual(readdirSync(dir), [], 'nothing in the data directory');
  const [name] = readdirSync(keyDir);
  const file = join(keyDir, name!);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(readFileSync(file, 'utf8'), /^[0-9a-f]{64}$/);
  const b = TokenCipher.fromConfig(dev);
  assert.equal(b.decryptText(a.encrypt('x', 'aad'), 'aad'), 'x');
  // A key an earlier version left next to the databases is moved out, and still opens what it sealed.
  const old = tmpDir(t);
  const legacyKey = 'ab'.repeat(32);
  writeFileSync(join(old, 'token.key'), legacyKey, { mode: 0o600 });
  const sealed = new TokenCipher(Buffer.from(legacyKey, 'hex')).encrypt('y', 'aad');
  const moved = TokenCipher.fromConfig({ ...dev, relay: { ...dev.relay, dataDir: old } });
  assert.equal(moved.decryptText(sealed, 'aad'), 'y');
  assert.ok(!existsSync(join(old, 'token.key')));
  assert.equal(readdirSync(keyDir).length, 2);
});

test('TokenCipher rejects a key of the wrong size, and production without a key', (t) => {
  assert.throws(() => TokenCipher.fromConfig(config(tmpDir(t), 'cd'.repeat(20))), /32 bytes/);
  const prod = { ...config(tmpDir(t)), env: 'production' as const };
  assert.throws(() => TokenCipher.fromConfig(prod), /required in production/);
});

test('AgentStore keeps tokens encrypted at rest and updates refreshed ones', (t) => {
  const dir = tmpDir(t);
  const db = openDatabase(dir, 'auth.db');
  t.after(() => db.close());
  const store = new AgentStore(db, TokenCipher.fromConfig(config(dir)));
  const identity = { crm: 'salesforce' as const, userId: '005000000000001AAA', username: 'a@x', displayName: 'A' };
  store.save(identity, { instanceUrl: 'http://127.0.0.1:1', accessToken: 'ACCESS-1', refreshToken: 'REFRESH-1' });
  assert.deepEqual(store.identity('salesforce', identity.userId), identity);
  assert.equal(store.tokens('salesforce', identity.userId)?.refreshToken, 'REFRESH-1');
  store.updateTokens('salesforce', identity.userId, 'ACCESS-2');
  assert.deepEqual(store.tokens('salesforce', identity.userId), {
    instanceUrl: 'http://127.0.0.1:1',
    accessToken: 'ACCESS-2',
    refreshToken: 'REFRESH-1',
  });
  db.exec('PRAGMA wal_checkpoint(FULL)');
  const raw = readFileSync(join(dir, 'auth.db')).toString('latin1');
  assert.ok(!raw.includes('REFRESH-1') && !raw.includes('ACCESS-2'), 'tokens must not be stored in clear');
  assert.equal(store.identity('servicenow', identity.userId), null);
});

test('LoginSessions resolve until expiry or logout, and store only a hash of the id', (t) => {
  const dir = tmpDir(t);
  const db = openDatabase(dir, 'auth.db');
  t.after(() => db.close());
  let now = 1_000_000;
  const sessions = new LoginSessions(db, { ttlMs: 60_000, now: () => now });
  const sid = sessions.create('servicenow', 'u1');
  assert.deepEqual(sessions.resolve(sid), { crm: 'servicenow', userId: 'u1', expiresAt: 1_060_000 });
  const stored = db.prepare('SELECT sid_hash FROM login_sessions').all() as { sid_hash: string }[];
  assert.ok(stored.every((r) => r.sid_hash !== sid));
  assert.equal(sessions.resolve('forged'), null);
  now += 60_000;
  assert.equal(sessions.resolve(sid), null);
  const sid2 = sessions.create('servicenow', 'u1');
  sessions.destroy(sid2);
  assert.equal(sessions.resolve(sid2), null);
});

function stateRequest(binding: string | undefined) {
  return { loginBinding: binding, headers: binding ? { cookie: `other=1; sightline_login=${binding}` } : {} } as never;
}
const meta = { authorizationURL: 'http://crm/authorize' };

function storeState(store: OAuthStateStore, binding: string): Promise<string> {
  return new Promise((ok, fail) =>
    store.store(stateRequest(binding), 'the-verifier', { returnTo: '/console/x' }, meta, (err, handle) =>
      err ? fail(err) : ok(handle!),
    ),
  );
}
function verifyState(store: OAuthStateStore, cookie: string | undefined, state: unknown, m = meta) {
  return new Promise<{ ok: unknown; info: unknown }>((resolve) =>
    store.verify(stateRequest(cookie), state, m, (_err, ok, info) => resolve({ ok, info })),
  );
}

test('OAuthStateStore: the state works once, from the same browser, for the same CRM', async () => {
  const store = new OAuthStateStore();
  const handle = await storeState(store, 'browser-1');
  assert.deepEqual(await verifyState(store, 'browser-1', handle), {
    ok: 'the-verifier',
    info: { returnTo: '/console/x' },
  });
  const replay = await verifyState(store, 'browser-1', handle);
  assert.equal(replay.ok, false, 'a replayed state is refused');

  const forged = await verifyState(store, 'browser-1', 'forged-state-value');
  assert.equal(forged.ok, false);
  assert.match(String((forged.info as { message: string }).message), /unknown/);

  const stolen = await storeState(store, 'browser-1');
  assert.equal((await verifyState(store, 'browser-2', stolen)).ok, false, 'another browser cannot use it');
  assert.equal((await verifyState(store, 'browser-1', stolen)).ok, false, 'and it is spent after that attempt');

  const other = await storeState(store, 'browser-1');
  assert.equal(
    (await verifyState(store, 'browser-1', other, { authorizationURL: 'http://other/authorize' })).ok,
    false,
  );
  assert.equal((await verifyState(store, undefined, await storeState(store, 'b'))).ok, false, 'no cookie, no sign-in');
});

test('OAuthStateStore: a state expires after its time to live', async () => {
  let now = 0;
  const store = new OAuthStateStore({ ttlMs: 1000, now: () => now });
  const handle = await storeState(store, 'b');
  now = 1000;
  assert.equal((await verifyState(store, 'b', handle)).ok, false);
});

test('returnTo accepts relay paths only (no open redirect)', () => {
  assert.equal(returnToSchema.parse('/console/s_abc?x=1'), '/console/s_abc?x=1');
  assert.equal(returnToSchema.parse(undefined), '/');
  for (const bad of ['//evil.example', 'https://evil.example', '/\\evil.example', 'console']) {
    assert.equal(returnToSchema.safeParse(bad).success, false, bad);
  }
});

test('OAuthStateStore: pending sign-ins are bounded, the oldest forgotten first', async () => {
  const store = new OAuthStateStore({ maxPending: 2 });
  const first = await storeState(store, 'b');
  const second = await storeState(store, 'b');
  const third = await storeState(store, 'b');
  assert.equal((await verifyState(store, 'b', first)).ok, false);
  assert.equal((await verifyState(store, 'b', second)).ok, 'the-verifier');
  assert.equal((await verifyState(store, 'b', third)).ok, 'the-verifier');
});
