// The build script's bundling step (what a release runs before electron-builder packages it): the
// main process, the sandboxed preload and the renderer pages come out self-contained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleApp } from '../scripts/build.ts';

test('bundles main (ESM), preload (CommonJS) and the renderer with the relay libraries inside', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'sightline-desktop-build-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  await bundleApp(out);
  const main = readFileSync(join(out, 'main/main.js'), 'utf8');
  assert.match(main, /from 'electron'/);
  assert.doesNotMatch(main, /@sightline\/relay-service|from 'zod'/, 'the protocol and zod are bundled in');
  assert.match(main, /sightline:\/\/|setAsDefaultProtocolClient\('sightline'\)/);
  const preload = readFileSync(join(out, 'main/preload.cjs'), 'utf8');
  assert.match(preload, /require\('electron'\)/);
  assert.doesNotMatch(preload, /^import /m, 'a sandboxed preload is CommonJS');
  assert.doesNotMatch(preload, /require\((?!'electron'\))/, 'it requires nothing but electron at run time');
  assert.match(preload, /sightline:hand-off/, 'the channel names are bundled in');
  const renderer = readFileSync(join(out, 'renderer/app.js'), 'utf8');
  assert.match(renderer, /VideoEncoder/, "the relay's WebCodecs encoder is in the renderer bundle");
  assert.doesNotMatch(renderer, /^import .* from '/m, 'no bare imports left for a file:// page');
  assert.match(renderer, /Refuse recording/, 'the mid-session recording question is in the renderer bundle');
  assert.match(readFileSync(join(out, 'renderer/index.html'), 'utf8'), /src="app\.js"/);
});
