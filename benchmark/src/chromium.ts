// Debian's Chromium through playwright-core, with a page served from loopback (WebCodecs needs a
// secure context, and http://127.0.0.1 is one).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium';

export interface BlankPage {
  page: Page;
  browserVersion: string;
  close(): Promise<void>;
}

/** A fresh Chromium profile with one empty page at a loopback origin. */
export async function openBlankPage(): Promise<BlankPage> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>Sightline benchmark</title><body></body>');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const userDataDir = mkdtempSync(join(tmpdir(), 'sightline-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const browserVersion = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  return {
    page,
    browserVersion,
    close: async () => {
      await context.close();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
