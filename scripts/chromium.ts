// Debian's Chromium through playwright-core, started the one way this project needs it: never a
// downloaded browser, no background traffic (the machines have no internet), and on request the fake
// display and camera devices that make getDisplayMedia answer with a 1280x720 synthetic screen.
import { chromium, type Browser } from 'playwright-core';

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

/** A fresh browser; playwright-core gives every launch its own temporary profile (--user-data-dir). */
export function launchChromium({ fakeMedia = true, extraArgs = [], display }: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...(fakeMedia ? FAKE_MEDIA_ARGS : []), ...extraArgs],
    ...(display ? { headless: false, env: { ...process.env, DISPLAY: display } } : {}),
  });
}
