// Story steps written once on the page driver (support/driver.ts), run in Chromium and in Firefox:
// story 1 (the agent starts from the Case page, signing in the first time), story 2 (the customer
// joins and shares) and the ServiceNow start (the widget on the portal page).
import assert from 'node:assert/strict';
import type { DemoUser } from '@sightline/crm-sandbox';
import type { Actor, Driver } from './driver.ts';
import { TIMEOUT, until } from './wait.ts';

const LAUNCHER = 'c-sightline-launcher';
const WIDGET = '.sightline-share';

export async function signInToCrm(page: Driver, baseUrl: string, user: DemoUser, landmark: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.fill({ css: 'input[name=username]' }, user.username);
  await page.fill({ css: 'input[name=password]' }, user.password);
  await page.click({ role: 'button', name: 'Log In' });
  await page.waitFor({ text: landmark });
}

/** The CRM's OAuth page: signs in when asked (a browser signed in to the CRM only asks to allow). */
export async function allowAccess(window: Driver, user: DemoUser): Promise<void> {
  await window.waitFor({ role: 'heading', name: 'Allow access?' });
  if (await window.present({ css: 'input[name=username]' })) {
    await window.fill({ css: 'input[name=username]' }, user.username);
    await window.fill({ css: 'input[name=password]' }, user.password);
  }
  await window.click({ role: 'button', name: 'Allow' });
}

export interface Started {
  sessionId: string;
  key: string;
  console: Driver;
}

const sessionIdOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').pop()!);

/**
 * Story 1: on the Case page the agent clicks Start Screen Share; the first time, the sign-in window
 * opens on the CRM's OAuth page; once allowed, it becomes the agent console and the launcher shows
 * the key; the agent emails the invite.
 */
export async function agentStartsFromCase(
  agent: Actor,
  salesforceUrl: string,
  caseId: string,
  user: DemoUser,
  inviteTo: string,
): Promise<Started> {
  const { page } = agent;
  await signInToCrm(page, salesforceUrl, user, 'Cases');
  await page.goto(`${salesforceUrl}/lightning/r/Case/${caseId}/view`);
  const start = { role: 'button', name: 'Start Screen Share', within: LAUNCHER };
  await page.waitFor(start);
  const window = await page.opens(() => page.click(start));
  await page.waitFor({ text: 'in the window that opened', within: LAUNCHER });
  await allowAccess(window, user);
  await window.waitForUrl(/\/console\/[^/?#]+$/, 30_000).catch(async (err: Error) => {
    const said = [];
    for (const css of ['.error', '.signing-in'])
      if (await page.present({ css, within: LAUNCHER })) said.push(await page.text({ css, within: LAUNCHER }));
    assert.fail(
      `the console did not open (window at ${window.url()}; launcher: ${JSON.stringify(said)}): ${err.message}`,
    );
  });
  await window.waitFor({ text: 'Waiting for the customer' });
  await page.waitFor({ css: '.session-key', within: LAUNCHER });
  const key = (await page.text({ css: '.session-key', within: LAUNCHER })).replace(/\s/g, '');
  assert.match(key, /^\d{6}$/, 'the launcher shows a six-digit key');
  await page.fill({ role: 'textbox', name: 'Send the invite to', within: LAUNCHER }, inviteTo);
  await page.click({ role: 'button', name: 'Email invite', within: LAUNCHER });
  await page.waitFor({ text: `Invite sent to ${inviteTo}`, within: LAUNCHER });
  return { sessionId: sessionIdOf(window.url()), key, console: window };
}

type Probe = { colours: number; hash: number } | null;

/** Pixels of a page's decoded canvas: distinct colours over a grid of samples, and a fingerprint. */
function screenCanvas(page: Driver, appTag: 'sl-console-app' | 'sl-join-app'): Promise<Probe> {
  return page.evaluate((tag) => {
    const app = document.querySelector(tag)?.shadowRoot;
    const canvas = app?.querySelector('sl-screen-view')?.shadowRoot?.querySelector('canvas');
    const ctx = canvas && canvas.width && canvas.height ? canvas.getContext('2d') : null;
    if (!canvas || !ctx) return null;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    let hash = 7;
    for (let i = 0; i < data.length; i += 4 * 97) {
      const rgb = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
      colours.add(rgb);
      hash = (hash * 31 + rgb) >>> 0;
    }
    return { colours: colours.size, hash };
  }, appTag);
}

const CHAT = { css: '[placeholder="Write a message"]' };

/**
 * A live picture on `viewer`: decoded, not blank, and changing when the customer types into the chat
 * (the chat is on the shared screen: one X display). Leaves the line typed, unsent.
 */
async function seesLiveScreen(
  viewer: Driver,
  appTag: Parameters<typeof screenCanvas>[1],
  customer: Driver,
  who: string,
) {
  const first = await until(
    () => screenCanvas(viewer, appTag),
    (c) => c !== null && c.colours > 3,
    `a decoded, non-blank picture on ${who}`,
  );
  await customer.fill(CHAT, `typing on the screen ${who} sees`);
  await until(
    () => screenCanvas(viewer, appTag),
    (c) => c !== null && c.colours > 3 && c.hash !== first!.hash,
    `the picture on ${who} to change (the shared screen is live)`,
  );
}

/** The customer types the key the agent read out on the relay's join page. */
export async function customerEntersKey(customer: Actor, relayUrl: string, key: string): Promise<void> {
  const { page } = customer;
  await page.goto(`${relayUrl}/join`);
  await page.fill({ role: 'textbox', name: 'Session key' }, key);
  await page.click({ role: 'button', name: 'Continue' });
}

/**
 * Story 2, from the join page on: the customer gives their details, consents and shares; the agent
 * sees the screen live.
 */
export async function customerShares(
  customer: Actor,
  contact: { name: string; email: string },
  started: { console: Driver },
): Promise<void> {
  const { page } = customer;
  await page.waitFor({ role: 'heading', name: 'Your contact details' });
  await page.fill({ css: 'input[name=name]' }, contact.name);
  await page.fill({ css: 'input[name=email]' }, contact.email);
  await page.click({ role: 'button', name: 'Continue' });
  const terms = { role: 'checkbox', name: 'I accept the terms of this support session' };
  await page.waitFor(terms);
  await page.check(terms);
  if (await page.present({ role: 'radio', name: 'Allow recording' }))
    await page.check({ role: 'radio', name: 'Allow recording' });
  await page.click({ role: 'button', name: 'Share my screen' });
  await page.waitFor({ text: 'Your screen is visible' });
  await seesLiveScreen(started.console, 'sl-console-app', page, 'the agent console');
}

/** The customer leaves; the agent's console says so. */
export async function customerLeaves(customer: Actor, started: { console: Driver }): Promise<void> {
  await customer.page.click({ role: 'button', name: 'Leave' });
  await customer.page.waitFor({ role: 'heading', name: 'You left the session' });
  await started.console.waitFor({ role: 'heading', name: 'The customer left' });
}

/** Story 2 whole: the customer shares, they chat with the agent, the customer leaves. */
export async function customerSharesAndLeaves(
  customer: Actor,
  contact: { name: string; email: string },
  started: { console: Driver },
): Promise<void> {
  await customerShares(customer, contact, started);
  const { page } = customer;
  await page.fill(CHAT, 'Thanks! Here is my screen.');
  await page.press(CHAT, 'Enter');
  await started.console.waitFor({ text: 'Thanks! Here is my screen.' });
  await customerLeaves(customer, started);
}

/**
 * "Show my screen": the agent shows their own screen from the console; the customer's sharing stops
 * and their join page shows the agent's screen, decoded and live, in the codec this browser decodes.
 */
export async function agentShowsTheirScreen(customer: Actor, started: Started, agentName: string): Promise<string> {
  const { page } = customer;
  await started.console.click({ role: 'button', name: 'Show my screen' });
  await started.console.waitFor({ text: 'You are presenting: the customer sees your screen.' });
  await page.waitFor({ role: 'heading', name: `${agentName} is showing their screen` });
  assert.equal(await page.present({ text: 'Your screen is visible' }), false, "the customer's sharing stopped");
  await seesLiveScreen(page, 'sl-join-app', page, "the customer's join page");
  // The console's encoder codec (its own counters): one the customer's browser said it decodes.
  return started.console.evaluate(
    () => (globalThis as unknown as { __sightlineStats?: { codec?: string } }).__sightlineStats?.codec ?? '',
    null,
  );
}

/**
 * The agent on the relay's own pages only (first-party: no CRM page involved): signs in through the
 * CRM's OAuth page, creates a session on a record and opens its console.
 */
export async function agentOpensConsoleOnRelay(
  agent: Actor,
  relayUrl: string,
  caseId: string,
  user: DemoUser,
): Promise<Started> {
  const { page } = agent;
  await page.goto(`${relayUrl}/auth/salesforce?returnTo=${encodeURIComponent('/join')}`);
  await allowAccess(page, user);
  await page.waitForUrl(/\/join$/);
  const created = await page.evaluate(async (recordId) => {
    const res = await fetch('/api/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ crm: 'salesforce', recordId }),
    });
    return { status: res.status, body: (await res.json()) as { sessionId: string; key: string; consoleUrl: string } };
  }, caseId);
  assert.equal(created.status, 201, `session created: ${JSON.stringify(created.body)}`);
  await page.goto(created.body.consoleUrl);
  await page.waitFor({ text: 'Waiting for the customer' });
  return { sessionId: created.body.sessionId, key: created.body.key, console: page };
}

/**
 * The ServiceNow start: the agent, signed in to the instance, opens the incident's portal page with
 * the widget, starts a recorded session, signs in to the relay through the instance's OAuth page the
 * first time, and opens the console from the widget.
 */
export async function agentStartsFromIncident(
  agent: Actor,
  servicenowUrl: string,
  portalUrl: string,
  incident: { id: string; number: string },
  user: DemoUser,
): Promise<Started> {
  const { page } = agent;
  await signInToCrm(page, servicenowUrl, user, 'Incidents');
  await page.goto(`${portalUrl}/sp?table=incident&sys_id=${incident.id}`);
  await page.waitFor({ text: incident.number, within: WIDGET });
  await page.check({ role: 'checkbox', name: 'Record this session', within: WIDGET });
  const signIn = await page.opens(() => page.click({ role: 'button', name: 'Start Screen Share', within: WIDGET }));
  await allowAccess(signIn, user);
  await page.waitFor({ css: '.sightline-key', within: WIDGET }, 30_000);
  const key = (await page.text({ css: '.sightline-key', within: WIDGET })).trim();
  assert.match(key, /^\d{6}$/);
  assert.equal((await page.text({ css: '.sightline-status', within: WIDGET })).trim(), 'Waiting for the customer');
  const console = await page.opens(() => page.click({ role: 'button', name: 'Open agent console', within: WIDGET }));
  await console.waitForUrl(/\/console\/[^/?#]+$/);
  await console.waitFor({ text: 'Waiting for the customer' }, TIMEOUT);
  return { sessionId: sessionIdOf(console.url()), key, console };
}
