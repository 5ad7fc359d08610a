// Supervisors through the real pages: Alex shares a session with the customer; Morgan (Alex's manager in
// the CRM, with the Sightline Supervisor permission set) opens "Your team's live sessions", watches the
// customer's live screen, is seen by the customer and by Alex, and takes the session over (Morgan is the
// host, Alex an agent). Sam, with no supervisor permission, is told so and cannot open the console.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { agentStartsSession, customerEntersKey, customerShares } from '../support/flows.ts';
import { consoleCanvas, type Contact } from '../support/pages.ts';
import { allowAccess, signInToSandbox } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT, until } from '../support/wait.ts';

const USERS = DEMO.salesforce.users;
const CUSTOMER: Contact = { name: 'Jane Customer', email: DEMO.salesforce.contacts.jane.email };

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

/** Signs in to the relay through the CRM's OAuth page and lands on the supervisor page. */
async function opensTeamPage(p: Person, user: (typeof USERS)[keyof typeof USERS]): Promise<void> {
  await p.page.goto(`${system.relayUrl}/auth/salesforce?returnTo=${encodeURIComponent('/supervise')}`);
  await allowAccess(p.page, user);
  await p.page.waitForURL(/\/supervise$/, { timeout: TIMEOUT });
  await p.page.getByRole('heading', { name: "Your team's live sessions" }).waitFor({ timeout: TIMEOUT });
}

describe('supervisors watch and take over their team’s sessions; others are refused', () => {
  test('Morgan watches Alex’s session, everyone sees it, Morgan takes over; Sam is refused', async () => {
    const alex = await newPerson('alex');
    await signInToSandbox(alex.page, system.salesforceUrl, USERS.agent);
    const started = await agentStartsSession(alex, system.salesforceUrl, DEMO.salesforce.cases.printer, USERS.agent);
    const customer = await newPerson('customer');
    await customerEntersKey(customer.page, system.relayUrl, started.key);
    await customerShares(customer.page, CUSTOMER, 'not asked');
    await started.console.getByText('In progress', { exact: true }).first().waitFor({ timeout: TIMEOUT });

    // Sam has no supervisor permission: the page says so, and the console by the id opens nothing.
    const sam = await newPerson('sam');
    await opensTeamPage(sam, USERS.sales);
    await sam.page
      .getByText('your CRM account does not have the Sightline supervisor permission')
      .waitFor({ timeout: TIMEOUT });
    assert.equal(await sam.page.getByRole('link', { name: /^Watch/ }).count(), 0);
    await sam.page.goto(`${system.relayUrl}/console/${started.sessionId}`);
    await sam.page.getByText('no such live session of yours').waitFor({ timeout: TIMEOUT });
    assert.equal(await sam.page.locator('sl-screen-view').count(), 0, 'no screen for Sam');

    // Morgan is Alex's manager: the session is listed; Watch opens its console as a supervisor.
    const morgan = await newPerson('morgan');
    await opensTeamPage(morgan, USERS.manager);
    await morgan.page.getByRole('link', { name: new RegExp(`^Watch ${USERS.agent.name}'s session on Case `) }).click();
    const supervising = morgan.page.getByText(`Supervising ${USERS.agent.name}'s session`);
    await supervising.waitFor({ timeout: TIMEOUT });
    const first = await until(
      () => consoleCanvas(morgan.page),
      (c) => c !== null && c.colours > 3,
      "the customer's screen decoded on the supervisor's console",
    );
    await customer.page.getByPlaceholder('Write a message').fill('the screen changes as I type');
    await until(
      () => consoleCanvas(morgan.page),
      (c) => c !== null && c.colours > 3 && c.hash !== first!.hash,
      "the supervisor's picture to follow the live screen",
    );
    // Watching only: no pointer or control, no chat to the customer.
    assert.equal(await morgan.page.getByRole('button', { name: 'Request control' }).count(), 0);
    assert.ok(await morgan.page.getByRole('button', { name: 'Send' }).first().isDisabled());

    // Everyone sees the supervisor: the customer's page and Alex's attendee list.
    await customer.page
      .getByText(`${USERS.manager.name} (a supervisor) can also see the session.`)
      .waitFor({ timeout: TIMEOUT });
    const alexAttendees = started.console.locator('sl-attendee-list');
    await alexAttendees.getByText('Supervisor, watching').waitFor({ timeout: TIMEOUT });

    // Morgan takes over: the host from now on; Alex stays on as an agent; the customer reads Morgan's name.
    await morgan.page.getByRole('button', { name: 'Take over' }).click();
    await supervising.waitFor({ state: 'detached', timeout: TIMEOUT });
    await morgan.page.getByRole('button', { name: 'Invite agent' }).waitFor({ timeout: TIMEOUT });
    const morganRow = alexAttendees.locator('li', { hasText: USERS.manager.name });
    await morganRow.getByText('Host', { exact: true }).waitFor({ timeout: TIMEOUT });
    await alexAttendees.locator('li', { hasText: USERS.agent.name }).getByText('Agent', { exact: true }).waitFor({
      timeout: TIMEOUT,
    });
    await customer.page
      .getByText(`${USERS.manager.name} can see what you chose to share`)
      .waitFor({ timeout: TIMEOUT });
  });
});
