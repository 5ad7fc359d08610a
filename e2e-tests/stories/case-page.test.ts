// The Case page as the agent sees it with a live session, in Chromium: the key grouped as the console
// groups it ("482 913"), an invite field wide enough for an email address, and no axe-core (WCAG 2.1
// A/AA) violations on the page with the Sightline components in it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO } from '@sightline/crm-sandbox';
import { launchChromium, person, type Browsers, type Person } from '../support/browser.ts';
import { axeViolations } from '../support/axe.ts';
import { agentStartsSession } from '../support/flows.ts';
import { launcher, openCase, signInToSandbox } from '../support/sandbox.ts';
import { startSystem, type System } from '../support/system.ts';

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

describe('the Case page', () => {
  test('groups the key, fits an address in the invite field, and has no axe violations', async () => {
    const agent = await person(browser, 'agent');
    people.push(agent);
    const USER = DEMO.salesforce.users.agent;
    await signInToSandbox(agent.page, system.salesforceUrl, USER);
    await agentStartsSession(agent, system.salesforceUrl, DEMO.salesforce.cases.printer, USER);
    const page = agent.page;
    const shown = (await launcher(page).locator('.session-key').innerText()).trim();
    assert.match(shown, /^\d{3} \d{3}$/, 'the key in groups of three, as in the console');

    const invite = launcher(page).getByLabel('Send the invite to');
    const address = DEMO.salesforce.contacts.jane.email;
    await invite.fill(address);
    // The whole address is visible: the field is at least as wide as what it holds.
    const fits = await invite.evaluate(
      (el: HTMLInputElement) => el.clientWidth >= el.scrollWidth && el.clientWidth >= 240,
    );
    assert.ok(fits, 'the invite field shows a whole email address');

    assert.deepEqual(await axeViolations(page), []);
  });

  test('is styled by SLDS and uses the real lightning base components', async () => {
    const agent = await person(browser, 'agent-slds');
    people.push(agent);
    const USER = DEMO.salesforce.users.agent;
    await signInToSandbox(agent.page, system.salesforceUrl, USER);
    await openCase(agent.page, system.salesforceUrl, DEMO.salesforce.cases.printer);
    const start = launcher(agent.page).getByRole('button', { name: 'Start Screen Share' });
    await start.waitFor();
    const look = await start.evaluate((el: HTMLElement) => ({
      // SLDS's stylesheet loaded and applied: its rules are in the document, and the button lays out
      // as .slds-button does (inline-flex; the page's own stylesheet never sets a button's display).
      sldsRules: [...document.styleSheets].some((s) => (s.href ?? '').includes('salesforce-lightning-design-system')),
      classes: el.className,
      host: el.closest('lightning-button')?.tagName ?? '',
      display: getComputedStyle(el).display,
    }));
    assert.ok(look.sldsRules, 'the SLDS stylesheet is on the page');
    assert.equal(look.host, 'LIGHTNING-BUTTON');
    assert.match(look.classes, /\bslds-button\b/);
    assert.equal(look.display, 'inline-flex', 'SLDS styles the button');
  });
});
