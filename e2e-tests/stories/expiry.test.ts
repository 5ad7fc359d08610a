// A session no one joins expires: the console and the Case page show it, the key stops working,
// the CRM gets the Task, the relay holds nothing. The relay has no test clock to move yet, so the
// policy's waiting time (10 minutes by default) is set to 6 seconds for this file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Person } from '../support/browser.ts';
import { caseTaskOf, salesforceAs } from '../support/crm.ts';
import { agentStartsSession, customerEntersKey } from '../support/flows.ts';
import { assertRelayHoldsNothing } from '../support/relay.ts';
import { launcher, signInToSandbox } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT } from '../support/wait.ts';

const USERS = DEMO.salesforce.users;
const CASE = DEMO.salesforce.cases.printer;
const WAITING_MINUTES = 0.1;

let system: System;
let browser: Browser;
const people: Person[] = [];

before(async () => {
  system = await startSystem({ policy: { waitingTimeoutMinutes: WAITING_MINUTES } });
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

    // Waiting time plus the relay's expiry sweep (every 5 s) plus the console's reaction.
    const limit = WAITING_MINUTES * 60_000 + 15_000;
    await started.console.getByRole('heading', { name: 'The session has expired' }).waitFor({ timeout: limit });
    // The Case page's launcher drops the ended session and offers a new one.
    await launcher(agent.page).getByRole('button', { name: 'Start Screen Share' }).waitFor({ timeout: TIMEOUT });

    const customer = await person(browser, 'late customer');
    people.push(customer);
    await customerEntersKey(customer.page, system.relayUrl, started.key);
    await customer.page
      .getByText('That key does not match an active session. Check the digits with your agent and try again.')
      .waitFor({ timeout: TIMEOUT });

    const crm = await salesforceAs(system.salesforceUrl, USERS.manager);
    const task = await caseTaskOf(crm, started.sessionId, CASE);
    assert.match(task.Description, /\(expired\)/, `the log says it expired:\n${task.Description}`);
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
