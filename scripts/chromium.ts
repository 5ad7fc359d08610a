// Debian's Chromium through playwright-core, started the one way this project needs it: never a
// downloaded browser, no background traffic (the machines have no internet), and on request the fake
// display and camera devices that make getDisplayMedia answer with a 1280x720 synthetic screen.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { VIEWPORT, type ProfileOptions } from './browsers.ts';

export const CHROMIUM_PATH = process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const FAKE_MEDIA_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

export interface LaunchOptions {
  /** Answer getDisplayMedia/getUserMedia with the fake devices, without a prompt. */
  fakeMedia?: boolean;
  extraArgs?: string[];
  /** A headful browser on this X display (desktop capture of a real X screen needs one). */
  display?: string;
}

/**
 * A fresh browser on playwright-core's own temporary profile, for what never crosses sites (the
 * benchmark). Browser tests use `launchChromiumProfile`, whose cookie setting is explicit.
 */
export function launchChromium({ fakeMedia = true, extraArgs = [], display }: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...(fakeMedia ? FAKE_MEDIA_ARGS : []), ...extraArgs],
    ...(display ? { headless: false, env: { ...process.env, DISPLAY: display } } : {}),
  });
}

/**
 * One person's Chromium: a persistent profile of their own (their own cookie jar) whose
 * Default/Preferences block or allow third-party cookies explicitly, as the settings page does
 * (`--test-third-party-cookie-phaseout` has no effect on Debian's build). `trustSpki` pins the
 * test relay's certificate; Chromium honours that list only with a user data dir, which this has.
 * The profile directory goes when the context closes.
 */
export async function launchChromiumProfile({
  thirdPartyCookies = 'blocked',
  fakeMedia = true,
  trustSpki = [],
  viewport = VIEWPORT,
  mobile,
  extraArgs = [],
}: ProfileOptions & { extraArgs?: string[] } = {}): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-chromium-'));
  mkdirSync(join(dir, 'Default'));
  const blocked = thirdPartyCookies === 'blocked';
  const preferences = { profile: { cookie_controls_mode: blocked ? 1 : 0, block_third_party_cookies: blocked } };
  writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify(preferences));
  const args = [...CHROMIUM_ARGS, ...(fakeMedia ? FAKE_MEDIA_ARGS : []), ...extraArgs];
  if (trustSpki.length) args.push(`--ignore-certificate-errors-spki-list=${trustSpki.join(',')}`);
  try {
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM_PATH,
      args,
      viewport,
      ...(mobile ?? {}),
    });
    // Chromium's helper processes may still be writing the profile as the context reports closed:
    // removal retries on ENOTEMPTY/EBUSY (Node's own retry) instead of throwing from an event handler.
    context.once('close', () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
    return context;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
