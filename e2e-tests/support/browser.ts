// One Debian Chromium per story file, one browser context per person, with the page problems
// (uncaught errors, CSP refusals) each person ran into collected for the test to assert on.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export function launchChromium(): Promise<Browser> {
  // playwright-core gives every launch a fresh temporary profile (--user-data-dir).
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

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

const FORCE_APP = resolve(import.meta.dirname, '../../force-app');
const BUILD = join(FORCE_APP, '.browser-build/case-page.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '__tests__' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The Case page mounts the Salesforce package's browser build (force-app/.browser-build); build it
 * with force-app's own script when it is missing or older than its sources.
 */
export async function ensureCasePageBuild(): Promise<void> {
  const sources = Math.max(
    newestSource(join(FORCE_APP, 'main/default/lwc')),
    newestSource(join(FORCE_APP, 'main/default/labels')),
    newestSource(join(FORCE_APP, 'scripts')),
  );
  if (existsSync(BUILD) && statSync(BUILD).mtimeMs >= sources) return;
  const { buildBrowser } = (await import(join(FORCE_APP, 'scripts/build-browser.ts'))) as {
    buildBrowser: () => Promise<string>;
  };
  try {
    await buildBrowser();
  } catch (err) {
    // A build that breaks while force-app is being edited is force-app's own tests' failure; the
    // stories go on with the last good build when there is one.
    if (!existsSync(BUILD)) throw err;
    console.warn(`[stories] force-app browser build failed, using the previous build: ${(err as Error).message}`);
  }
}
