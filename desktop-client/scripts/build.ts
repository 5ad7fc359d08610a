// Builds the desktop app: bundles the main process, the preload and the renderer pages with rollup
// (TypeScript types stripped as Node does; the relay's protocol and page libraries bundled in), then
// packages installers with electron-builder for the platform it runs on (or --win/--mac/--linux).
// Usage: node desktop-client/scripts/build.ts [--bundle-only] [electron-builder flags...]
// The release pipeline runs it on a Windows, a macOS and a Linux runner with the signing
// environment set (see electron-builder.yml); SIGHTLINE_DESKTOP_RELAYS names the relays to trust.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup, type Plugin, type RollupLog } from 'rollup';
import { stripTypes } from '../../relay-service/web/build.ts';

const APP = join(import.meta.dirname, '..');
const DIST = join(APP, 'dist');
/** Left to Node/Electron at run time: Electron itself, Node's modules, and the x11 client (a dependency). */
const EXTERNAL = new Set([
  'electron',
  'x11',
  'x11/lib/keysyms',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
]);

/** Bare imports (zod, the relay's protocol export) resolved the way Node resolves them. */
const nodeResolve: Plugin = {
  name: 'sightline-node-resolve',
  resolveId(source) {
    if (EXTERNAL.has(source)) return { id: source, external: true };
    if (source.startsWith('.') || source.startsWith('/')) return null;
    return fileURLToPath(import.meta.resolve(source));
  },
};

async function bundle(input: Record<string, string>, format: 'es' | 'cjs', dir: string): Promise<void> {
  const warnings: string[] = [];
  const build = await rollup({
    input,
    plugins: [stripTypes, nodeResolve],
    onwarn(w: RollupLog) {
      if (!['CIRCULAR_DEPENDENCY', 'THIS_IS_UNDEFINED', 'INVALID_ANNOTATION'].includes(w.code ?? ''))
        warnings.push(w.message);
    },
  });
  try {
    await build.write({
      dir,
      format,
      entryFileNames: format === 'cjs' ? '[name].cjs' : '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
    });
  } finally {
    await build.close();
  }
  if (warnings.length) throw new Error(`bundle warnings: ${warnings.join('; ')}`);
}

export async function bundleApp(out = DIST): Promise<string> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await bundle({ main: join(APP, 'src/main.ts') }, 'es', join(out, 'main'));
  await bundle({ preload: join(APP, 'src/preload.ts') }, 'cjs', join(out, 'main'));
  await bundle({ app: join(APP, 'renderer/app.js'), bar: join(APP, 'renderer/bar.js') }, 'es', join(out, 'renderer'));
  for (const page of ['index.html', 'bar.html', 'app.css'])
    await cp(join(APP, 'renderer', page), join(out, 'renderer', page));
  return out;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  await bundleApp();
  console.log(`bundled into ${DIST}`);
  if (!args.includes('--bundle-only')) {
    const pkg = JSON.parse(await readFile(join(APP, 'package.json'), 'utf8')) as Record<string, unknown>;
    const relays = (process.env.SIGHTLINE_DESKTOP_RELAYS ?? '').split(',').filter(Boolean);
    if (relays.length === 0) throw new Error('set SIGHTLINE_DESKTOP_RELAYS to the relay URLs this build may join');
    const meta = { main: 'dist/main/main.js', sightline: { ...(pkg.sightline as object), allowedRelays: relays } };
    await writeFile(join(DIST, 'extra-metadata.json'), JSON.stringify(meta));
    const res = spawnSync(
      'npx',
      [
        'electron-builder',
        '--config',
        'electron-builder.yml',
        '--publish',
        'never',
        '-c.extraMetadata.main=dist/main/main.js',
        ...args,
      ],
      { cwd: APP, stdio: 'inherit' },
    );
    process.exit(res.status ?? 1);
  }
}
