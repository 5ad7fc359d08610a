// Builds the pages' browser bundles with rollup (LWC components, the WebCodecs pipeline and the
// shared protocol with zod) into web/dist/build-<fingerprint>/. The fingerprint covers every
// source file's path, size and mtime, so edited sources produce a fresh build and unchanged ones
// reuse the cached one. Builds land in a temp dir and are renamed into place, so several relay
// processes sharing the folder never serve a half-written build; a lock file makes concurrent
// processes wait for one build instead of all building the same thing.
import { randomBytes, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { stripTypeScriptTypes } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import lwc from '@lwc/rollup-plugin';
import terserPlugin, { type Options as TerserOptions } from '@rollup/plugin-terser';
import { rollup, type Plugin, type RollupLog } from 'rollup';

// Its types describe the CommonJS build; Node's ESM import gives the function itself.
const terser = terserPlugin as unknown as (options?: TerserOptions) => Plugin;

const WEB = import.meta.dirname;
export const DIST_DIR = join(WEB, 'dist');
const SOURCE_DIRS = ['modules', 'lib', 'entries', '../src/protocol'].map((d) => join(WEB, d));
const ENTRIES = {
  join: join(WEB, 'entries/join.js'),
  console: join(WEB, 'entries/console.js'),
  supervise: join(WEB, 'entries/supervise.js'),
};
/** Packages the browser code imports by bare name besides LWC's own. */
const BARE_PACKAGES = ['zod'];
const BUILD_MARKER = 'BUILD_OK';
const STALE_BUILD_MS = 60 * 60_000;
/** A build lock older than this belongs to a process that died mid-build. */
const STALE_LOCK_MS = 3 * 60_000;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.parentPath.includes('__tests__'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Short hash of every source's path, size and mtime (and this build script itself). */
export async function sourceFingerprint(): Promise<string> {
  const files = [fileURLToPath(import.meta.url), ...(await Promise.all(SOURCE_DIRS.map(listFiles))).flat()];
  const hash = createHash('sha256');
  for (const file of files) {
    const s = await stat(file);
    hash.update(`${relative(WEB, file)}:${s.size}:${s.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** The protocol is TypeScript with erasable syntax only: stripping the types is all it needs. */
export const stripTypes: Plugin = {
  name: 'sightline-strip-types',
  transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    return { code: stripTypeScriptTypes(code, { mode: 'strip' }), map: null };
  },
};

export const barePackages: Plugin = {
  name: 'sightline-bare-packages',
  resolveId(source) {
    const name = source.split('/')[0]!;
    return BARE_PACKAGES.includes(name) ? fileURLToPath(import.meta.resolve(source)) : null;
  },
};

/** The LWC engine keeps development checks behind process.env.NODE_ENV. */
const productionEnv: Plugin = {
  name: 'sightline-production-env',
  transform(code) {
    return code.includes('process.env.NODE_ENV')
      ? { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null }
      : null;
  },
};

async function bundleInto(dir: string): Promise<void> {
  const warnings: string[] = [];
  const bundle = await rollup({
    input: ENTRIES,
    plugins: [
      stripTypes,
      barePackages,
      productionEnv,
      // The LWC compiler only needs the components; the lib, protocol and zod are plain modules.
      lwc({
        rootDir: join(WEB, 'modules'),
        exclude: ['**/web/lib/**', '**/src/protocol/**', '**/node_modules/zod/**'],
      }),
    ],
    onwarn(warning: RollupLog) {
      // zod's circular imports and comment placement are harmless; anything else is shown.
      if (['CIRCULAR_DEPENDENCY', 'THIS_IS_UNDEFINED', 'INVALID_ANNOTATION'].includes(warning.code ?? '')) return;
      warnings.push(warning.message);
    },
  });
  try {
    await bundle.write({
      dir,
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      // Customers often join on a phone: ship the smallest bundle.
      plugins: [terser({ format: { comments: false } })],
    });
  } finally {
    await bundle.close();
  }
  if (warnings.length) process.emitWarning(`web bundle: ${warnings.join('; ')}`);
}

/**
 * Returns the folder of an up-to-date build, building it first when the sources changed.
 * @param dist where builds are cached (gitignored)
 */
export async function buildBundles({ dist = DIST_DIR }: { dist?: string } = {}): Promise<string> {
  const id = await sourceFingerprint();
  const target = join(dist, `build-${id}`);
  if (existsSync(join(target, BUILD_MARKER))) return target;
  await mkdir(dist, { recursive: true });
  const lock = join(dist, `.lock-${id}`);
  if (!(await acquire(lock, () => existsSync(join(target, BUILD_MARKER))))) return target;
  try {
    return await buildLocked(dist, id, target);
  } finally {
    await rm(lock, { force: true });
  }
}

/**
 * Takes the build lock, or waits while another process builds.
 * @returns false when the other process finished the build meanwhile
 */
async function acquire(lock: string, built: () => boolean): Promise<boolean> {
  for (;;) {
    if (built()) return false;
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await staleLock(lock)) await rm(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The lock's owner died (or it is far too old to be a live build). */
async function staleLock(lock: string): Promise<boolean> {
  const { mtimeMs } = await stat(lock).catch(() => ({ mtimeMs: 0 }));
  if (Date.now() - mtimeMs > STALE_LOCK_MS) return true;
  const pid = Number(await readFile(lock, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return false; // being written right now
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function buildLocked(dist: string, id: string, target: string): Promise<string> {
  const tmp = join(dist, `.tmp-${id}-${randomBytes(4).toString('hex')}`);
  try {
    await bundleInto(tmp);
    await writeFile(join(tmp, BUILD_MARKER), id);
    await rename(tmp, target).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished the same build first: use theirs.
      if (!existsSync(join(target, BUILD_MARKER))) throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  await pruneOldBuilds(dist, target);
  return target;
}

async function pruneOldBuilds(dist: string, keep: string): Promise<void> {
  for (const name of await readdir(dist)) {
    const path = join(dist, name);
    if (path === keep || !/^(build-|\.tmp-|\.lock-)/.test(name)) continue;
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Date.now() }));
    // Another running relay may still serve a recent build; only old ones go.
    if (Date.now() - mtimeMs > STALE_BUILD_MS) await rm(path, { recursive: true, force: true });
  }
}
