// The ServiceNow path of stories 1-3 against `npm start`'s own processes. The sandbox's incident
// form does not carry the Sightline widget, so the agent uses the scoped app's shipped widget on the
// stand-in Service Portal page of e2e-tests/servicenow-widget (reused as is), whose origin the relay
// must allow: npm start runs once to issue the widget's instance token, then again with that origin
// (same ports and data: the sandbox keeps its records across the restart).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import { DEMO } from '@sightline/crm-sandbox';
import { startWidgetHost, type WidgetHost } from '../servicenow-widget/widgetHost.ts';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { acceptTerms, assertSeesLiveScreen, chat, giveContactDetails, shareScreen } from '../support/pages.ts';
import { assertRelayHoldsNothing } from '../support/relay.ts';
import { allowAccess, openInvitation } from '../support/sandbox.ts';
import { planSystem, startSystem, type System, type SystemPlan } from '../support/system.ts';
import { TIMEOUT, until } from '../support/wait.ts';

const USERS = DEMO.servicenow.users;
const INCIDENT = DEMO.servicenow.incidents.vpn;
const CUSTOMER = { name: 'Katherine Johnson', email: 'katherine.johnson@orbit-math.example' };
const TOKEN_TTL_SECONDS = 3600;

let plan: SystemPlan;
let system: System;
let host: WidgetHost;
let browser: Browsers;
const people: Person[] = [];
let agent: Person;

async function agentToken(servicenowUrl: string): Promise<string> {
  const res = await fetch(`${servicenowUrl}/oauth_token.do`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: USERS.agent.username,
      password: USERS.agent.password,
      client_id: DEMO.oauthClient.clientId,
      client_secret: DEMO.oauthClient.clientSecret,
    }),
  });
  assert.equal(res.status, 200, 'the instance issues the widget its token');
  return ((await res.json()) as { access_token: string }).access_token;
}

before(async () => {
  plan = await planSystem();
  const first = await startSystem({ plan, accessTokenTtlSeconds: TOKEN_TTL_SECONDS });
  const token = await agentToken(first.servicenowUrl);
  assert.equal(await first.stop(), 0, `first npm start exit code; output:\n${first.output()}`);
  host = await startWidgetHost({
    backend: { baseUrl: first.servicenowUrl, headers: { authorization: `Bearer ${token}` } },
    user: {
      userId: USERS.agent.id,
      userName: USERS.agent.username,
      roles: ['itil', 'x_sightline_share.agent'],
      properties: {
        'x_sightline_share.relay_url': 'pending',
        'x_sightline_share.recording': 'host',
        'x_sightline_share.attachment_url': `${first.servicenowUrl}/api/now/attachment/{sys_id}/file`,
      },
    },
  });
  system = await startSystem({ plan, accessTokenTtlSeconds: TOKEN_TTL_SECONDS, allowedOrigins: [host.origin] });
  host.setRelayUrl(system.relayUrl);
  browser = await launchChromium();
});

after(async () => {
  for (const p of people) await p.context.close().catch(() => {});
  await browser?.close();
  await system?.stop();
  await host?.close();
  if (plan) rmSync(plan.dir, { recursive: true, force: true });
});

async function newPerson(name: string): Promise<Person> {
  const p = await person(browser, name);
  people.push(p);
  return p;
}

describe('ServiceNow: an incident, as the agent, the customer and the manager', { timeout: 240_000 }, () => {
  test('the agent starts a recorded session on the incident, the customer shares from the emailed link, and leaves', async () => {
    agent = await newPerson('agent');
    const { page, context } = agent;
    await page.goto(`${system.servicenowUrl}/`);
    await page.getByLabel('Username').fill(USERS.agent.username);
    await page.getByLabel('Password').fill(USERS.agent.password);
    await page.getByRole('button', { name: /log in/i }).click();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor({ timeout: TIMEOUT });

    await page.goto(`${host.url}/sp?table=incident&sys_id=${INCIDENT.id}`);
    const widget = page.locator('.sightline-share');
    await widget.getByText(INCIDENT.number).waitFor({ timeout: TIMEOUT });
    await widget.getByLabel('Record this session').check();
    const popup = context.waitForEvent('page', { timeout: TIMEOUT });
    await widget.getByRole('button', { name: 'Start Screen Share' }).click();
    await allowAccess(await popup, USERS.agent);
    await widget.locator('.sightline-key').waitFor({ timeout: 30_000 });
    const key = (await widget.locator('.sightline-key').innerText()).trim();
    assert.match(key, /^\d{6}$/);
    assert.equal((await widget.locator('.sightline-status').innerText()).trim(), 'Waiting for the customer');
    const consoleOpened = context.waitForEvent('page', { timeout: TIMEOUT });
    await widget.getByRole('button', { name: 'Open agent console' }).click();
    const console = await consoleOpened;
    await console.waitForURL(/\/console\/[^/?#]+$/, { timeout: TIMEOUT });
    const sessionId = decodeURIComponent(new URL(console.url()).pathname.split('/').pop()!);
    await console.getByText('Waiting for the customer', { exact: true }).first().waitFor({ timeout: TIMEOUT });

    await widget.getByLabel('Invite by email').fill(CUSTOMER.email);
    await widget.getByRole('button', { name: 'Send invite' }).click();
    await widget.locator('.sightline-invite-sent').getByText(`Sent to ${CUSTOMER.email}`).waitFor({ timeout: TIMEOUT });

    const customer = await newPerson('customer');
    await openInvitation(customer.page, system.servicenowUrl, CUSTOMER.email);
    await giveContactDetails(customer.page, CUSTOMER);
    await acceptTerms(customer.page, 'allow');
    await shareScreen(customer.page);
    await assertSeesLiveScreen(console);
    await until(
      () => widget.locator('.sightline-status').innerText(),
      (s) => s.trim() === 'In progress',
      'the widget to show the session in progress',
    );
    await chat(customer.page, 'The VPN client says the certificate expired.');
    await console.getByText('The VPN client says the certificate expired.').waitFor({ timeout: TIMEOUT });
    await customer.page.getByRole('button', { name: 'Leave' }).click();
    await customer.page.getByRole('heading', { name: 'You left the session' }).waitFor({ timeout: TIMEOUT });
    await console.getByRole('heading', { name: 'The customer left' }).waitFor({ timeout: TIMEOUT });

    // The manager reads the incident in the instance: the work note with the log, the recording playing.
    const manager = await newPerson('manager');
    await manager.page.goto(`${system.servicenowUrl}/`);
    await manager.page.getByLabel('Username').fill(USERS.manager.username);
    await manager.page.getByLabel('Password').fill(USERS.manager.password);
    await manager.page.getByRole('button', { name: /log in/i }).click();
    await manager.page.getByRole('heading', { name: 'Incidents' }).waitFor({ timeout: TIMEOUT });
    const incidentUrl = `${system.servicenowUrl}/incident.do?sys_id=${INCIDENT.id}`;
    const notes = manager.page.locator('#work-notes');
    await until(
      async () => {
        await manager.page.goto(incidentUrl);
        return (await notes.innerText()).includes('The VPN client says the certificate expired.');
      },
      (found) => found,
      'the session work note on the incident',
      30_000,
    );
    assert.ok((await notes.innerText()).includes(CUSTOMER.email), 'the attendee is in the work note');
    const video = manager.page.locator('#attachments video').first();
    await until(
      async () => {
        await manager.page.goto(incidentUrl);
        return video.count();
      },
      (n) => n > 0,
      'the recording attached to the incident',
      30_000,
    );
    const state = await until(
      () =>
        video.evaluate((v: HTMLVideoElement) => ({
          readyState: v.readyState,
          width: v.videoWidth,
          error: v.error?.message ?? null,
        })),
      (s) => s.error !== null || (s.readyState >= 1 && s.width > 0),
      'the recording to load',
    );
    assert.equal(state.error, null, 'the browser decodes the recording');

    await assertRelayHoldsNothing(system.relayUrl, sessionId, context);
    for (const p of [agent, customer, manager]) assert.deepEqual(p.problems, [], p.name);
  });

  test('npm start stops cleanly on Ctrl-C', async () => {
    for (const p of people.splice(0)) await p.context.close().catch(() => {});
    await browser.close();
    assert.equal(await system.stop(), 0, `npm start exit code; output:\n${system.output()}`);
  });
});
