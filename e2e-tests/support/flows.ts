// Whole steps the stories repeat, each as its person does it through the pages.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { DemoUser } from '@sightline/crm-sandbox';
import type { Person } from './browser.ts';
import { acceptTerms, giveContactDetails, shareScreen, type Contact } from './pages.ts';
import { allowAccess, launcher, launcherSession, openCase } from './sandbox.ts';
import { TIMEOUT } from './wait.ts';

export interface StartedSession {
  sessionId: string;
  key: string;
  joinUrl: string;
  /** The agent console window the launcher opened. */
  console: Page;
}

/**
 * The agent, signed in to the sandbox, clicks Start Screen Share on the Case page; signs in to the
 * relay through the CRM's OAuth page when the launcher asks; ends on the console, waiting.
 */
export async function agentStartsSession(
  agent: Person,
  salesforceUrl: string,
  caseId: string,
  user: DemoUser,
): Promise<StartedSession> {
  const { page, context } = agent;
  await openCase(page, salesforceUrl, caseId);
  const start = launcher(page).getByRole('button', { name: 'Start Screen Share' });
  await start.waitFor({ timeout: TIMEOUT });
  const opened = context.waitForEvent('page', { timeout: TIMEOUT });
  await start.click();
  const window = await opened.catch(async (err: Error) => {
    const said = await launcher(page).locator('.error, .signing-in').allInnerTexts();
    return assert.fail(`no window opened on Start Screen Share (launcher: ${JSON.stringify(said)}): ${err.message}`);
  });
  await window.waitForURL((url) => !url.href.startsWith('about:'), { timeout: TIMEOUT });
  if (!/\/console\//.test(window.url())) await allowAccess(window, user);
  await window.waitForURL(/\/console\/[^/?#]+$/, { timeout: 30_000 }).catch(async (err: Error) => {
    const said = await launcher(page).locator('.error, .signing-in').allInnerTexts();
    assert.fail(
      `the console did not open (window at ${window.url()}; launcher: ${JSON.stringify(said)}): ${err.message}`,
    );
  });
  await window.getByText('Waiting for the customer', { exact: true }).first().waitFor({ timeout: TIMEOUT });
  const shown = await launcherSession(page);
  assert.match(shown.key, /^\d{6}$/);
  return {
    sessionId: decodeURIComponent(new URL(window.url()).pathname.split('/').pop()!),
    key: shown.key,
    joinUrl: shown.joinUrl,
    console: window,
  };
}

/** The customer types the key the agent read out on the relay's join page. */
export async function customerEntersKey(page: Page, relayUrl: string, key: string): Promise<void> {
  await page.goto(`${relayUrl}/join`);
  await page.getByLabel('Session key').fill(key);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** From the contact form to a shared screen. */
export async function customerShares(
  page: Page,
  contact: Contact,
  recording: 'allow' | 'refuse' | 'not asked',
): Promise<void> {
  await giveContactDetails(page, contact);
  await acceptTerms(page, recording);
  await shareScreen(page);
}

/** The customer leaves; being the last guest, that ends the session for the agent too. */
export async function customerLeaves(page: Page, console: Page): Promise<void> {
  await page.getByRole('button', { name: 'Leave' }).click();
  await page.getByRole('heading', { name: 'You left the session' }).waitFor({ timeout: TIMEOUT });
  await console.getByRole('heading', { name: 'The customer left' }).waitFor({ timeout: TIMEOUT });
}
