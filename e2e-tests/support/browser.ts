// The people of a story file, each in a browser of their own (their own profile and cookie jar), on
// the two-site topology (support/topology.ts): the relay's throwaway certificate trusted, third-party
// cookies set explicitly (blocked unless a test says otherwise). The page problems each person ran
// into (uncaught errors, CSP refusals) are collected for the test to assert on.
import type { BrowserContext, Page } from 'playwright-core';
import type { ThirdPartyCookies } from '../../scripts/browsers.ts';
import { launchChromiumProfile } from '../../scripts/chromium.ts';
import { relayCertificate } from './topology.ts';

export type { ThirdPartyCookies } from '../../scripts/browsers.ts';

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and CSP refusals seen on any of this person's pages. */
  problems: string[];
}

export interface BrowserOptions {
  thirdPartyCookies?: ThirdPartyCookies;
  fakeMedia?: boolean;
  viewport?: { width: number; height: number };
  mobile?: { userAgent: string; deviceScaleFactor: number; isMobile: boolean; hasTouch: boolean };
  extraArgs?: string[];
}

/** Debian's Chromium for a story file: every `newContext` is one more person's own browser. */
export interface Browsers {
  readonly thirdPartyCookies: ThirdPartyCookies;
  newContext(): Promise<BrowserContext>;
  /** Closes every browser it started. */
  close(): Promise<void>;
}

export async function launchChromium(options: BrowserOptions = {}): Promise<Browsers> {
  const thirdPartyCookies = options.thirdPartyCookies ?? 'blocked';
  const { spki } = await relayCertificate();
  const open = new Set<BrowserContext>();
  return {
    thirdPartyCookies,
    async newContext() {
      const context = await launchChromiumProfile({ ...options, thirdPartyCookies, trustSpki: [spki] });
      open.add(context);
      context.once('close', () => open.delete(context));
      return context;
    },
    async close() {
      await Promise.all([...open].map((c) => c.close().catch(() => {})));
    },
  };
}

export function watch(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`${page.url()} pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()))
      problems.push(`${page.url()} ${m.text()}`);
  });
}

export async function person(browser: Browsers, name: string): Promise<Person> {
  const context = await browser.newContext();
  const problems: string[] = [];
  context.on('page', (p) => watch(p, problems));
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page, problems);
  return { name, context, page, problems };
}
