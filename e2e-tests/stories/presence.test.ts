// What the agent sees before sharing starts, through the real pages: the customer with the key is on
// the details form ("The customer is entering their details"), then the consent ("Jane Customer is
// reading the consent"), then declines without joining ("Jane Customer declined to share"). The join
// page reports each step with the key alone; the customer never becomes an attendee.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { customerEntersKey } from '../support/flows.ts';
import { giveContactDetails } from '../support/pages.ts';
import { allowAccess } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT } from '../support/wait.ts';

let system: System;
let browser: Browsers;
const people: Person[] = [];

before(async () => {
  system = await startSystem();
  browser = await launchChromium();
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

describe('presence before sharing', () => {
  test('the console follows the customer through details and consent, and hears that they declined', async () => {
    // The agent on the relay's own pages: signs in through the CRM, creates a session, opens its console.
    const agent = await newPerson('agent');
    await agent.page.goto(`${system.relayUrl}/auth/salesforce?returnTo=${encodeURIComponent('/join')}`);
    await allowAccess(agent.page, DEMO.salesforce.users.agent);
    await agent.page.waitForURL(/\/join$/, { timeout: TIMEOUT });
    const created = await agent.page.evaluate(async (recordId) => {
      const res = await fetch('/api/sessions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ crm: 'salesforce', recordId }),
      });
      return { status: res.status, body: (await res.json()) as { key: string; consoleUrl: string } };
    }, DEMO.salesforce.cases.printer);
    assert.equal(created.status, 201);
    const console = agent.page;
    await console.goto(created.body.consoleUrl);
    await console.getByText('Waiting for the customer to share their screen…').waitFor({ timeout: TIMEOUT });

    const customer = await newPerson('customer');
    await customerEntersKey(customer.page, system.relayUrl, created.body.key);
    await customer.page.getByRole('heading', { name: 'Your contact details' }).waitFor({ timeout: TIMEOUT });
    await console.getByText('The customer is entering their details…').waitFor({ timeout: TIMEOUT });

    await giveContactDetails(customer.page, { name: 'Jane Customer', email: DEMO.salesforce.contacts.jane.email });
    await customer.page.getByRole('heading', { name: /^Share your screen with / }).waitFor({ timeout: TIMEOUT });
    await console.getByText('Jane Customer is reading the consent…').waitFor({ timeout: TIMEOUT });

    await customer.page.getByRole('button', { name: "No, don't share" }).click();
    await customer.page.getByRole('heading', { name: 'You chose not to share' }).waitFor({ timeout: TIMEOUT });
    await console.getByText('Jane Customer declined to share', { exact: true }).waitFor({ timeout: TIMEOUT });
    // They never joined: the host is the only attendee.
    const attendees = console.locator('sl-attendee-list li');
    assert.equal(await attendees.count(), 1);
    assert.equal(await console.locator('sl-attendee-list').getByText('Jane Customer').count(), 0);
  });
});
