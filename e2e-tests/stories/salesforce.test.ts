// Stories 1-3 and the automatic side of story 4, on the Salesforce sandbox, as each person does
// them in Chromium against `npm start`'s own processes (default policy: recording by the host's
// choice, a Lead for every new email). The agent starts a session from the Case page and emails
// the invite; the customer follows the emailed link and shares; the manager plays the recording;
// the CRM holds the Task, the recording and the Lead, and the relay holds nothing afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import {
  attendeeRowsOfSession,
  caseTaskOf,
  documentLinked,
  leadsWithEmail,
  salesforceAs,
  versionsOfSession,
  type Conn,
} from '../support/crm.ts';
import { agentStartsSession, customerEntersKey, customerLeaves, customerShares } from '../support/flows.ts';
import { acceptTerms, assertSeesLiveScreen, chat, giveContactDetails, shareScreen } from '../support/pages.ts';
import { assertRelayHoldsNothing } from '../support/relay.ts';
import {
  allowAccess,
  attendeesList,
  launcher,
  launcherNotice,
  launcherSession,
  openCase,
  openInvitation,
  recordingsList,
  signInToSandbox,
} from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT, until } from '../support/wait.ts';

const USERS = DEMO.salesforce.users;
const CASE = DEMO.salesforce.cases.printer;
const CUSTOMER = { name: 'Ada Lovelace', email: 'ada.lovelace@analytical-engines.example', phone: '+44 20 7946 0000' };

let system: System;
let browser: Browsers;
let crm: Conn;
const people: Person[] = [];

// What the stories hand on to each other.
let agent: Person;
let consolePage: Page;
let sessionId = '';
let sessionKey = '';

before(async () => {
  system = await startSystem();
  browser = await launchChromium();
  crm = await salesforceAs(system.salesforceUrl, USERS.manager);
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

describe('Salesforce stories, as people do them', { timeout: 240_000 }, () => {
  test('1. the agent starts a screen share from the Case page, signs in the first time, emails the invite', async () => {
    agent = await newPerson('agent');
    const { page } = agent;
    await signInToSandbox(page, system.salesforceUrl, USERS.agent);
    await openCase(page, system.salesforceUrl, CASE);

    const start = launcher(page).getByRole('button', { name: 'Start Screen Share' });
    await start.waitFor({ timeout: TIMEOUT });
    const popup = agent.context.waitForEvent('page', { timeout: TIMEOUT });
    await start.click();
    // First use: the relay's sign-in opens in a new window on the sandbox's OAuth page.
    const signInWindow = await popup;
    await launcher(page)
      .getByText('Sign in to Sightline with your Salesforce account in the window that opened.', { exact: false })
      .waitFor({ timeout: TIMEOUT });
    await allowAccess(signInWindow, USERS.agent);
    // Signed in, the launcher creates the session and the same window becomes the agent console.
    await signInWindow.waitForURL(/\/console\/[^/?#]+$/, { timeout: 30_000 });
    consolePage = signInWindow;
    sessionId = decodeURIComponent(new URL(consolePage.url()).pathname.split('/').pop()!);
    await consolePage.getByText('Waiting for the customer', { exact: true }).first().waitFor({ timeout: TIMEOUT });

    const shown = await launcherSession(page);
    assert.match(shown.key, /^\d{6}$/, 'the launcher shows a six-digit key');
    assert.ok(shown.joinUrl.startsWith(`${system.relayUrl}/j/`), `join link on the relay: ${shown.joinUrl}`);
    assert.equal(shown.status, 'Waiting for the customer');
    sessionKey = shown.key;

    // The agent records this one (policy: the host's choice), then emails the invite.
    await consolePage.getByRole('button', { name: 'Start recording' }).click();
    const to = launcher(page).getByLabel('Send the invite to');
    await to.fill(CUSTOMER.email);
    await launcher(page).getByRole('button', { name: 'Email invite' }).click();
    await launcherNotice(page, `Invite sent to ${CUSTOMER.email}`);
    assert.deepEqual(agent.problems, []);
  });

  test('2. the customer follows the emailed link, shares, chats with the agent, stops and leaves', async () => {
    assert.ok(sessionId, 'story 1 created a session');
    const customer = await newPerson('customer');
    const { page } = customer;
    await openInvitation(page, system.salesforceUrl, CUSTOMER.email);
    await giveContactDetails(page, CUSTOMER);
    await acceptTerms(page, 'allow');
    await shareScreen(page);
    // The agent asked for the recording and the customer allowed it: the join page says it runs.
    await page.getByText('Recording: this session is being recorded').waitFor({ timeout: TIMEOUT });

    await assertSeesLiveScreen(consolePage);
    await consolePage.getByText('In progress', { exact: true }).first().waitFor({ timeout: TIMEOUT });
    await until(
      () => launcher(agent.page).locator('.session-status').innerText(),
      (s) => s.trim() === 'In progress',
      'the launcher on the Case page to show the live status',
    );

    await chat(consolePage, 'Hello Ada, I can see your screen now.');
    await page.getByText('Hello Ada, I can see your screen now.').waitFor({ timeout: TIMEOUT });
    await chat(page, 'Thanks! The printer queue is stuck.');
    await consolePage.getByText('Thanks! The printer queue is stuck.').waitFor({ timeout: TIMEOUT });

    await page.getByRole('button', { name: 'Stop sharing' }).click();
    await page.getByText('Your screen is not shared', { exact: true }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('heading', { name: 'You left the session' }).waitFor({ timeout: TIMEOUT });
    await consolePage.getByRole('heading', { name: 'The customer left' }).waitFor({ timeout: TIMEOUT });

    // In the CRM: the Task on the Case with the attendees and the log, the recording on the Case.
    const task = await caseTaskOf(crm, sessionId, CASE);
    assert.match(task.Description, new RegExp(CUSTOMER.email.replace(/[.]/g, '\\.')), 'attendee email in the log');
    assert.match(task.Description, /Hello Ada, I can see your screen now\./, 'agent chat in the log');
    assert.match(task.Description, /Thanks! The printer queue is stuck\./, 'customer chat in the log');
    assert.match(task.Subject, /^Screen share \d{4}-\d{2}-\d{2} with Alex Agent$/);
    assert.ok(!`${task.Subject}\n${task.Description}`.includes(sessionKey), 'the session key stays out of the CRM');
    const versions = await until(
      () => versionsOfSession(crm, sessionId, CASE),
      (v) => v.length > 0,
      "the session's recording in the CRM",
      30_000,
    );
    assert.equal(versions.length, 1, 'one recording per session');
    const [version] = versions;
    assert.equal(version!.FirstPublishLocationId, CASE);
    assert.ok(version!.ContentSize > 1000, `recording has content (${version!.ContentSize} bytes)`);
    assert.ok(await documentLinked(crm, version!.ContentDocumentId, CASE), 'ContentDocumentLink to the Case');
    // Policy "new email": the unknown attendee became a Lead.
    const leads = await until(
      () => leadsWithEmail(crm, CUSTOMER.email),
      (l) => l.length > 0,
      'a Lead for the unknown attendee',
      30_000,
    );
    assert.equal(leads.length, 1);
    assert.equal(leads[0]!.LastName, 'Lovelace');

    await assertRelayHoldsNothing(system.relayUrl, sessionId, agent.context);
    assert.deepEqual(customer.problems, []);
    assert.deepEqual(agent.problems, []);
  });

  test('3. the manager plays the recording on the Case page, next to its log', async () => {
    assert.ok(sessionId, 'story 2 ended a recorded session');
    const manager = await newPerson('manager');
    const { page } = manager;
    await signInToSandbox(page, system.salesforceUrl, USERS.manager);
    await openCase(page, system.salesforceUrl, CASE);

    const recording = recordingsList(page).locator('li.recording').first();
    await recording.waitFor({ timeout: TIMEOUT });
    await recording.locator('.rec-log').getByText('Thanks! The printer queue is stuck.', { exact: false }).waitFor();
    const video = recording.locator('video.rec-video');
    await video.scrollIntoViewIfNeeded();
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play().catch(() => undefined);
    });
    const state = await until(
      () =>
        video.evaluate((v: HTMLVideoElement) => ({
          readyState: v.readyState,
          duration: v.duration,
          error: v.error?.message ?? null,
          width: v.videoWidth,
          height: v.videoHeight,
        })),
      (s) => s.error !== null || (s.readyState >= 2 && s.width > 0),
      'the recording to become playable',
    );
    assert.equal(state.error, null, 'the browser decodes the recording');
    assert.ok(state.readyState >= 2, `readyState ${state.readyState}`);
    // WebM written while streaming may declare no duration: seeking far makes the browser find the end.
    const duration = await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((ok) => {
          if (Number.isFinite(v.duration) && v.duration > 0) return ok(v.duration);
          v.addEventListener('durationchange', () => Number.isFinite(v.duration) && ok(v.duration));
          v.currentTime = 1e9;
        }),
    );
    assert.ok(duration > 0, `duration ${duration}`);
    // A frame drawn from the video is the session's screen, not a blank picture.
    const colours = await until(
      () =>
        video.evaluate((v: HTMLVideoElement) => {
          const c = document.createElement('canvas');
          c.width = v.videoWidth;
          c.height = v.videoHeight;
          const ctx = c.getContext('2d')!;
          ctx.drawImage(v, 0, 0);
          const { data } = ctx.getImageData(0, 0, c.width, c.height);
          const seen = new Set<number>();
          for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
          return seen.size;
        }),
      (n) => n > 3,
      'a non-blank frame from the recording',
    );
    assert.ok(colours > 3);
    assert.deepEqual(manager.problems, []);
  });

  test('4. with the policy "new email" the Lead exists, and sales sees the attendee as a known Lead', async () => {
    assert.ok(sessionId, 'story 2 ended a session with an unknown attendee');
    // The Case page's attendee list reads the session's Sightline_Attendee__c rows.
    const rows = await attendeeRowsOfSession(crm, sessionId);
    assert.ok(
      rows.some((r) => r.Email__c === CUSTOMER.email && r.Case__c === CASE),
      `a Sightline_Attendee__c row for the attendee on the Case; rows: ${JSON.stringify(rows)}`,
    );
    const sales = await newPerson('sales');
    const { page } = sales;
    await signInToSandbox(page, system.salesforceUrl, USERS.sales);
    await page.goto(`${system.salesforceUrl}/leads`);
    await page.getByRole('cell', { name: CUSTOMER.email }).waitFor({ timeout: TIMEOUT });
    await openCase(page, system.salesforceUrl, CASE);
    const row = attendeesList(page).locator('li.attendee').filter({ hasText: CUSTOMER.email });
    await row.waitFor({ timeout: TIMEOUT });
    await row.locator('.att-status').getByText('Lead', { exact: true }).waitFor({ timeout: TIMEOUT });
    assert.equal(await row.getByRole('button', { name: 'Create Lead' }).count(), 0, 'no Create Lead for a known email');
    assert.equal((await leadsWithEmail(crm, CUSTOMER.email)).length, 1, 'still exactly one Lead');
    assert.deepEqual(sales.problems, []);
  });

  test('4. a second session with the same attendee creates no duplicate Lead; a Contact gets none', async () => {
    assert.ok(consolePage, 'story 1 opened the console');
    // Should story 2 not have ended the first session, the agent ends it from the console.
    if (await consolePage.getByRole('button', { name: 'End session' }).count()) {
      await consolePage.getByRole('button', { name: 'End session' }).click();
      await consolePage.getByRole('button', { name: 'Yes, end for everyone' }).click();
      await consolePage.getByRole('heading', { name: 'The session has ended' }).waitFor({ timeout: TIMEOUT });
    }
    await consolePage.close();
    const jane = { name: DEMO.salesforce.contacts.jane.name, email: DEMO.salesforce.contacts.jane.email };
    // Ada twice more (she may already have her Lead from story 2), then a Contact.
    for (const contact of [CUSTOMER, CUSTOMER, jane]) {
      const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
      const customer = await newPerson(`customer ${contact.name}`);
      await customerEntersKey(customer.page, system.relayUrl, started.key);
      await customerShares(customer.page, contact, 'not asked');
      await customerLeaves(customer.page, started.console);
      await started.console.close();
      await caseTaskOf(crm, started.sessionId, CASE);
      await assertRelayHoldsNothing(system.relayUrl, started.sessionId, agent.context);
      assert.deepEqual(customer.problems, []);
    }
    assert.equal((await leadsWithEmail(crm, CUSTOMER.email)).length, 1, 'no duplicate Lead for the same email');
    assert.deepEqual(await leadsWithEmail(crm, jane.email), [], 'no Lead for an email a Contact has');
    assert.deepEqual(agent.problems, []);
  });

  test('npm start stops cleanly on Ctrl-C', async () => {
    for (const p of people.splice(0)) await p.context.close();
    await browser.close();
    const code = await system.stop();
    assert.equal(code, 0, `npm start exit code; output:\n${system.output()}`);
  });
});
