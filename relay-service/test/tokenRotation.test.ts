// Salesforce refresh-token rotation against the sandbox through jsforce: after the agent's access
// token dies, a session's parallel write-back steps share one refresh, the rotated refresh token is
// stored, and nobody races into invalid_grant; a revoked grant surfaces as CrmError 'revoked'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentStore } from '../src/auth/AgentStore.ts';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import { CrmError } from '../src/crm/CrmError.ts';
import { createAdapterFactory, createTokenRefresher } from '../src/crm/adapterFor.ts';
import { DEMO, startStack, TEST_KEY, type Stack } from './helpers/stack.ts';

const SF = DEMO.salesforce;
const AGENT = { crm: 'salesforce' as const, userId: SF.users.agent.id };

function agentStore(stack: Stack): AgentStore {
  return new AgentStore(
    openDatabase(stack.config.relay.dataDir, 'auth.db'),
    new TokenCipher(Buffer.from(TEST_KEY, 'hex')),
  );
}

const revoke = (stack: Stack, token: string) =>
  fetch(`${stack.sandbox.salesforceUrl}/services/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });

/** Refresh grants the relay sent since `from` (an index into the proxy's request log). */
const refreshGrants = (stack: Stack, from: number) =>
  stack.sfProxy.seen.slice(from).filter((r) => r.method === 'POST' && r.path.startsWith('/services/oauth2/token'));

test('eight parallel steps after the access token expired: one refresh, the rotated token stored, no invalid_grant', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const store = agentStore(stack);
  const refresher = createTokenRefresher(stack.config, store);
  const adapterFor = createAdapterFactory(stack.config, store, refresher);
  for (let round = 0; round < 3; round++) {
    const before = store.tokens('salesforce', AGENT.userId)!;
    // The access token dies at the CRM (expiry or a session timeout): every call now gets a 401.
    assert.equal((await revoke(stack, before.accessToken!)).status, 200);
    const from = stack.sfProxy.seen.length;
    // Each write-back step builds its adapter from the stored tokens, as the outbox does.
    const steps = Array.from({ length: 8 }, () => adapterFor(AGENT).readRecord(SF.cases.printer));
    const results = await Promise.allSettled(steps);
    const failures = results
      .filter((r) => r.status === 'rejected')
      .map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(failures, [], `round ${round}: every step succeeds`);
    assert.equal(refreshGrants(stack, from).length, 1, `round ${round}: one refresh grant for eight steps`);
    assert.ok(
      refreshGrants(stack, from).every((r) => r.status === 200),
      'no refresh was refused',
    );
    const after = store.tokens('salesforce', AGENT.userId)!;
    assert.notEqual(after.refreshToken, before.refreshToken, 'the rotated refresh token replaced the spent one');
    assert.notEqual(after.accessToken, before.accessToken);
  }
  assert.equal(refresher.refreshes, 3);
});

test('without the shared refresher the same steps race into invalid_grant (what the sandbox enforces)', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const store = agentStore(stack);
  const before = store.tokens('salesforce', AGENT.userId)!;
  assert.equal((await revoke(stack, before.accessToken!)).status, 200);
  // One refresher per step: each spends the same stored refresh token.
  const steps = Array.from({ length: 4 }, () =>
    createAdapterFactory(
      stack.config,
      store,
      createTokenRefresher(stack.config, store),
    )(AGENT).readRecord(SF.cases.printer),
  );
  const results = await Promise.allSettled(steps);
  const revokedSteps = results.filter(
    (r) => r.status === 'rejected' && r.reason instanceof CrmError && r.reason.kind === 'revoked',
  );
  assert.ok(revokedSteps.length >= 1, 'rotation kills the parallel refreshes that lost the race');
});

test('a revoked grant: every parallel step fails as "revoked" with one refresh attempt', async (t) => {
  const stack = await startStack(t);
  await stack.signInAgent();
  const store = agentStore(stack);
  const refresher = createTokenRefresher(stack.config, store);
  const adapterFor = createAdapterFactory(stack.config, store, refresher);
  const tokens = store.tokens('salesforce', AGENT.userId)!;
  // Revoking the refresh token ends the access token issued from it too (the sandbox, like Salesforce).
  assert.equal((await revoke(stack, tokens.refreshToken)).status, 200);
  const from = stack.sfProxy.seen.length;
  stack.sfProxy.clear();
  const results = await Promise.allSettled(
    Array.from({ length: 5 }, () => adapterFor(AGENT).readRecord(SF.cases.printer)),
  );
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    const err = (r as PromiseRejectedResult).reason as CrmError;
    assert.ok(err instanceof CrmError, String(err));
    assert.equal(err.kind, 'revoked');
    assert.equal(err.code, 'invalid_grant');
  }
  assert.equal(refreshGrants(stack, from).length, 1);
});
