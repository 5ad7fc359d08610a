// A public OAuth client (PKCE, no client secret configured): sign-in and token refresh must send no
// client_secret at all. The sandbox checks any client_secret it is sent, so an empty one is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentStore } from '../src/auth/AgentStore.ts';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import { report, SF_AGENT, SN_AGENT } from './helpers/reports.ts';
import { DEMO, startStack, TEST_KEY } from './helpers/stack.ts';

test('a public client signs in and refreshes tokens on both CRMs without sending client_secret', async (t) => {
  const stack = await startStack(t, {}, { publicClient: true });
  assert.equal(stack.config.salesforce.clientSecret, undefined);
  assert.equal(stack.config.servicenow.clientSecret, undefined);
  assert.equal(stack.config.sandbox.enabled, false, 'no fallback to the demo secret');
  // Authorization code + PKCE, no secret (an empty client_secret would be refused).
  const jars = { salesforce: await stack.signInAgent('salesforce'), servicenow: await stack.signInAgent('servicenow') };

  const store = new AgentStore(
    openDatabase(stack.config.relay.dataDir, 'auth.db'),
    new TokenCipher(Buffer.from(TEST_KEY, 'hex')),
  );
  const sfBefore = store.tokens('salesforce', SF_AGENT.userId)!;
  const snBefore = store.tokens('servicenow', SN_AGENT.userId)!;
  const revoke = async (url: string, token: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    assert.ok(res.ok, url);
  };
  // Expired access tokens: the write-back must refresh them.
  await revoke(`${stack.sandbox.salesforceUrl}/services/oauth2/revoke`, sfBefore.accessToken!);
  await revoke(`${stack.sandbox.servicenowUrl}/oauth_revoke_token.do`, snBefore.accessToken!);

  const sf = report(SF_AGENT, { crm: 'salesforce', id: DEMO.salesforce.cases.printer, label: 'Case 00001001' });
  const sn = report(SN_AGENT, {
    crm: 'servicenow',
    id: DEMO.servicenow.incidents.vpn.id,
    label: DEMO.servicenow.incidents.vpn.number,
  });
  stack.relay.writeBack.accept(sf);
  stack.relay.writeBack.accept(sn);
  await stack.relay.writeBack.drain();

  for (const r of [sf, sn]) {
    const res = await stack.api(`/api/writebacks?sessionId=${r.sessionId}`, { jar: jars[r.host.crm] });
    const { writebacks } = (await res.json()) as {
      writebacks: { step: string; status: string; error: string | null }[];
    };
    assert.ok(writebacks.length > 0);
    for (const s of writebacks) assert.equal(s.status, 'done', `${r.host.crm} ${s.step}: ${s.error ?? ''}`);
  }
  assert.notEqual(
    store.tokens('salesforce', SF_AGENT.userId)!.accessToken,
    sfBefore.accessToken,
    'Salesforce refreshed',
  );
  assert.notEqual(
    store.tokens('servicenow', SN_AGENT.userId)!.accessToken,
    snBefore.accessToken,
    'ServiceNow refreshed',
  );
  assert.ok(
    stack.sfProxy.seen.some((s) => s.status === 401) && stack.snProxy.seen.some((s) => s.status === 401),
    'both CRMs refused the revoked token first',
  );
});
