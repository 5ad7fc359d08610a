// Builds the Sightline components for the local CRM sandbox's Case page: the `lwc` compiler through
// rollup, the components unchanged from force-app, the real lightning-* base components from the
// `lightning-base-components` package (under synthetic shadow, as Lightning runs them, so the page's
// SLDS stylesheet reaches them), and browser versions of the lightning/* wire adapters and @salesforce/*
// scoped modules that talk to the sandbox's same-origin REST API (see browser/).
// Usage: node force-app/scripts/build-browser.ts [outDir]   (default force-app/.browser-build)
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import lwc from '@lwc/rollup-plugin';
import { XMLParser } from 'fast-xml-parser';
import { rollup, type Plugin } from 'rollup';

const FORCE_APP = resolve(import.meta.dirname, '..');
const LWC_DIR = join(FORCE_APP, 'main/default/lwc');
const BROWSER = join(import.meta.dirname, 'browser');
export const DEFAULT_OUT_DIR = join(FORCE_APP, '.browser-build');
/** Modules of force-app the browser replaces (same API, sandbox URLs): none since the sandbox serves the file servlet. */
const OVERRIDES: string[] = [];
/** Where the real base components come from; the local folder keeps only the wire adapters. */
const BASE_COMPONENTS = `${join('node_modules', 'lightning-base-components')}`;

function labels(): Map<string, string> {
  const parser = new XMLParser({ isArray: (name) => name === 'labels' });
  const file = join(FORCE_APP, 'main/default/labels/CustomLabels.labels-meta.xml');
  const parsed = parser.parse(readFileSync(file, 'utf8')) as {
    CustomLabels: { labels: { fullName: string; value: string }[] };
  };
  return new Map(parsed.CustomLabels.labels.map((l) => [l.fullName, String(l.value)]));
}

/** The @salesforce/* scoped modules the components import, resolved for the sandbox. */
function salesforceScoped(): Plugin {
  const text = labels();
  const mount = JSON.stringify(join(BROWSER, 'lib/mount.js'));
  const PREFIX = '\0sf:';
  return {
    name: 'sightline-salesforce-scoped',
    resolveId(source, importer) {
      // lightning-base-components maps its own @salesforce/* imports (i18n, gates) in its lwc config.
      if (!source.startsWith('@salesforce/') || importer?.includes(BASE_COMPONENTS)) return null;
      return PREFIX + source;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const spec = id.slice(PREFIX.length);
      const [, kind, rest] = /^@salesforce\/([^/]+)\/(.+)$/.exec(spec) ?? [];
      if (kind === 'label') {
        const value = text.get(rest!.replace(/^c\./, ''));
        if (value === undefined) this.error(`${spec}: no such custom label`);
        return `export default ${JSON.stringify(value)};`;
      }
      if (kind === 'schema') {
        const [objectApiName, ...path] = rest!.split('.');
        const ref = path.length ? { objectApiName, fieldApiName: path.join('.') } : { objectApiName };
        return `export default ${JSON.stringify(ref)};`;
      }
      if (kind === 'customPermission') {
        return `import { mountInfo } from ${mount};
const granted = mountInfo().customPermissions;
export default granted === null || granted.has(${JSON.stringify(rest)});`;
      }
      if (spec === '@salesforce/user/Id') {
        // The signed-in sandbox user, as Lightning gives the running user's 18-character id.
        return `import { mountInfo } from ${mount};
export default mountInfo().userId;`;
      }
      if (spec === '@salesforce/apex/SightlineSettingsController.getSettings') {
        // The org's Sightline_Settings__mdt Default record; in the sandbox the page says where the relay is.
        return `import { mountInfo } from ${mount};
function settings() {
  const relayUrl = mountInfo().relayUrl;
  if (!relayUrl) throw Object.assign(new Error('Sightline is not configured: the page has no data-relay-url'), { body: { message: 'Sightline is not configured: the page has no data-relay-url' } });
  return { relayUrl, recordingMode: null, leadPolicy: null };
}
export default function getSettings() { return Promise.resolve().then(settings); }
getSettings.adapter = class {
  constructor(cb) { this.cb = cb; }
  connect() {}
  disconnect() {}
  update() {
    try { this.cb({ data: settings(), error: undefined }); } catch (error) { this.cb({ data: undefined, error }); }
  }
};`;
      }
      this.error(`${spec}: the sandbox build has no browser version of this module`);
    },
  };
}

/** The LWC engine keeps development checks behind process.env.NODE_ENV; the base components ask
 * import.meta.env.SSR whether they render on a server (never, here). */
const productionEnv: Plugin = {
  name: 'sightline-production-env',
  transform(code) {
    if (!code.includes('process.env.NODE_ENV') && !code.includes('import.meta.env.SSR')) return null;
    return {
      code: code.replaceAll('process.env.NODE_ENV', '"production"').replaceAll('import.meta.env.SSR', 'false'),
      map: null,
    };
  },
};

export async function buildBrowser(outDir: string = DEFAULT_OUT_DIR): Promise<string> {
  const components = readdirSync(LWC_DIR).filter((n) => !OVERRIDES.includes(n));
  const warnings: string[] = [];
  const bundle = await rollup({
    input: { 'case-page': join(BROWSER, 'entry/case-page.js') },
    plugins: [
      salesforceScoped(),
      productionEnv,
      lwc({
        rootDir: BROWSER,
        modules: [
          ...OVERRIDES.map((n) => ({ name: `c/${n}`, path: join(BROWSER, 'lwc/c', n, `${n}.js`) })),
          ...components.map((n) => ({ name: `c/${n}`, path: join(LWC_DIR, n, `${n}.js`) })),
          { dir: join(BROWSER, 'lwc') },
          { npm: 'lightning-base-components' },
        ],
      }),
    ],
    onwarn: (w) => {
      // The package's own templates draw two compiler notices Lightning accepts (if/else branches that
      // both declare a slot, a `type` on a div); anything else, and any notice on our code, fails.
      if (w.id?.includes(BASE_COMPONENTS) && /LWC1137|LWC1057/.test(w.message)) return;
      warnings.push(w.message);
    },
  });
  // Build beside the target and swap, so the sandbox never serves a half-written bundle.
  const tmp = `${outDir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await bundle.write({ dir: tmp, format: 'es', entryFileNames: '[name].js', inlineDynamicImports: true });
  await bundle.close();
  if (warnings.length) throw new Error(`browser build warnings:\n${warnings.join('\n')}`);
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir);
  return join(outDir, 'case-page.js');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildBrowser(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT_DIR);
  console.log(`built ${out}`);
}
