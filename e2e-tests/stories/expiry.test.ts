// A session no one joins expires: the console and the Case page show it, the key stops working,
// the CRM gets the Task, the relay holds nothing. The policy's real 10-minute waiting time; the story
// moves the relay's test clock forward instead of waiting (SIGHTLINE_ENV=test + SIGHTLINE_TEST_CLOCK=1).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { caseTaskOf, salesforceAs } from '../support/crm.ts';
import { agentStartsSession, customerEntersKey } from '../support/flows.ts';
import { advanceRelayClock, assertRelayHoldsNothing } from '../support/relay.ts';
import { launcher, signInToSandbox } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { relayFetch } from '../support/topology.ts';
import { TIMEOUT } from '../support/wait.ts';

const USERS = DEMO.salesforce.users;
const CASE = DEMO.salesforce.cases.printer;
const WAITING_MINUTES = 10; // the default policy's

let system: System;
let browser: Browsers;
const people: Person[] = [];

before(async () => {
  system = await startSystem({ policy: { waitingTimeoutMinutes: WAITING_MINUTES }, testClock: true });
  browser = await launchChromium();
});

after(async () => {
  for (const p of people) await p.context.close().catch(() => {});
  await browser?.close();
  await system?.stop();
});

describe('a session no one joins', { timeout: 180_000 }, () => {
  test('expires after the waiting time; its key stops working', async () => {
    const agent = await person(browser, 'agent');
    people.push(agent);
    await signInToSandbox(agent.page, system.salesforceUrl, USERS.agent);
    const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
    const expiresText = await launcher(agent.page).locator('.session-expires').innerText();
    assert.ok(expiresText.trim().length > 0, 'the launcher says until when the session waits');

    // A minute short of the waiting time the session still waits, and its key still works.
    await advanceRelayClock(system.relayUrl, (WAITING_MINUTES - 1) * 60_000);
    const early = await relayFetch(`${system.relayUrl}/api/join/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: started.key }),
    });
    assert.equal(early.status, 200, 'the key still works a minute before the expiry');
    await launcher(agent.page).locator('.session-expires').waitFor({ timeout: TIMEOUT });

    // The last minute: the relay's sweep ends the session; the console says so, to the agent.
    await advanceRelayClock(system.relayUrl, 60_000);
    await started.console.getByRole('heading', { name: 'The session expired' }).waitFor({ timeout: TIMEOUT });
    assert.doesNotMatch(await started.console.locator('sl-ended-panel').innerText(), /ask your agent/i);
    // The Case page's launcher drops the ended session and offers a new one.
    await launcher(agent.page).getByRole('button', { name: 'Start Screen Share' }).waitFor({ timeout: TIMEOUT });

    const customer = await person(browser, 'late customer');
    people.push(customer);
    await customerEntersKey(customer.page, system.relayUrl, started.key);
    await customer.page
      .getByText('That key does not match an active session. Check the digits with your agent and try again.')
      .waitFor({ timeout: TIMEOUT });
    // The emailed link, opened late: it says the link opens nothing, not that a connection was lost or
    // that a screen nobody shared is no longer shared.
    await customer.page.goto(started.joinUrl);
    await customer.page
      .getByRole('heading', { name: 'This link does not open a session' })
      .waitFor({ timeout: TIMEOUT });
    const ended = await customer.page.locator('sl-ended-panel').innerText();
    assert.doesNotMatch(ended, /connection was lost|no longer shared/i, ended);

    const crm = await salesforceAs(system.salesforceUrl, USERS.manager);
    const task = await caseTaskOf(crm, started.sessionId, CASE);
    assert.match(task.Description, /\(expired\)/, `the log says it expired:\n${task.Description}`);
    assert.match(task.Subject, /: nobody joined \(invitation expired\)$/, 'the Task says nobody joined');
    assert.match(task.Description, /Outcome: nobody joined; the invitation expired unused after /);
    await assertRelayHoldsNothing(system.relayUrl, started.sessionId, agent.context);
    assert.deepEqual(agent.problems, []);
    assert.deepEqual(customer.problems, []);
  });

  test('npm start stops cleanly on Ctrl-C', async () => {
    for (const p of people.splice(0)) await p.context.close().catch(() => {});
    await browser.close();
    assert.equal(await system.stop(), 0, `npm start exit code; output:\n${system.output()}`);
  });
});
