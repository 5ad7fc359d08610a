// `npm start`: the whole system on its embedded defaults, on loopback.
// The local CRM sandbox (Salesforce- and ServiceNow-compatible) and the relay, in one process;
// Ctrl-C stops both cleanly.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, ConfigError } from '@sightline/config';
import { DEMO, startSandbox } from '@sightline/crm-sandbox';
import { startRelay } from '@sightline/relay-service';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

const forceApp = resolve(import.meta.dirname, '../force-app');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '__tests__') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The sandbox's Case page mounts the Salesforce package's components from their browser build. */
async function ensureCasePageBuild(): Promise<void> {
  const out = join(forceApp, '.browser-build/case-page.js');
  const sources = Math.max(newest(join(forceApp, 'main/default')), newest(join(forceApp, 'scripts')));
  if (existsSync(out) && statSync(out).mtimeMs >= sources) return;
  console.log('Building the Salesforce components for the sandbox Case page...');
  const { buildBrowser } = (await import(join(forceApp, 'scripts/build-browser.ts'))) as {
    buildBrowser: () => Promise<string>;
  };
  await buildBrowser();
}

const stoppers: Array<() => Promise<void>> = [];
try {
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  if (config.sandbox.enabled) {
    await ensureCasePageBuild();
    sandbox = await startSandbox({ config });
    stoppers.push(() => sandbox!.close());
    console.log(`CRM sandbox   Salesforce ${sandbox.salesforceUrl}   ServiceNow ${sandbox.servicenowUrl}`);
  }
  // Embedded mode: the relay signs agents in and writes back to the sandbox wherever it listens.
  const relayConfig = sandbox
    ? {
        ...config,
        salesforce: { ...config.salesforce, loginUrl: sandbox.salesforceUrl, orgId: DEMO.salesforce.orgId },
        servicenow: { ...config.servicenow, instanceUrl: sandbox.servicenowUrl },
      }
    : config;
  const relay = await startRelay({ config: relayConfig });
  stoppers.unshift(() => relay.close());
  sandbox?.setRelayUrl(relay.url);
  console.log(`Relay         ${relay.url}`);
  for (const line of relay.storyHints ?? []) console.log(line);
} catch (err) {
  console.error(`Sightline failed to start: ${(err as Error).message}`);
  for (const stop of stoppers) await stop().catch(() => {});
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping Sightline...`);
  for (const stop of stoppers) await stop().catch((e: Error) => console.error(e.message));
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
