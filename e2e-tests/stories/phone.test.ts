// A customer on a phone, in Chromium's Pixel 7 emulation (user agent, touch, screen) with the one thing
// emulation does not take away removed as Android's Chrome lacks it: getDisplayMedia. Before the key or
// any details the join page says the phone cannot share its screen and offers chat and the camera; the
// camera (Chromium's fake device) goes through the same WebCodecs pipeline and the agent sees it live.
// Or the guest joins to chat only, sharing nothing, and may share the camera later.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { devices, type Page } from 'playwright-core';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { customerEntersKey } from '../support/flows.ts';
import { chat, consoleCanvas, giveContactDetails } from '../support/pages.ts';
import { allowAccess } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT, until } from '../support/wait.ts';

const PHONE = devices['Pixel 7']!;

let system: System;
let desktop: Browsers;
let phone: Browsers;
const people: Person[] = [];

before(async () => {
  system = await startSystem();
  desktop = await launchChromium();
  phone = await launchChromium({
    viewport: PHONE.viewport,
    mobile: {
      userAgent: PHONE.userAgent,
      deviceScaleFactor: PHONE.deviceScaleFactor,
      isMobile: PHONE.isMobile,
      hasTouch: PHONE.hasTouch,
    },
  });
});

after(async () => {
  for (const p of people) await p.context.close().catch(() => {});
  await desktop?.close();
  await phone?.close();
  await system?.stop();
});

/** An agent signed in to the relay with a session on the printer case, its console open and waiting. */
async function agentWithSession(): Promise<{ console: Page; key: string }> {
  const agent = await person(desktop, 'agent');
  people.push(agent);
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
  await agent.page.goto(created.body.consoleUrl);
  await agent.page.getByText('Waiting for the customer to share their screen…').waitFor({ timeout: TIMEOUT });
  return { console: agent.page, key: created.body.key };
}

/** A phone customer (no getDisplayMedia, as Android's Chrome) on the join page. */
async function phoneCustomer(): Promise<Person> {
  const customer = await person(phone, 'customer');
  people.push(customer);
  await customer.context.addInitScript(() => {
    // Android's Chrome has no screen capture for web pages (nor has iOS Safari).
    delete (MediaDevices.prototype as { getDisplayMedia?: unknown }).getDisplayMedia;
  });
  return customer;
}

/** The phone's camera decoded on the console, and moving. */
async function seesLiveCamera(console: Page): Promise<void> {
  const first = await until(
    () => consoleCanvas(console),
    (c) => c !== null && c.colours > 3,
    "the phone's camera decoded on the console",
  );
  await until(
    () => consoleCanvas(console),
    (c) => c !== null && c.colours > 3 && c.hash !== first!.hash,
    'the camera picture to move',
  );
}

describe('a phone browser', () => {
  test('is told before the key that it cannot share its screen, and shows its camera and chats instead', async () => {
    const { console, key } = await agentWithSession();
    const customer = await phoneCustomer();
    const notice = customer.page.getByRole('note').getByText('This browser cannot share its screen (phones cannot).');
    await customer.page.goto(`${system.relayUrl}/join`);
    await notice.waitFor({ timeout: TIMEOUT });
    assert.equal(
      await customer.page.getByRole('heading', { name: 'Your contact details' }).count(),
      0,
      'before details',
    );
    await customerEntersKey(customer.page, system.relayUrl, key);
    await notice.waitFor({ timeout: TIMEOUT });
    await giveContactDetails(customer.page, { name: 'Jane Customer', email: DEMO.salesforce.contacts.jane.email });
    await customer.page
      .getByRole('heading', { name: `Share your camera with ${DEMO.salesforce.users.agent.name}` })
      .waitFor({ timeout: TIMEOUT });
    await customer.page.getByLabel('I accept the terms of this support session').check();
    await customer.page.getByRole('button', { name: 'Share my camera' }).click();
    await customer.page
      .getByRole('heading', { name: 'You are sharing your camera' })
      .waitFor({ timeout: TIMEOUT })
      .catch(async (err: Error) =>
        assert.fail(
          `${err.message}; the phone shows: ${JSON.stringify([...(await customer.page.getByRole('heading').allInnerTexts()), ...(await customer.page.getByRole('alert').allInnerTexts()), ...customer.problems])}`,
        ),
      );

    // The camera through the same encoder and relay: a live, changing picture on the agent's console.
    await seesLiveCamera(console);
    await chat(customer.page, 'Here is the router from my phone.');
    await console.getByText('Here is the router from my phone.').waitFor({ timeout: TIMEOUT });
    assert.deepEqual(customer.problems, []);
  });

  test('may join to chat only, with nothing shared, and share the camera later from the bar', async () => {
    const { console, key } = await agentWithSession();
    const customer = await phoneCustomer();
    await customer.page.goto(`${system.relayUrl}/join`);
    await customerEntersKey(customer.page, system.relayUrl, key);
    await giveContactDetails(customer.page, { name: 'Jane Customer', email: DEMO.salesforce.contacts.jane.email });
    await customer.page.getByLabel('I accept the terms of this support session').check();
    await customer.page.getByRole('button', { name: 'Chat only, without sharing' }).click();
    await customer.page.getByRole('heading', { name: 'You are not sharing your camera' }).waitFor({ timeout: TIMEOUT });
    // The browser was never asked for the camera: a chat-only guest shares nothing.
    assert.equal(await customer.page.locator('video').count(), 0, 'no camera preview');

    await chat(customer.page, 'I am on my phone, can we just chat?');
    await console.getByText('I am on my phone, can we just chat?').waitFor({ timeout: TIMEOUT });
    await chat(console, 'Of course. What does the printer display?');
    await customer.page.getByText('Of course. What does the printer display?').waitFor({ timeout: TIMEOUT });
    const nothing = await consoleCanvas(console);
    assert.ok(!nothing || nothing.colours <= 1, `nothing decoded on the console: ${JSON.stringify(nothing)}`);

    // The camera stays on offer: the bar says what it starts (never "Resume" before anything was shared).
    await customer.page.getByRole('button', { name: 'Share my camera' }).click();
    await customer.page.getByRole('heading', { name: 'You are sharing your camera' }).waitFor({ timeout: TIMEOUT });
    await seesLiveCamera(console);
    assert.deepEqual(customer.problems, []);
  });
});
