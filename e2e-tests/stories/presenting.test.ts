// "Show my screen" and presenter switching in Chromium, on the two-site topology: the agent shows
// their screen from the console and the customer sees it decoded on the join page; then customer ->
// agent -> customer within one session, each time with decoded pixels on the other side.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { caseTaskOf, salesforceAs, type Conn } from '../support/crm.ts';
import { agentStartsSession, customerEntersKey, customerLeaves, customerShares } from '../support/flows.ts';
import { assertSeesLiveScreen, joinCanvas, type Contact } from '../support/pages.ts';
import { signInToSandbox } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT, until } from '../support/wait.ts';

const USERS = DEMO.salesforce.users;
const CASE = DEMO.salesforce.cases.invoice;
const CUSTOMER: Contact = { name: 'Jane Customer', email: DEMO.salesforce.contacts.jane.email };

let system: System;
let browser: Browsers;
let agent: Person;
let crm: Conn;
const people: Person[] = [];

/** The page's encoder codec now (its own counters). */
const encoderCodec = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as { __sightlineStats?: { codec?: string } }).__sightlineStats?.codec ?? '',
  );

/** As Safari without AV1 hardware decode answers: no AV1 decoder; everything else as the browser says. */
const NO_AV1_DECODER = () => {
  const ask = VideoDecoder.isConfigSupported.bind(VideoDecoder);
  VideoDecoder.isConfigSupported = (config) =>
    config.codec.startsWith('av01') ? Promise.resolve({ supported: false, config }) : ask(config);
};

before(async () => {
  system = await startSystem({ policy: { hostsMayShowScreens: true } });
  browser = await launchChromium();
  crm = await salesforceAs(system.salesforceUrl, USERS.manager);
  agent = await person(browser, 'agent');
  people.push(agent);
  await signInToSandbox(agent.page, system.salesforceUrl, USERS.agent);
});

after(async () => {
  for (const p of people) await p.context.close().catch(() => {});
  await browser?.close();
  await system?.stop();
});

test("customer -> agent -> customer in one session: each side sees the other side's screen decoded", async () => {
  const customer = await person(browser, 'customer');
  people.push(customer);
  const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
  const console = started.console;
  await customerEntersKey(customer.page, system.relayUrl, started.key);
  await customerShares(customer.page, CUSTOMER, 'not asked');
  await assertSeesLiveScreen(console);

  // The agent shows their own screen: the customer's sharing stops and they watch the agent's.
  await console.getByRole('button', { name: 'Show my screen' }).click();
  await console.getByText('You are presenting: the customer sees your screen.').waitFor({ timeout: TIMEOUT });
  const page = customer.page;
  await page.getByRole('heading', { name: `Alex Agent is showing their screen` }).waitFor({ timeout: TIMEOUT });
  await assertSeesLiveScreen(page, joinCanvas, "the customer's join page");
  assert.equal(await page.getByText('Your screen is visible', { exact: true }).count(), 0);

  // The agent asks the customer to present again; the customer is asked before anything is captured.
  await console.getByRole('button', { name: `Ask ${CUSTOMER.name} to present` }).click();
  await page.getByRole('heading', { name: `Alex Agent asks you to show your screen` }).waitFor({ timeout: TIMEOUT });
  await page.getByRole('button', { name: 'Choose what to share' }).click();
  await page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
  await console.getByText(`${CUSTOMER.name} is presenting.`).waitFor({ timeout: TIMEOUT });
  await console.getByRole('button', { name: 'Show my screen' }).waitFor({ timeout: TIMEOUT });
  await assertSeesLiveScreen(console);

  await customerLeaves(page, console);
  assert.equal(
    customer.problems.length + agent.problems.length,
    0,
    [...customer.problems, ...agent.problems].join('\n'),
  );
});

test('the customer asks to present while the agent shows their screen; the agent lets them; the CRM log says who presented', async () => {
  const customer = await person(browser, 'customer');
  people.push(customer);
  const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
  const console = started.console;
  const page = customer.page;
  await customerEntersKey(page, system.relayUrl, started.key);
  await customerShares(page, CUSTOMER, 'not asked');
  await assertSeesLiveScreen(console);
  await console.getByRole('button', { name: 'Show my screen' }).click();
  await assertSeesLiveScreen(page, joinCanvas, "the customer's join page");

  await page.getByRole('button', { name: 'Ask to present my screen' }).click();
  await page.getByText('You asked to present; Alex Agent will answer.').waitFor({ timeout: TIMEOUT });
  await console.getByText(`${CUSTOMER.name} asks to present their screen.`).waitFor({ timeout: TIMEOUT });
  await console.getByRole('button', { name: 'Let them present' }).click();
  // Approved, the customer still chooses what to share themselves (the browser's picker needs their click).
  await page.getByRole('heading', { name: 'Alex Agent lets you present' }).waitFor({ timeout: TIMEOUT });
  await page.getByRole('button', { name: 'Choose what to share' }).click();
  await page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
  await console.getByRole('button', { name: 'Show my screen' }).waitFor({ timeout: TIMEOUT });
  await assertSeesLiveScreen(console);

  await customerLeaves(page, console);
  const task = await caseTaskOf(crm, started.sessionId, CASE);
  const lines = task.Description.split('\n');
  for (const [actor, text] of [
    ['Alex Agent', 'presents instead of Jane Customer'],
    ['Jane Customer', 'asked to present'],
    ['Alex Agent', 'let Jane Customer present'],
    ['Jane Customer', 'presents instead of Alex Agent'],
  ])
    assert.ok(
      lines.some((l) => l.includes(actor!) && l.includes(text!)),
      `the log has "${actor}: ${text}":\n${task.Description}`,
    );
});

test("a customer whose browser cannot decode AV1 watches the agent's screen: the console encodes VP9 for them", async () => {
  const customer = await person(browser, 'customer without AV1 decode');
  people.push(customer);
  await customer.context.addInitScript(NO_AV1_DECODER);
  const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
  const console = started.console;
  const page = customer.page;
  await customerEntersKey(page, system.relayUrl, started.key);
  await customerShares(page, CUSTOMER, 'not asked');
  await assertSeesLiveScreen(console);
  // Only decoding is taken away: the customer's own encoder still sends AV1 to the console, which decodes it.
  assert.match(await encoderCodec(page), /^av01\./, "the customer's encoder (the console decodes AV1)");

  await console.getByRole('button', { name: 'Show my screen' }).click();
  await page.getByRole('heading', { name: `Alex Agent is showing their screen` }).waitFor({ timeout: TIMEOUT });
  await assertSeesLiveScreen(page, joinCanvas, "the customer's join page");
  const codec = await until(
    () => encoderCodec(console),
    (c) => c !== '',
    "the console's encoder codec",
  );
  assert.match(codec, /^vp09\./, 'the console encodes VP9: its viewer has no AV1 decoder');

  await customerLeaves(page, console);
  assert.equal(
    customer.problems.length + agent.problems.length,
    0,
    [...customer.problems, ...agent.problems].join('\n'),
  );
});
