// The rules a customer relies on, through the pages: a wrong key gets a clear message; refusing
// consent ends the session; refusing the recording leaves no recording in the CRM; revoking
// control stops the agent's input at the relay. After each session the CRM has its Task and the
// relay holds nothing of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { caseTaskOf, salesforceAs, versionsOfSession, versionsOn, type Conn } from '../support/crm.ts';
import { agentStartsSession, customerEntersKey, customerLeaves, customerShares } from '../support/flows.ts';
import { acceptTerms, giveContactDetails, type Contact } from '../support/pages.ts';
import { assertRelayHoldsNothing } from '../support/relay.ts';
import { signInToSandbox } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT, until } from '../support/wait.ts';

const USERS = DEMO.salesforce.users;
const CASE = DEMO.salesforce.cases.invoice;
const CUSTOMER: Contact = { name: 'Jane Customer', email: DEMO.salesforce.contacts.jane.email };

let system: System;
let browser: Browsers;
let crm: Conn;
let agent: Person;
const people: Person[] = [];

before(async () => {
  system = await startSystem();
  browser = await launchChromium();
  crm = await salesforceAs(system.salesforceUrl, USERS.manager);
  agent = await newPerson('agent');
  await signInToSandbox(agent.page, system.salesforceUrl, USERS.agent);
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

/** The session's end as the CRM and the relay see it: the Task carries the log; the relay holds nothing. */
async function afterSession(sessionId: string, console: Page, host: Person = agent) {
  await console.close();
  const task = await caseTaskOf(crm, sessionId, CASE);
  await assertRelayHoldsNothing(system.relayUrl, sessionId, host.context);
  return task;
}

/**
 * Watches one page's relay WebSocket from the outside (Playwright's WebSocket route, forwarding
 * everything both ways): counts what the relay sent of each type, and can send as that page.
 */
class SocketTap {
  received: Array<{ type: string; code?: string; message?: string }> = [];
  server: WebSocketRoute | null = null;

  async attach(target: Page | BrowserContext): Promise<void> {
    await target.routeWebSocket(/\/ws\?ticket=/, (ws) => {
      const server = ws.connectToServer();
      this.server = server;
      ws.onMessage((m) => server.send(m));
      server.onMessage((m) => {
        if (typeof m === 'string') this.received.push(JSON.parse(m) as { type: string });
        ws.send(m);
      });
    });
  }

  count(type: string): number {
    return this.received.filter((m) => m.type === type).length;
  }

  errors(): string[] {
    return this.received.filter((m) => m.type === 'error').map((m) => `${m.code}: ${m.message}`);
  }

  /** Sends as the page: here, the agent's pointer input toward the customer's machine. */
  sendInput(x: number, y: number): void {
    this.send({ type: 'input', event: { kind: 'pointer', action: 'move', x, y } });
  }

  /** Sends any client message as the page (e.g. the grant the desktop app sends for this participant). */
  send(message: Record<string, unknown>): void {
    assert.ok(this.server, 'the page has a relay socket');
    this.server.send(JSON.stringify(message));
  }
}

describe('consent, recording and control, through the pages', { timeout: 300_000 }, () => {
  test('a wrong key gets a clear message; refusing consent then ends the session', async () => {
    const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
    const customer = await newPerson('customer wrong key');
    const { page } = customer;
    const wrong = started.key === '000000' ? '000001' : '000000';
    await customerEntersKey(page, system.relayUrl, wrong);
    await page
      .getByText('That key does not match an active session. Check the digits with your agent and try again.')
      .waitFor({ timeout: TIMEOUT });
    await page.getByLabel('Session key').fill(started.key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await giveContactDetails(page, CUSTOMER);
    await acceptTerms(page, 'not asked');
    await page.getByRole('button', { name: "No, don't share" }).click();
    await page.getByRole('heading', { name: 'You chose not to share' }).waitFor({ timeout: TIMEOUT });
    await started.console.getByRole('heading', { name: 'The customer declined' }).waitFor({ timeout: TIMEOUT });

    const task = await afterSession(started.sessionId, started.console);
    assert.match(task.Description, /consent refused/, `the log says how it ended:\n${task.Description}`);
    assert.deepEqual(await versionsOfSession(crm, started.sessionId, CASE), []);
    assert.deepEqual(customer.problems, []);
  });

  test('refusing the recording means no recording in the CRM', async () => {
    const before = (await versionsOn(crm, CASE)).length;
    const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
    await started.console.getByRole('button', { name: 'Start recording' }).click();
    const customer = await newPerson('customer refuses recording');
    await customerEntersKey(customer.page, system.relayUrl, started.key);
    await customerShares(customer.page, CUSTOMER, 'refuse');
    await started.console
      .getByRole('button', { name: 'Recording refused by the customer' })
      .waitFor({ timeout: TIMEOUT });
    await customerLeaves(customer.page, started.console);

    const task = await afterSession(started.sessionId, started.console);
    assert.match(task.Description, /refused recording/, 'the refusal is in the log');
    assert.match(task.Description, /Recording: none/);
    assert.deepEqual(await versionsOfSession(crm, started.sessionId, CASE), [], 'no ContentVersion of the session');
    assert.equal((await versionsOn(crm, CASE)).length, before, 'no new file on the Case');
    assert.deepEqual(customer.problems, []);
  });

  test("revoking control stops the agent's input at the relay", async () => {
    // A fresh agent context, its relay socket tapped from the start (it signs in to the relay again).
    const controller = await newPerson('agent with control');
    const agentTap = new SocketTap();
    await agentTap.attach(controller.context);
    await signInToSandbox(controller.page, system.salesforceUrl, USERS.agent);
    const started = await agentStartsSession(controller, system.salesforceUrl, CASE, USERS.agent);
    const customer = await newPerson('customer control');
    const customerTap = new SocketTap();
    await customerTap.attach(customer.page);
    await customerEntersKey(customer.page, system.relayUrl, started.key);
    await customerShares(customer.page, CUSTOMER, 'not asked');
    const console = started.console;
    await console.getByText('In progress', { exact: true }).first().waitFor({ timeout: TIMEOUT });

    // Without permission, input never reaches the customer.
    agentTap.sendInput(0.5, 0.5);
    await until(
      async () => agentTap.errors(),
      (e) => e.length === 1,
      'the relay to refuse input without control',
    );
    assert.match(agentTap.errors()[0]!, /^not_allowed: input dropped/);
    assert.equal(customerTap.count('input'), 0);

    // The agent asks. The join page says the browser can only be pointed at and offers the desktop app;
    // the grant goes on the participant's socket as the app sends it.
    await console.getByRole('button', { name: 'Request control' }).click();
    await customer.page.getByRole('heading', { name: /asks to control your screen$/ }).waitFor({ timeout: TIMEOUT });
    assert.equal(await customer.page.getByRole('button', { name: 'Allow control' }).count(), 0);
    const requests = customerTap.received.filter((m) => m.type === 'control-request') as Array<{ from?: string }>;
    assert.equal(requests.length, 1);
    customerTap.send({ type: 'control-grant', participantId: requests[0]!.from });
    await console.getByRole('button', { name: 'You have control' }).waitFor({ timeout: TIMEOUT });
    agentTap.sendInput(0.25, 0.75);
    await until(
      async () => customerTap.count('input'),
      (n) => n === 1,
      "the agent's input to reach the customer",
    );
    assert.equal(agentTap.errors().length, 1, 'no refusal while control is granted');

    // The customer takes control back: the next input is dropped by the relay.
    await customer.page.getByRole('button', { name: 'Take back control' }).click();
    await console.getByRole('button', { name: 'Request control' }).waitFor({ timeout: TIMEOUT });
    agentTap.sendInput(0.75, 0.25);
    await until(
      async () => agentTap.errors(),
      (e) => e.length === 2,
      'the relay to refuse input after revoke',
    );
    assert.match(agentTap.errors()[1]!, /^not_allowed: input dropped/);
    assert.equal(customerTap.count('input'), 1, 'nothing more reached the customer');

    await customerLeaves(customer.page, console);
    const task = await afterSession(started.sessionId, console, controller);
    assert.match(task.Description, /granted control to /);
    assert.match(task.Description, /revoked control from /);
    assert.deepEqual(customer.problems, []);
    assert.deepEqual(controller.problems, []);
  });

  test('npm start stops cleanly on Ctrl-C', async () => {
    for (const p of people.splice(0)) await p.context.close().catch(() => {});
    await browser.close();
    assert.equal(await system.stop(), 0, `npm start exit code; output:\n${system.output()}`);
  });
});
