// The relay's pages as people use them: the customer's join page and the agent's console.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { TIMEOUT, until } from './wait.ts';

export interface Contact {
  name: string;
  email: string;
  phone?: string;
}

/** The join page's contact form: fills what the policy shows and continues. */
export async function giveContactDetails(page: Page, contact: Contact): Promise<void> {
  await page.getByRole('heading', { name: 'Your contact details' }).waitFor({ timeout: TIMEOUT });
  const name = page.getByLabel(/^Your name/);
  if (await name.count()) await name.fill(contact.name);
  const email = page.getByLabel(/^Email address/);
  if (await email.count()) await email.fill(contact.email);
  const phone = page.getByLabel(/^Phone number/);
  if (contact.phone && (await phone.count())) await phone.fill(contact.phone);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** The consent step: accepts the terms and answers the recording prompt, which must be shown when asked for. */
export async function acceptTerms(page: Page, recording: 'allow' | 'refuse' | 'not asked'): Promise<void> {
  await page.getByRole('heading', { name: /^Share your screen with / }).waitFor({ timeout: TIMEOUT });
  await page.getByLabel('I accept the terms of this support session').check();
  const prompt = page.getByRole('group', { name: 'May this session be recorded?' });
  if (recording === 'not asked') {
    assert.equal(await prompt.count(), 0, 'no recording prompt when the session is not recorded');
    return;
  }
  await prompt.waitFor({ timeout: TIMEOUT });
  await page.getByLabel(recording === 'allow' ? 'Allow recording' : 'Refuse recording').check();
}

export async function shareScreen(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Share my screen' }).click();
  await page.getByText('Your screen is visible', { exact: true }).waitFor({ timeout: TIMEOUT });
}

export interface CanvasProbe {
  width: number;
  height: number;
  /** Distinct colours among a grid of samples: 1 means a blank (uniform) picture. */
  colours: number;
  /** Fingerprint of the whole picture; it changes when the shared screen does. */
  hash: number;
}

/** Pixels of the console's decoded canvas (inside the console's shadow roots). */
export function consoleCanvas(page: Page): Promise<CanvasProbe | null> {
  return screenCanvas(page, 'sl-console-app');
}

/** Pixels of the join page's decoded canvas (the customer watching an agent's screen). */
export function joinCanvas(page: Page): Promise<CanvasProbe | null> {
  return screenCanvas(page, 'sl-join-app');
}

function screenCanvas(page: Page, appTag: string): Promise<CanvasProbe | null> {
  return page.evaluate((tag) => {
    const app = document.querySelector(tag)?.shadowRoot;
    const canvas = app?.querySelector('sl-screen-view')?.shadowRoot?.querySelector('canvas');
    if (!canvas || !canvas.width || !canvas.height) return null;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    let hash = 7;
    for (let i = 0; i < data.length; i += 4 * 97) {
      const rgb = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
      colours.add(rgb);
      hash = (hash * 31 + rgb) >>> 0;
    }
    return { width: canvas.width, height: canvas.height, colours: colours.size, hash };
  }, appTag);
}

/** The agent sees the customer's screen live: decoded pixels that are not blank and that change. */
export async function assertSeesLiveScreen(
  page: Page,
  probe = consoleCanvas,
  who = 'the agent console',
): Promise<void> {
  const first = await until(
    () => probe(page),
    (c) => c !== null && c.colours > 3,
    `a decoded, non-blank picture on ${who}`,
  );
  await until(
    () => probe(page),
    (c) => c !== null && c.colours > 3 && c.hash !== first!.hash,
    `the picture on ${who} to change (the shared screen is live)`,
  );
}

/** Sends a chat line from the relay's chat panel (console or join page). */
export async function chat(page: Page, text: string): Promise<void> {
  const box = page.getByPlaceholder('Write a message');
  await box.fill(text);
  await box.press('Enter');
}
