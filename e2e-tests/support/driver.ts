// One small page-driver interface over both engines (playwright-core for Chromium, puppeteer-core over
// WebDriver BiDi for Firefox), so the story steps of support/steps.ts are written once and run in
// each. Targets name what a person sees (a role and its accessible name, a text) or, for form
// fields, a CSS selector; both pierce the pages' shadow roots.
import type { BrowserContext as PwContext, Locator, Page as PwPage } from 'playwright-core';
import type { BrowserContext as PpContext, ElementHandle, Page as PpPage } from 'puppeteer-core';
import type { ThirdPartyCookies } from '../../scripts/browsers.ts';
import { launchFirefox } from '../../scripts/firefox.ts';
import { launchChromium, watch } from './browser.ts';
import { TIMEOUT, until } from './wait.ts';

export type Engine = 'chromium' | 'firefox';

export type Target = ({ role: string; name: string } | { text: string } | { css: string }) & {
  /** A CSS selector of the element to look inside (a component). */
  within?: string;
};

export interface Driver {
  readonly engine: Engine;
  goto(url: string): Promise<void>;
  url(): string;
  waitForUrl(pattern: RegExp, ms?: number): Promise<void>;
  waitFor(target: Target, ms?: number): Promise<void>;
  /** Whether the target is on the page now (no waiting). */
  present(target: Target): Promise<boolean>;
  click(target: Target): Promise<void>;
  fill(target: Target, value: string): Promise<void>;
  check(target: Target): Promise<void>;
  press(target: Target, key: 'Enter'): Promise<void>;
  text(target: Target): Promise<string>;
  attribute(target: Target, name: string): Promise<string | null>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Runs `action` (a click) and returns the window it opened. */
  opens(action: () => Promise<void>): Promise<Driver>;
  close(): Promise<void>;
}

/** One person in one engine: their own cookie jar, and the page problems they ran into. */
export interface Actor {
  name: string;
  page: Driver;
  /** Uncaught page errors, CSP violations and refusals seen on any of this person's pages. */
  problems: string[];
}

export interface Engines {
  readonly engine: Engine;
  actor(name: string): Promise<Actor>;
  close(): Promise<void>;
}

/** Reported by every page before its own scripts run, in both engines. */
const REPORT_CSP = () =>
  document.addEventListener('securitypolicyviolation', (e) =>
    console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`),
  );

// ---- Chromium (playwright-core)

function pwLocator(page: PwPage, t: Target): Locator {
  const scope = t.within ? page.locator(t.within) : page;
  if ('role' in t) return scope.getByRole(t.role as 'button', { name: t.name, exact: true }).first();
  if ('text' in t) return scope.getByText(t.text).first();
  return scope.locator(t.css).first();
}

function pwDriver(page: PwPage, context: PwContext): Driver {
  const at = (t: Target) => pwLocator(page, t);
  return {
    engine: 'chromium',
    goto: async (url) => void (await page.goto(url)),
    url: () => page.url(),
    waitForUrl: (pattern, ms = TIMEOUT) => page.waitForURL(pattern, { timeout: ms }),
    waitFor: (t, ms = TIMEOUT) => at(t).waitFor({ timeout: ms }),
    present: async (t) => (await at(t).count()) > 0,
    click: (t) => at(t).click({ timeout: TIMEOUT }),
    fill: (t, value) => at(t).fill(value, { timeout: TIMEOUT }),
    check: (t) => at(t).check({ timeout: TIMEOUT }),
    press: (t, key) => at(t).press(key, { timeout: TIMEOUT }),
    text: (t) => at(t).innerText({ timeout: TIMEOUT }),
    attribute: (t, name) => at(t).getAttribute(name, { timeout: TIMEOUT }),
    evaluate: (fn, arg) => page.evaluate(fn as (a: unknown) => unknown, arg) as never,
    opens: async (action) => {
      const opened = context.waitForEvent('page', { timeout: TIMEOUT });
      await action();
      const win = await opened;
      return pwDriver(win, context);
    },
    close: () => page.close(),
  };
}

// ---- Firefox (puppeteer-core over WebDriver BiDi)

/**
 * Finds a target in the page the way a person reads it, through every open shadow root: by CSS, by
 * visible text (the innermost element holding it), or by role and exact accessible name. Runs in the
 * page (puppeteer's own text and ARIA queries do not see into the sandbox's Lightning components).
 */
function findTarget(t: Target): Element | null {
  const ROLES: Record<string, string> = {
    button: 'button,[role=button],input[type=submit],input[type=button]',
    heading: 'h1,h2,h3,h4,h5,h6,[role=heading]',
    link: 'a[href],[role=link]',
    checkbox: 'input[type=checkbox],[role=checkbox]',
    radio: 'input[type=radio],[role=radio]',
    textbox: 'input:not([type]),input[type=text],input[type=email],input[type=tel],textarea,[role=textbox]',
  };
  const below = (node: Document | ShadowRoot | Element): Element[] => {
    const out: Element[] = [];
    if (node instanceof Element && node.shadowRoot) out.push(...below(node.shadowRoot));
    for (const el of node.querySelectorAll('*')) {
      out.push(el);
      if (el.shadowRoot) out.push(...below(el.shadowRoot));
    }
    return out;
  };
  const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
  const shown = (el: Element) => el.getClientRects().length > 0;
  const scopes = t.within ? below(document).filter((el) => el.matches(t.within!)) : [document];
  const all = scopes.flatMap((s) => below(s));
  if ('css' in t) return all.find((el) => el.matches(t.css)) ?? null;
  if ('text' in t)
    return (
      all.find(
        (el) =>
          shown(el) &&
          squash(el.textContent).includes(t.text) &&
          ![...el.children].some((c) => squash(c.textContent).includes(t.text)),
      ) ?? null
    );
  const nameOf = (el: Element) => {
    const label = el.getAttribute('aria-label');
    if (label) return squash(label);
    const by = el.getAttribute('aria-labelledby');
    if (by)
      return squash(
        by
          .split(' ')
          .map((id) => (el.getRootNode() as Document).getElementById(id)?.textContent)
          .join(' '),
      );
    const labels = (el as HTMLInputElement).labels;
    if (labels?.length) return squash([...labels].map((l) => l.textContent).join(' '));
    return squash(el instanceof HTMLInputElement ? el.value : el.textContent);
  };
  const selector = ROLES[t.role] ?? `[role=${t.role}]`;
  return all.find((el) => el.matches(selector) && shown(el) && nameOf(el) === t.name) ?? null;
}

function ppDriver(page: PpPage, context: PpContext): Driver {
  const at = async (t: Target, ms = TIMEOUT): Promise<ElementHandle> => {
    const handle = await page.waitForFunction(findTarget, { timeout: ms, polling: 100 }, t).catch((err: Error) => {
      throw new Error(`timed out after ${ms} ms waiting for ${JSON.stringify(t)} on ${page.url()}: ${err.message}`);
    });
    return handle as ElementHandle;
  };
  return {
    engine: 'firefox',
    goto: async (url) => void (await page.goto(url)),
    url: () => page.url(),
    waitForUrl: async (pattern, ms = TIMEOUT) =>
      void (await until(
        async () => page.url(),
        (u) => pattern.test(u),
        `the window at ${pattern}`,
        ms,
      )),
    waitFor: async (t, ms) => void (await at(t, ms)),
    present: (t) => page.evaluate(`!!(${findTarget.toString()})(${JSON.stringify(t)})`) as Promise<boolean>,
    click: async (t) => (await at(t)).click(),
    fill: async (t, value) => {
      const field = await at(t);
      await field.evaluate((el) => ((el as HTMLInputElement).value = ''));
      await field.type(value);
    },
    check: async (t) => {
      const box = await at(t);
      if (!(await box.evaluate((el) => (el as HTMLInputElement).checked))) await box.click();
    },
    press: async (t, key) => (await at(t)).press(key),
    text: async (t) => (await at(t)).evaluate((el) => (el as HTMLElement).innerText),
    attribute: async (t, name) => (await at(t)).evaluate((el, n) => el.getAttribute(n), name),
    evaluate: (fn, arg) => page.evaluate(fn as (a: unknown) => unknown, arg) as never,
    opens: async (action) => {
      const before = new Set(await context.pages());
      await action();
      const win = await until(
        async () => (await context.pages()).find((p) => !before.has(p)) ?? null,
        (p) => p !== null,
        'the window the click opened',
      );
      return ppDriver(win!, context);
    },
    close: () => page.close(),
  };
}

function ppWatch(page: PpPage, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`${page.url()} pageerror: ${(e as Error).message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to|Content-Security-Policy/.test(m.text()))
      problems.push(`${page.url()} ${m.text()}`);
  });
}

// ---- launching

export interface EngineOptions {
  thirdPartyCookies?: ThirdPartyCookies;
  /** A screen to share: Chromium's synthetic one, or headful Firefox on its own Xvfb display. */
  fakeMedia?: boolean;
}

export async function launchEngine(engine: Engine, options: EngineOptions = {}): Promise<Engines> {
  if (engine === 'chromium') {
    const browsers = await launchChromium(options);
    return {
      engine,
      async actor(name) {
        const context = await browsers.newContext();
        const problems: string[] = [];
        await context.addInitScript(REPORT_CSP);
        context.on('page', (p) => watch(p, problems));
        const page = context.pages()[0] ?? (await context.newPage());
        watch(page, problems);
        return { name, page: pwDriver(page, context), problems };
      },
      close: () => browsers.close(),
    };
  }
  const firefox = await launchFirefox({ thirdPartyCookies: options.thirdPartyCookies, fakeMedia: options.fakeMedia });
  const contexts: PpContext[] = [];
  return {
    engine,
    async actor(name) {
      const context = await firefox.browser.createBrowserContext();
      contexts.push(context);
      const problems: string[] = [];
      const prepared = new WeakSet<PpPage>();
      const prepare = async (page: PpPage) => {
        if (prepared.has(page)) return;
        prepared.add(page);
        ppWatch(page, problems);
        await page.evaluateOnNewDocument(REPORT_CSP);
      };
      // Windows only: a page's worker is a target too, and asking it for a page throws.
      context.on('targetcreated', (target) => {
        if (target.type() === 'page') void target.page().then((p) => p && prepare(p));
      });
      const page = await context.newPage();
      await prepare(page);
      return { name, page: ppDriver(page, context), problems };
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => {});
      await firefox.close();
    },
  };
}
