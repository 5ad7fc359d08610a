// The local CRM sandbox's people pages as a person uses them: sign-in, the Case page with the
// Sightline components, the OAuth "Allow access?" page, the outbox.
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import type { DemoUser } from '@sightline/crm-sandbox';
import { TIMEOUT, until } from './wait.ts';

/** Waits for the launcher's notice (or fails with the error it shows instead). */
export async function launcherNotice(page: Page, expected: string): Promise<void> {
  const l = launcher(page);
  const notice = l.getByText(expected);
  await until(
    async () => ((await notice.count()) ? 'notice' : (await l.locator('.error').allInnerTexts()).join(' ') || null),
    (v) => v !== null,
    `the launcher to say "${expected}"`,
  ).then((v) => assert.equal(v, 'notice', `the launcher shows an error instead of "${expected}": ${v}`));
}

export async function signInToSandbox(page: Page, baseUrl: string, user: DemoUser): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log In' }).click();
  await page.getByRole('link', { name: 'Cases' }).first().waitFor({ timeout: TIMEOUT });
}

export async function openCase(page: Page, baseUrl: string, caseId: string): Promise<void> {
  await page.goto(`${baseUrl}/lightning/r/Case/${caseId}/view`);
  await page.locator(`section[data-case-id="${caseId}"]`).waitFor({ timeout: TIMEOUT });
}

/** The CRM's OAuth page: sign in when asked (a page already signed in only asks to allow), then Allow. */
export async function allowAccess(page: Page, user: DemoUser): Promise<void> {
  await page.getByRole('heading', { name: 'Allow access?' }).waitFor({ timeout: TIMEOUT });
  const username = page.getByLabel('Username');
  if (await username.count()) {
    await username.fill(user.username);
    await page.getByLabel('Password').fill(user.password);
  }
  await page.getByRole('button', { name: 'Allow' }).click();
}

/** The Case page's Sightline components (rendered by the package's browser build into #sightline-mount). */
export const launcher = (page: Page): Locator => page.locator('c-sightline-launcher');
export const recordingsList = (page: Page): Locator => page.locator('c-sightline-recordings');
export const attendeesList = (page: Page): Locator => page.locator('c-sightline-attendees');

/** The launcher's session panel: key, join link and status as the agent reads them. */
export async function launcherSession(page: Page): Promise<{ key: string; joinUrl: string; status: string }> {
  const l = launcher(page);
  await l.locator('.session-key').waitFor({ timeout: TIMEOUT });
  return {
    key: (await l.locator('.session-key').innerText()).replace(/\s/g, ''),
    joinUrl: (await l.locator('a.join-link').getAttribute('href')) ?? '',
    status: (await l.locator('.session-status').innerText()).trim(),
  };
}

/**
 * The customer reads the invitation in the sandbox's outbox, which stands in for their mailbox: like a
 * local mail catcher it needs no sign-in (customers have no CRM login). Clicks the invitation's link
 * (the page is then the relay's join page) and returns it.
 */
export async function openInvitation(page: Page, baseUrl: string, to: string): Promise<{ joinLink: string }> {
  await page.goto(`${baseUrl}/outbox`);
  await page.getByRole('heading', { name: 'Outbox', exact: true }).waitFor({ timeout: TIMEOUT });
  const email = page.locator('article.email').filter({ hasText: to }).first();
  await email.waitFor({ timeout: TIMEOUT });
  const link = email.locator('a[href*="/j/"]').first();
  const joinLink = (await link.getAttribute('href')) ?? '';
  assert.match(joinLink, /\/j\/[A-Za-z0-9_-]{20,64}$/, 'the invitation carries the join link');
  await link.click();
  await page.waitForURL(joinLink, { timeout: TIMEOUT });
  return { joinLink };
}
