// The desktop app's renderer in a headful Chromium under Xvfb captures the whole X display (desktop
// capture, not a tab), encodes it with the relay's WebCodecs pipeline and sends it through a real
// relay; the agent's side decodes pixels matching what was drawn on that display. The renderer's
// `window.sightline` bridge is wired to the main-process modules in Node, as the shell wires it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { handOffResponseSchema, FRAME_HEADER_BYTES } from '@sightline/relay-service/protocol';
import { startPlainRelay } from '../relay-service/test/helpers/plainRelay.ts';
import { TestClient } from '../relay-service/test/helpers/wsClient.ts';
import { HOST } from '../relay-service/test/helpers/core.ts';
import { bundleApp } from '../desktop-client/scripts/build.ts';
import { HandOffClient } from '../desktop-client/src/HandOffClient.ts';
import { MonitorChooser } from '../desktop-client/src/MonitorChooser.ts';
import { RecordingWindow } from '../desktop-client/test/helpers/RecordingWindow.ts';
import { startXvfb } from '../desktop-client/test/helpers/xvfb.ts';
// The app's own renderer on the customer's X display: no CRM page, so no cross-site profile is involved.
import { launchChromium } from '../scripts/chromium.ts';
import { watch } from './support/browser.ts';

const BLUE = 0x1040e0;
const YELLOW = 0xf0d020;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

test('the renderer shares the whole X display and the agent decodes what is on it', { timeout: 120_000 }, async (t) => {
  const x = await startXvfb(t, 1280, 800);
  // What is on the customer's screen, right of where the app's window opens: blue above yellow.
  const left = await RecordingWindow.open(x.display, { x: 960, y: 0, width: 320, height: 400 }, BLUE);
  const right = await RecordingWindow.open(x.display, { x: 960, y: 400, width: 320, height: 400 }, YELLOW);
  t.after(() => (left.close(), right.close()));

  const relay = await startPlainRelay(t);
  const { sessionId, token } = relay.createSession();
  const host = await TestClient.connect(
    `${relay.url.replace('http', 'ws')}/ws`,
    relay.relay.registry.agentTicket(sessionId, HOST).ticket,
  );
  t.after(() => host.close());
  const { appUrl } = handOffResponseSchema.parse(await (await relay.post('/api/desktop/handoff', { token })).json());

  // The app's files, served from loopback (a secure context, as the app's own pages are).
  const out = mkdtempSync(join(tmpdir(), 'sightline-renderer-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  await bundleApp(out);
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    try {
      const body = readFileSync(join(out, 'renderer', path || 'index.html'));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The main process's side of the bridge, in Node.
  const handOff = new HandOffClient({ allowedRelays: [relay.url] });
  const link = handOff.parse(appUrl);
  const monitors = MonitorChooser.choices(
    [
      {
        id: 1,
        label: 'Built-in display',
        bounds: { x: 0, y: 0, width: 1280, height: 800 },
        scaleFactor: 1,
        primary: true,
      },
    ],
    [{ id: 'screen:0:0', name: 'Entire screen', displayId: '1', thumbnail: '' }],
  );
  const shared: string[] = [];

  const browser = await launchChromium({
    fakeMedia: false,
    display: x.display,
    extraArgs: ['--auto-select-desktop-capture-source=Entire screen'],
  });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  const problems: string[] = [];
  watch(page, problems);
  await page.exposeFunction('slMain', async (name: string, arg: unknown) => {
    if (name === 'join') return { ...(await handOff.join(link, arg as never)), controlAvailable: false };
    if (name === 'monitors')
      return monitors.map(({ id, label, thumbnail, primary }) => ({ id, label, thumbnail, primary }));
    if (name === 'share') return shared.push((arg as { monitorId: string }).monitorId) > 0;
    return null;
  });
  await page.addInitScript(() => {
    const call = (window as unknown as { slMain: (n: string, a?: unknown) => Promise<unknown> }).slMain;
    const listeners: Record<string, (v: unknown) => void> = {};
    const on = (name: string) => (cb: (v: unknown) => void) => void (listeners[name] = cb);
    Object.assign(window, {
      slEmit: (name: string, value: unknown) => listeners[name]?.(value),
      sightline: {
        onHandOff: on('handOff'),
        onToRelay: on('toRelay'),
        onControlRequest: on('controlRequest'),
        onMode: on('mode'),
        monitors: () => call('monitors'),
        join: (answers: unknown) => call('join', answers),
        share: (monitorId: string) => call('share', { monitorId }),
        fromRelay: () => {},
        action: () => {},
      },
    });
  });
  await page.goto(`${origin}/index.html`);
  const info = await handOff.lookup(link);
  await page.evaluate((i) => (window as unknown as { slEmit: (n: string, v: unknown) => void }).slEmit('handOff', i), {
    ...info,
    relayHost: new URL(link.relay).host,
  });
  await page.getByText('Alex Agent asks to see your screen').waitFor();
  await page.getByLabel(/Name/).fill('Casey Customer');
  await page.getByLabel('I accept these terms').check();
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('button', { name: /Built-in display/ }).click();
  await page.getByText('Your screen is visible').waitFor();
  assert.deepEqual(shared, ['1']);

  const start = await host.waitFor('stream-start', () => true, 20_000);
  assert.equal(start.config.surface, 'monitor', 'a whole screen, not a tab or a window');
  // The encoder may scale the picture down; its shape is the X display's (1280x800), not the tab's.
  const scale = start.config.codedWidth / 1280;
  assert.ok(
    Math.abs(start.config.codedHeight - 800 * scale) <= 2,
    `the whole X display: ${start.config.codedWidth}x${start.config.codedHeight}`,
  );
  await host.waitForFrames(1, 20_000);
  const key = host.frames.find((f) => f.header.keyframe)!;
  assert.ok(key, 'a keyframe arrived');

  // The agent's side: WebCodecs decodes the frame the relay forwarded.
  const viewer = await context.newPage();
  await viewer.goto(`${origin}/bar.html`);
  const pixels = await viewer.evaluate(
    async ({ scale, config, data }) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const frame = await new Promise<VideoFrame>((resolve, reject) => {
        const decoder = new VideoDecoder({ output: resolve, error: reject });
        const description = config.description
          ? Uint8Array.from(atob(config.description), (c) => c.charCodeAt(0))
          : undefined;
        decoder.configure({
          codec: config.codec,
          codedWidth: config.codedWidth,
          codedHeight: config.codedHeight,
          ...(description ? { description } : {}),
        });
        decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 0, data: bytes }));
        void decoder.flush();
      });
      const canvas = new OffscreenCanvas(frame.displayWidth, frame.displayHeight);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(frame, 0, 0);
      frame.close();
      const at = (px: number, py: number) => Array.from(ctx.getImageData(px, py, 1, 1).data.slice(0, 3));
      return {
        left: at(1120 * scale, 200 * scale),
        right: at(1120 * scale, 600 * scale),
        size: [canvas.width, canvas.height],
      };
    },
    { scale, config: start.config, data: Buffer.from(key.bytes.subarray(FRAME_HEADER_BYTES)).toString('base64') },
  );
  const near = (rgb: number[], want: number) =>
    rgb.every((v, i) => Math.abs(v - ((want >> (16 - 8 * i)) & 0xff)) <= 40);
  assert.deepEqual(pixels.size, [start.config.codedWidth, start.config.codedHeight]);
  assert.ok(near(pixels.left, BLUE), `the blue window decodes as blue: ${pixels.left}`);
  assert.ok(near(pixels.right, YELLOW), `the yellow window decodes as yellow: ${pixels.right}`);
  assert.deepEqual(problems, []);
});
