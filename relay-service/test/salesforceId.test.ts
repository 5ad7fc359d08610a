// Salesforce ids: 15 and 18 characters name the same record; the relay keeps the 18-character form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO } from '@sightline/crm-sandbox';
import { normalizeRecordId } from '../src/crm/recordId.ts';
import { normalizeSalesforceId } from '../src/crm/salesforceId.ts';

test('a 15-character id gets the checksum suffix Salesforce documents', () => {
  assert.equal(normalizeSalesforceId('001D000000IqhSL'), '001D000000IqhSLIAZ');
  assert.equal(normalizeSalesforceId('00300000003T2PG'), '00300000003T2PGAA0');
  // The sandbox computes its ids the same way.
  for (const id of Object.values(DEMO.salesforce.cases)) assert.equal(normalizeSalesforceId(id.slice(0, 15)), id);
});

test('an 18-character id is case-insensitive: the suffix restores the case of the first 15', () => {
  assert.equal(normalizeSalesforceId('001D000000IqhSLIAZ'), '001D000000IqhSLIAZ');
  assert.equal(normalizeSalesforceId('001d000000iqhsliaz'), '001D000000IqhSLIAZ');
  assert.equal(normalizeSalesforceId('001D000000IQHSLIAZ'), '001D000000IqhSLIAZ');
  // The suffix marks a digit as upper case: not an id.
  assert.equal(normalizeSalesforceId('001D000000IqhSLZAZ'), null);
});

test('anything else is not a Salesforce id; sys_ids are lower-cased', () => {
  for (const bad of ['', 'x', '001D000000IqhS', '001D000000IqhSLIA', '001D000000IqhSL-AZ', '001D000000IqhSLIAZ1'])
    assert.equal(normalizeSalesforceId(bad), null, bad);
  assert.equal(normalizeRecordId('salesforce', '001D000000IqhSL'), '001D000000IqhSLIAZ');
  assert.equal(normalizeRecordId('servicenow', 'A'.repeat(32)), 'a'.repeat(32));
  assert.equal(normalizeRecordId('servicenow', '001D000000IqhSL'), null);
});
