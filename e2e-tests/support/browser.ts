// One Debian Chromium per story file, one browser context per person, with the page problems
// (uncaught errors, CSP refusals) each person ran into collected for the test to assert on.
import type { Browser, BrowserContext, Page } from 'playwright-core';

export { launchChromium } from '../../scripts/chromium.ts';

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and CSP refusals seen on any of this person's pages. */
  problems: string[];
}

export function watch(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`${page.url()} pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()))
      problems.push(`${page.url()} ${m.text()}`);
  });
}

export async function person(browser: Browser, name: string): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  context.on('page', (p) => watch(p, problems));
  const page = await context.newPage();
  return { name, context, page, problems };
}
