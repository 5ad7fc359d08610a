// The Salesforce adapter through jsforce against the sandbox, as the signed-in agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentStore } from '../src/auth/AgentStore.ts';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import { CrmError } from '../src/crm/CrmError.ts';
import { createTokenRefresher } from '../src/crm/adapterFor.ts';
import { SalesforceAdapter } from '../src/crm/SalesforceAdapter.ts';
import { DEMO, startStack, TEST_KEY, type Stack } from './helpers/stack.ts';

const SF = DEMO.salesforce;

async function adapter(stack: Stack, onAccessToken: (t: string) => void = () => {}) {
  await stack.signInAgent();
  const store = new AgentStore(
    openDatabase(stack.config.relay.dataDir, 'auth.db'),
    new TokenCipher(Buffer.from(TEST_KEY, 'hex')),
  );
  const refresher = createTokenRefresher(stack.config, store);
  return new SalesforceAdapter({
    loginUrl: stack.sfProxy.url,
    clientId: DEMO.oauthClient.clientId,
    clientSecret: DEMO.oauthClient.clientSecret,
    apiVersion: stack.config.salesforce.apiVersion,
    tokens: store.tokens('salesforce', SF.users.agent.id)!,
    refresh: async (stale) => {
      const token = await refresher.refresh('salesforce', SF.users.agent.id, stale);
      onAccessToken(token);
      return token;
    },
  });
}

test('reads the Case with its contact, and refuses what the agent cannot read', async (t) => {
  const stack = await startStack(t);
  const sf = await adapter(stack);
  const record = await sf.readRecord(SF.cases.printer);
  assert.equal(record.id, SF.cases.printer);
  assert.match(record.label, /^Case \d+: /);
  assert.deepEqual(record.contact, {
    id: SF.contacts.jane.id,
    name: SF.contacts.jane.name,
    email: SF.contacts.jane.email,
  });
  await assert.rejects(
    sf.readRecord('500000000000999AAA'),
    (e: unknown) => e instanceof CrmError && e.kind === 'not_found',
  );
  await assert.rejects(
    sf.readRecord("500' OR Id != '"),
    (e: unknown) => e instanceof CrmError && e.code === 'MALFORMED_ID',
  );
});

test('finds Contacts and open Leads by email (escaped), creates a Lead only once', async (t) => {
  const stack = await startStack(t);
  const sf = await adapter(stack);
  assert.deepEqual(await sf.findContactOrLead(SF.contacts.jane.email), { kind: 'contact', id: SF.contacts.jane.id });
  assert.deepEqual(await sf.findContactOrLead(SF.leads.open.email), { kind: 'lead', id: SF.leads.open.id });
  const converted = await sf.findContactOrLead(SF.leads.converted.email);
  assert.notEqual(converted?.id, SF.leads.converted.id, 'a converted Lead does not count');
  assert.equal(await sf.findContactOrLead("o'brien@x.example"), null);
  const lead = { lastName: "O'Brien", email: "o'brien@x.example", company: 'x.example' };
  const id = await sf.createLead(lead);
  assert.equal(await sf.createLead(lead), id);
  assert.deepEqual(await sf.findContactOrLead("o'brien@x.example"), { kind: 'lead', id });
});

test('a Task is written once per marker and parent; a rejected write is permanent', async (t) => {
  const stack = await startStack(t);
  const sf = await adapter(stack);
  const activity = {
    marker: 's_adapter_test',
    subject: 'Screen share 1 2026-11-21',
    description: 'log',
    recordId: SF.cases.invoice,
    date: new Date('2026-11-21T10:00:00Z'),
    durationSeconds: 12.4,
  };
  const id = await sf.writeActivity(activity);
  assert.equal(await sf.writeActivity(activity), id);
  const other = await sf.writeActivity({ ...activity, recordId: undefined, whoId: SF.leads.open.id });
  assert.notEqual(other, id);
  await assert.rejects(
    sf.writeActivity({ ...activity, marker: 's_other', recordId: SF.contacts.jane.id }),
    (e: unknown) => e instanceof CrmError && e.permanent,
  );
});

test('the invite email goes through emailSimple; refreshes persist the new access token', async (t) => {
  const stack = await startStack(t);
  const seen: string[] = [];
  const sf = await adapter(stack, (token) => seen.push(token));
  stack.sfProxy.fail((_m, p) => p.includes('/actions/standard/emailSimple'), 1, {
    status: 401,
    body: '[{"errorCode":"INVALID_SESSION_ID","message":"Session expired or invalid"}]',
  });
  await sf.sendEmail({ to: ['casey@example.com'], subject: 'Join', body: 'http://relay/j/abc' });
  assert.equal(seen.length, 1, 'the 401 made jsforce refresh, and the new token was handed back');
  const outbox = await stack.sandboxPage(stack.sandbox.salesforceUrl, '/outbox');
  assert.ok(outbox.includes('casey@example.com'));
});

test('attendee rows are upserted on their key: the same row however often, an over-long email left out', async (t) => {
  const stack = await startStack(t);
  const sf = await adapter(stack);
  const row = {
    key: 's_upsert123:p_guest1',
    sessionId: 's_upsert123',
    recordId: SF.cases.printer.slice(0, 15),
    name: 'Grace Hopper',
    role: 'Guest' as const,
    email: `${'g'.repeat(70)}@navy.example`,
    phone: '+1 202 555 0142',
    joinedAt: '2026-11-21T09:01:00.000Z',
    leftAt: null,
    contactId: null,
    leadId: null,
  };
  const first = await sf.upsertAttendee(row);
  const again = await sf.upsertAttendee({ ...row, leftAt: '2026-11-21T09:13:00.000Z' });
  assert.equal(again, first);
  const conn = await stack.salesforceAs();
  const { records } = await conn.query<Record<string, unknown>>(
    `SELECT Id, Case__c, Email__c, Phone__c, Left_At__c FROM Sightline_Attendee__c WHERE Attendee_Key__c = '${row.key}'`,
  );
  assert.equal(records.length, 1);
  assert.equal(records[0]!.Case__c, SF.cases.printer, 'the 15-character Case id was sent in its 18-character form');
  assert.equal(records[0]!.Email__c, null, 'an Email field holds 80 characters');
  assert.equal(records[0]!.Phone__c, row.phone);
  assert.equal(new Date(String(records[0]!.Left_At__c)).toISOString(), '2026-11-21T09:13:00.000Z');
});
