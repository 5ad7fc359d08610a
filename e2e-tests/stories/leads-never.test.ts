// Story 4 with the lead policy "never": the attendee with an unknown email is listed as unknown
// and the sales user creates the Lead with one click; a second session with the same attendee
// creates no duplicate; an attendee whose email matches a Contact is linked to that Contact.
// Customers join with the key the agent reads out (the relay's /join page).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { attendeeRowsOfSession, caseTaskOf, leadsWithEmail, salesforceAs, type Conn } from '../support/crm.ts';
import { agentStartsSession, customerEntersKey, customerLeaves, customerShares } from '../support/flows.ts';
import type { Contact } from '../support/pages.ts';
import { assertRelayHoldsNothing } from '../support/relay.ts';
import { attendeesList, openCase, signInToSandbox } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT } from '../support/wait.ts';

const USERS = DEMO.salesforce.users;
const CASE = DEMO.salesforce.cases.login;
const UNKNOWN: Contact = { name: 'Grace Hopper', email: 'grace.hopper@navy-cobol.example' };
const KNOWN: Contact = { name: 'Raj Patel', email: DEMO.salesforce.contacts.raj.email };

let system: System;
let browser: Browsers;
let crm: Conn;
let agent: Person;
const people: Person[] = [];

before(async () => {
  system = await startSystem({ policy: { leads: 'never' } });
  browser = await launchChromium();
  crm = await salesforceAs(system.salesforceUrl, USERS.sales);
});

after(async () => {
  for (const p of people) await p.context.close().catch(() => {});
  await browser?.close();
  await system?.stop();
});

async function newPerson(name: string): Promise<Person> {
  const p = await person(browser, name);
  people.push(p);
  return p;
}

/** One whole session on the case with one customer; returns its id once the CRM has its Task. */
async function sessionWith(contact: Contact): Promise<string> {
  const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
  const customer = await newPerson(`customer ${contact.name}`);
  await customerEntersKey(customer.page, system.relayUrl, started.key);
  await customerShares(customer.page, contact, 'not asked');
  await customerLeaves(customer.page, started.console);
  await started.console.close();
  await customer.context.close();
  await caseTaskOf(crm, started.sessionId, CASE);
  await assertRelayHoldsNothing(system.relayUrl, started.sessionId, agent.context);
  assert.deepEqual(customer.problems, []);
  return started.sessionId;
}

/** The attendee's row in the Case page's attendee list, as the sales user sees it. */
async function attendeeRow(sales: Person, email: string) {
  await openCase(sales.page, system.salesforceUrl, CASE);
  const row = attendeesList(sales.page).locator('li.attendee').filter({ hasText: email });
  await row.waitFor({ timeout: TIMEOUT });
  return row;
}

describe('story 4 with the lead policy "never"', { timeout: 240_000 }, () => {
  test('an unknown attendee is listed as unknown; sales creates the Lead with one click', async () => {
    agent = await newPerson('agent');
    await signInToSandbox(agent.page, system.salesforceUrl, USERS.agent);
    const sessionId = await sessionWith(UNKNOWN);
    assert.deepEqual(await leadsWithEmail(crm, UNKNOWN.email), [], 'policy "never": no Lead by itself');
    const rows = await attendeeRowsOfSession(crm, sessionId);
    assert.ok(
      rows.some((r) => r.Email__c === UNKNOWN.email && r.Case__c === CASE && r.Lead__c === null),
      `an attendee row without a Lead; rows: ${JSON.stringify(rows)}`,
    );

    const sales = await newPerson('sales');
    await signInToSandbox(sales.page, system.salesforceUrl, USERS.sales);
    const row = await attendeeRow(sales, UNKNOWN.email);
    await row.locator('.att-status').getByText('Unknown', { exact: true }).waitFor({ timeout: TIMEOUT });
    await row.getByRole('button', { name: 'Create Lead' }).click();
    await row.locator('.att-status').getByText('Lead', { exact: true }).waitFor({ timeout: TIMEOUT });
    const leads = await leadsWithEmail(crm, UNKNOWN.email);
    assert.equal(leads.length, 1, 'one Lead');
    assert.equal(leads[0]!.LastName, 'Hopper');
    assert.equal(leads[0]!.FirstName, 'Grace');
    await sales.page.goto(`${system.salesforceUrl}/leads`);
    await sales.page.getByRole('cell', { name: UNKNOWN.email }).waitFor({ timeout: TIMEOUT });
    assert.deepEqual(sales.problems, []);
    assert.deepEqual(agent.problems, []);
  });

  test('a second session with the same attendee creates no duplicate Lead', async () => {
    await sessionWith(UNKNOWN);
    const sales = await newPerson('sales again');
    await signInToSandbox(sales.page, system.salesforceUrl, USERS.sales);
    const row = await attendeeRow(sales, UNKNOWN.email);
    await row.locator('.att-status').getByText('Lead', { exact: true }).waitFor({ timeout: TIMEOUT });
    assert.equal(await row.getByRole('button', { name: 'Create Lead' }).count(), 0, 'nothing to create');
    assert.equal(await attendeesList(sales.page).locator('li.attendee').filter({ hasText: UNKNOWN.email }).count(), 1);
    assert.equal((await leadsWithEmail(crm, UNKNOWN.email)).length, 1, 'still one Lead');
    assert.deepEqual(sales.problems, []);
  });

  test('an attendee whose email matches a Contact is linked to the Contact, not made a Lead', async () => {
    const sessionId = await sessionWith(KNOWN);
    const sales = await newPerson('sales third');
    await signInToSandbox(sales.page, system.salesforceUrl, USERS.sales);
    const row = await attendeeRow(sales, KNOWN.email);
    await row.locator('.att-status').getByText('Contact', { exact: true }).waitFor({ timeout: TIMEOUT });
    const link = await row.locator('a.att-name').getAttribute('href');
    assert.ok(link?.includes(DEMO.salesforce.contacts.raj.id), `the attendee links to the Contact: ${link}`);
    assert.equal(await row.getByRole('button', { name: 'Create Lead' }).count(), 0);
    assert.deepEqual(await leadsWithEmail(crm, KNOWN.email), []);
    const rows = await attendeeRowsOfSession(crm, sessionId);
    assert.ok(
      rows.some((r) => r.Email__c === KNOWN.email && r.Contact__c === DEMO.salesforce.contacts.raj.id),
      `the attendee record points at the Contact; rows: ${JSON.stringify(rows)}`,
    );
    assert.deepEqual(sales.problems, []);
  });

  test('npm start stops cleanly on Ctrl-C', async () => {
    for (const p of people.splice(0)) await p.context.close().catch(() => {});
    await browser.close();
    assert.equal(await system.stop(), 0, `npm start exit code; output:\n${system.output()}`);
  });
});
