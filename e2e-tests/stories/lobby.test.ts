// Nobody sees a customer's screen unless the host let them in, through the real pages: the key admits
// the customer; a second person with the same key waits in the lobby and is shown nothing while the
// host reads "Sam (sam@globex.example) asks to join"; the host turns one away, lets another in, and
// then removes them from the console's attendee list (after confirming): their page says so, the list
// updates, and their ticket is refused by the relay from that moment.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { agentStartsSession, customerEntersKey, customerShares } from '../support/flows.ts';
import { acceptTerms, giveContactDetails, type Contact } from '../support/pages.ts';
import { signInToSandbox } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';
import { TIMEOUT } from '../support/wait.ts';

const USERS = DEMO.salesforce.users;
const CASE = DEMO.salesforce.cases.login;
const CUSTOMER: Contact = { name: 'Raj Patel', email: DEMO.salesforce.contacts.raj.email };
const SAM: Contact = { name: 'Sam', email: 'sam@globex.example' };
const PAT: Contact = { name: 'Pat', email: 'pat@globex.example' };

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

/** The relay's answer to a WebSocket upgrade with this socket URL's ticket (101 when it opens). */
function upgradeStatus(listenUrl: string, socketUrl: string): Promise<number> {
  const ticket = new URL(socketUrl).searchParams.get('ticket') ?? '';
  return new Promise((ok, fail) => {
    const req = request(`${listenUrl}/ws?ticket=${encodeURIComponent(ticket)}`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('sightline-e2e-16').toString('base64'),
      },
    });
    req.on('response', (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      ok(101);
    });
    req.on('error', fail);
    req.end();
  });
}

/** A second person with the key, up to the share prompt: they land in the lobby. */
async function arrivesWithKey(p: Person, key: string, contact: Contact): Promise<void> {
  await customerEntersKey(p.page, system.relayUrl, key);
  await giveContactDetails(p.page, contact);
  await acceptTerms(p.page, 'not asked');
  await p.page.getByRole('button', { name: 'Share my screen' }).click();
  await p.page.getByRole('heading', { name: 'Waiting for the host to let you in' }).waitFor({ timeout: TIMEOUT });
}

describe('lobby: the key admits its first guest, the host decides on everyone after', () => {
  test('a second guest waits and sees nothing; the host denies one, admits another, removes them', async () => {
    const agent = await newPerson('agent');
    await signInToSandbox(agent.page, system.salesforceUrl, USERS.agent);
    const started = await agentStartsSession(agent, system.salesforceUrl, CASE, USERS.agent);
    const console = started.console;
    const customer = await newPerson('customer');
    await customerEntersKey(customer.page, system.relayUrl, started.key);
    await customerShares(customer.page, CUSTOMER, 'not asked');
    await console.getByText('In progress', { exact: true }).first().waitFor({ timeout: TIMEOUT });

    // Sam has the key too: the lobby, not the session.
    const sam = await newPerson('sam');
    await arrivesWithKey(sam, started.key, SAM);
    await console.getByText('Sam (sam@globex.example) asks to join').waitFor({ timeout: TIMEOUT });
    assert.equal(await sam.page.getByText('Your screen is visible', { exact: true }).count(), 0);
    assert.equal(await sam.page.getByRole('heading', { name: /Chat with/ }).count(), 0, 'no chat in the lobby');
    await console.getByRole('button', { name: 'Deny Sam' }).click();
    await sam.page.getByRole('heading', { name: 'The host did not let you in' }).waitFor({ timeout: TIMEOUT });
    await console.getByText('Sam (sam@globex.example) asks to join').waitFor({ state: 'detached', timeout: TIMEOUT });

    // Pat waits too and is let in: the join page goes on to sharing as for the first customer.
    const pat = await newPerson('pat');
    const patSockets: string[] = [];
    pat.page.on('websocket', (ws) => patSockets.push(ws.url()));
    await arrivesWithKey(pat, started.key, PAT);
    await console.getByRole('button', { name: 'Admit Pat' }).click();
    await pat.page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
    const attendees = console
      .getByRole('region', { name: 'Attendees' })
      .or(console.locator('section', { hasText: 'Attendees' }));
    await attendees.getByText('Pat', { exact: true }).first().waitFor({ timeout: TIMEOUT });
    assert.equal(await attendees.getByText('Sam', { exact: true }).count(), 0, 'Sam never became an attendee');

    // The host removes Pat: asked to confirm first, then Pat is out at once.
    await attendees.getByRole('button', { name: 'Remove Pat' }).click();
    await attendees.getByRole('alert').getByText('Remove Pat from the session?').waitFor({ timeout: TIMEOUT });
    assert.equal(
      await attendees.getByRole('button', { name: 'Remove Raj Patel' }).count(),
      1,
      'one question at a time',
    );
    await attendees.getByRole('button', { name: 'Yes, remove Pat' }).click();
    await pat.page.getByRole('heading', { name: 'You were removed from the session' }).waitFor({ timeout: TIMEOUT });
    await attendees.getByText('Pat', { exact: true }).waitFor({ state: 'detached', timeout: TIMEOUT });
    await attendees.getByText('Raj Patel', { exact: true }).first().waitFor({ timeout: TIMEOUT });
    assert.equal(await attendees.getByRole('button', { name: /^Remove Alex/ }).count(), 0, 'the host is not removable');
    assert.ok(patSockets.length > 0, "Pat's page opened a socket");
    assert.equal(await upgradeStatus(system.relayListenUrl, patSockets[0]!), 401, "Pat's ticket is dead");
    await customer.page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
    assert.deepEqual(sam.problems, []);
    assert.deepEqual(pat.problems, []);
  });
});
