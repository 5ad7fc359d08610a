// The customer's invitation text: who invites, what the join page will ask, when the link expires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policySchema } from '@sightline/config';
import { invitationEmail } from '../src/crm/invitationEmail.ts';

const base = {
  agentName: 'Alex Agent',
  companyName: 'Acme Support',
  recordLabel: 'Case 00001001: Printer',
  link: 'https://relay.example/j/tok',
  keyEntry: { url: 'https://relay.example/join', key: '482913' },
  expiresAt: '2026-11-21T09:10:00.000Z',
  now: new Date('2026-11-21T09:00:00.000Z'),
};

test('names the agent and company, the link and key, the questions and the expiry', () => {
  const { subject, body } = invitationEmail({ ...base, policy: policySchema.parse({}), contactName: 'Jane' });
  assert.equal(subject, 'Screen share with Alex Agent (Acme Support): Case 00001001: Printer');
  assert.match(body, /^Hello Jane,\n\nAlex Agent \(Acme Support\) invites you/);
  assert.match(
    body,
    /Join here: https:\/\/relay\.example\/j\/tok\nOr open https:\/\/relay\.example\/join and enter the session key 482913\./,
  );
  assert.match(body, /- for your name and your email address, and optionally your phone number;/);
  assert.match(body, /- if the agent wants to record the session, whether you agree/);
  assert.match(body, /The link expires at 09:10 UTC on 2026-11-21 \(in about 10 minutes\)/);
});

test('follows the policy: no contact questions, always recorded, no key', () => {
  const policy = policySchema.parse({
    keyMode: 'none',
    recording: 'always',
    contactFields: { name: 'off', email: 'off', phone: 'off' },
  });
  const { body } = invitationEmail({ ...base, keyEntry: null, policy });
  assert.match(body, /^Hello,/);
  assert.ok(!body.includes('session key'));
  assert.ok(!body.includes('- for '), 'no contact details are asked');
  assert.match(body, /- whether you agree to the session being recorded \(it is recorded only if you agree\)\./);
  const never = invitationEmail({ ...base, policy: policySchema.parse({ recording: 'never' }) }).body;
  assert.match(never, /This session is not recorded\./);
  const required = invitationEmail({
    ...base,
    policy: policySchema.parse({ contactFields: { name: 'optional', email: 'optional', phone: 'off' } }),
  }).body;
  assert.match(required, /- for your name and your email address \(optional\);/);
});
