// Recording started by the agent after the customer joined, through the pages in Chromium: the customer
// is asked then, the join page shows the indicator for as long as the recording runs, and the file on
// the Case is the H.264 MP4 the join page encodes while recording (faststart, with its sync-sample
// index, a duration matching the recorded time), as Debian's ffprobe reads it. A refusal keeps it off
// and is in the session's log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { caseTaskOf, salesforceAs, versionBytes, versionsOfSession, type Conn } from '../support/crm.ts';
import { agentStartsSession, customerEntersKey, customerLeaves, customerShares } from '../support/flows.ts';
import { probeRecording } from '../support/media.ts';
import { assertSeesLiveScreen, type Contact } from '../support/pages.ts';
import { assertRelayHoldsNothing } from '../support/relay.ts';
import { signInToSandbox } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT, until } from '../support/wait.ts';

const USERS = DEMO.salesforce.users;
const CASE = DEMO.salesforce.cases.invoice;
const CUSTOMER: Contact = { name: 'Jane Customer', email: DEMO.salesforce.contacts.jane.email };
/** How long the story records: long enough that 5% of it covers the page-to-relay delay at either end. */
const RECORD_MS = 20_000;
const INDICATOR = 'Recording: this session is being recorded';

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

/** The customer joined and shares, never asked about recording; the agent then clicks Start recording. */
async function agentStartsRecordingAfterJoin(customerName: string) {
  const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
  const customer = await newPerson(customerName);
  await customerEntersKey(customer.page, system.relayUrl, started.key);
  await customerShares(customer.page, CUSTOMER, 'not asked');
  await assertSeesLiveScreen(started.console);
  await started.console.getByRole('button', { name: 'Start recording' }).click();
  await started.console
    .getByRole('button', { name: 'Waiting for the customer to allow recording (cancel)' })
    .waitFor({ timeout: TIMEOUT });
  const question = customer.page.getByRole('alertdialog', { name: /would like to record this session$/ });
  await question.waitFor({ timeout: TIMEOUT });
  assert.equal(await customer.page.getByText(INDICATOR).count(), 0, 'no indicator before the customer allows it');
  return { started, customer };
}

const indicatorShown = (page: Page) => page.getByText(INDICATOR).count();
/** The join page's encoder codec now (its own counters). */
const encoderCodec = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as { __sightlineStats?: { codec?: string } }).__sightlineStats?.codec ?? '',
  );

describe('recording started after the customer joined, through the pages', { timeout: 300_000 }, () => {
  test('the customer allows it: the indicator shows while it runs; the Case gets an H.264 MP4 that seeks', async () => {
    const { started, customer } = await agentStartsRecordingAfterJoin('customer allows recording');
    // The live codec: AV1 where the browser encodes it (Debian's Chromium does), VP9 otherwise.
    const live = await encoderCodec(customer.page);
    assert.match(live, /^(av01|vp09)\./, 'the live codec before recording');
    await customer.page.getByRole('button', { name: 'Allow recording' }).click();
    await customer.page.getByText(INDICATOR).waitFor({ timeout: TIMEOUT });
    const from = Date.now();
    await started.console.getByRole('button', { name: 'Stop recording' }).waitFor({ timeout: TIMEOUT });
    await until(
      () => encoderCodec(customer.page),
      (c) => c.startsWith('avc1.'),
      'the join page to encode H.264 while recording',
    );
    // The recorded stretch of the session (what the duration is checked against), not a wait for a state.
    await new Promise((r) => setTimeout(r, RECORD_MS));
    await started.console.getByRole('button', { name: 'Stop recording' }).click();
    await until(
      () => indicatorShown(customer.page),
      (n) => n === 0,
      'the indicator to go once the recording stops',
    );
    const recordedSeconds = (Date.now() - from) / 1000;
    await until(
      () => encoderCodec(customer.page),
      (c) => c === live,
      'the join page to go back to its live codec once the recording stops',
    );
    await started.console.getByRole('button', { name: 'Start recording' }).waitFor({ timeout: TIMEOUT });
    await customerLeaves(customer.page, started.console);

    const task = await caseTaskOf(crm, started.sessionId, CASE);
    assert.match(task.Description, /allowed recording/, `the answer is in the log:\n${task.Description}`);
    assert.doesNotMatch(task.Description, /recording as WebM/, "Debian's Chromium has an H.264 encoder");
    const [version] = await until(
      () => versionsOfSession(crm, started.sessionId, CASE),
      (v) => v.length === 1,
      "the session's recording on the Case",
      30_000,
    );
    assert.equal(version!.FileExtension, 'mp4');
    const probed = await probeRecording(await versionBytes(crm, version!.Id), `${version!.Title}.mp4`);
    assert.match(probed.formatName, /mp4/);
    assert.equal(probed.codec, 'h264');
    assert.ok(
      Math.abs(probed.durationSeconds - recordedSeconds) <= recordedSeconds * 0.05,
      `ffprobe ${probed.durationSeconds} s vs recorded ${recordedSeconds} s`,
    );
    assert.ok(probed.seek.keyframe && probed.seek.pts <= probed.seek.target, JSON.stringify(probed.seek));
    assert.ok(probed.boxes.includes('stss'), `sync-sample index: ${probed.boxes.join(' ')}`);
    assert.ok(probed.boxes.indexOf('moov') < probed.boxes.indexOf('mdat'), `faststart: ${probed.boxes.join(' ')}`);
    await assertRelayHoldsNothing(system.relayUrl, started.sessionId, agent.context);
    assert.deepEqual(customer.problems, []);
    assert.deepEqual(agent.problems, []);
  });

  test('the customer refuses it: nothing is recorded, the agent sees it, the log says so', async () => {
    const { started, customer } = await agentStartsRecordingAfterJoin('customer refuses recording');
    await customer.page.getByRole('button', { name: 'Refuse recording' }).click();
    await started.console
      .getByRole('button', { name: 'Recording refused by the customer' })
      .waitFor({ timeout: TIMEOUT });
    assert.equal(await indicatorShown(customer.page), 0, 'no indicator after a refusal');
    assert.equal(await customer.page.getByRole('alertdialog').count(), 0, 'the question is gone once answered');
    await customerLeaves(customer.page, started.console);

    const task = await caseTaskOf(crm, started.sessionId, CASE);
    assert.match(task.Description, /refused recording/, `the refusal is in the log:\n${task.Description}`);
    assert.match(task.Description, /Recording: none/);
    assert.deepEqual(await versionsOfSession(crm, started.sessionId, CASE), [], 'no recording of the session');
    await assertRelayHoldsNothing(system.relayUrl, started.sessionId, agent.context);
    assert.deepEqual(customer.problems, []);
  });
});
