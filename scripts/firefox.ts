// Debian's Firefox ESR through puppeteer-core over WebDriver BiDi: no downloaded browser or driver.
// The automation profile puppeteer writes allows every cookie; the prefs below put back what Firefox
// users have (cookieBehavior 5: third-party cookies partitioned per top-level site, trackers blocked)
// or, on request, allow them all. Headless Firefox cannot getDisplayMedia, so a story that shares a
// screen runs it headful on an Xvfb display, with the picker answered by the prefs.
import puppeteer, { type Browser } from 'puppeteer-core';
import type { ProfileOptions } from './browsers.ts';
import { startXvfb, type Display } from './xvfb.ts';

export const FIREFOX_PATH = process.env.SIGHTLINE_FIREFOX ?? '/usr/bin/firefox-esr';

/** What Firefox ships: partitioned third-party cookies (5), or every cookie allowed (0). */
export function cookiePrefs(thirdPartyCookies: ProfileOptions['thirdPartyCookies'] = 'blocked') {
  const behavior = thirdPartyCookies === 'blocked' ? 5 : 0;
  return {
    'network.cookie.cookieBehavior': behavior,
    'browser.contentblocking.category': 'standard',
    'browser.contentblocking.features.standard': `-tp,tpPrivate,cookieBehavior${behavior},cookieBehaviorPBM5,cm,fp,stp,lvl2`,
  };
}

const QUIET_PREFS = {
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'extensions.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
};

export interface FirefoxBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Firefox for a test file. `fakeMedia` makes it headful on its own Xvfb display and lets pages
 * capture that display without a prompt. The relay's throwaway certificate is accepted through
 * the WebDriver session's `acceptInsecureCerts` (Firefox has no per-certificate switch).
 */
export async function launchFirefox({
  thirdPartyCookies = 'blocked',
  fakeMedia = false,
}: ProfileOptions = {}): Promise<FirefoxBrowser> {
  const display: Display | null = fakeMedia ? await startXvfb() : null;
  try {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: !display,
      acceptInsecureCerts: true,
      defaultViewport: null,
      args: ['--width=1400', '--height=1000'],
      env: { ...process.env, ...(display ? { DISPLAY: display.name } : {}) },
      extraPrefsFirefox: {
        ...QUIET_PREFS,
        ...cookiePrefs(thirdPartyCookies),
        ...(display ? { 'media.navigator.permission.disabled': true, 'media.getdisplaymedia.enabled': true } : {}),
      },
    });
    return {
      browser,
      close: async () => {
        await browser.close().catch(() => {});
        await display?.close();
      },
    };
  } catch (err) {
    await display?.close();
    throw err;
  }
}
