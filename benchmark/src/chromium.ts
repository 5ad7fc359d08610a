// Debian's Chromium through playwright-core, with a page served from loopback (WebCodecs needs a
// secure context, and http://127.0.0.1 is one). The page also serves the join page's own lib
// modules at /lib/ and defines the scripted scene (window.__supportScene). Each lib module is served
// bundled (rollup, as the relay builds its pages): the lib imports the TypeScript protocol and zod,
// which a browser cannot load as they are.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { rollup } from 'rollup';
import { barePackages, stripTypes } from '../../relay-service/web/build.ts';
import { launchChromium } from '../../scripts/chromium.ts';
import { SCENE_SCRIPT } from './browser/scene.ts';

const WEB_LIB = new URL('../../relay-service/web/lib/', import.meta.url);

export interface BlankPage {
  page: Page;
  libUrl: string;
  browserVersion: string;
  /** CPU seconds all of this Chromium's processes have used so far (CDP SystemInfo.getProcessInfo). */
  cpuSeconds(): Promise<number>;
  close(): Promise<void>;
}

export { launchChromium };

const bundles = new Map<string, Promise<string>>();

/** One lib module with what it imports, as one ES module (built once per process). */
function bundledLib(file: string): Promise<string> {
  let bundle = bundles.get(file);
  if (!bundle) {
    bundle = rollup({
      input: fileURLToPath(new URL(file, WEB_LIB)),
      plugins: [stripTypes, barePackages],
      logLevel: 'silent',
    })
      .then((b) => b.generate({ format: 'es' }))
      .then((out) => out.output[0].code);
    bundles.set(file, bundle);
  }
  return bundle;
}

/** A fresh Chromium with one empty page at a loopback origin that also serves the join page's lib. */
export async function openBlankPage(): Promise<BlankPage> {
  const server = createServer(async (req, res) => {
    const lib = /^\/lib\/([a-zA-Z]+\.js)$/.exec(req.url ?? '');
    if (lib) {
      try {
        const body = await bundledLib(lib[1]!);
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>Sightline benchmark</title><body></body>');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.addInitScript({ content: SCENE_SCRIPT });
  await page.goto(`${origin}/`);
  return {
    page,
    libUrl: `${origin}/lib/`,
    browserVersion: browser.version(),
    cpuSeconds: async () => {
      const cdp = await browser.newBrowserCDPSession();
      const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
        processInfo: { cpuTime: number }[];
      };
      await cdp.detach();
      return processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
    },
    close: async () => {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
