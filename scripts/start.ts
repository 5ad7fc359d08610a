// `npm start`: the whole system on its embedded defaults, on loopback.
// The local CRM sandbox (Salesforce- and ServiceNow-compatible) and the relay, in one process;
// Ctrl-C stops both cleanly.
import { loadConfig, ConfigError } from '@sightline/config';
import { startSandbox } from '@sightline/crm-sandbox';
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

const stoppers: Array<() => Promise<void>> = [];
try {
  if (config.sandbox.enabled) {
    const sandbox = await startSandbox({ config });
    stoppers.push(() => sandbox.close());
    console.log(`CRM sandbox   Salesforce ${sandbox.salesforceUrl}   ServiceNow ${sandbox.servicenowUrl}`);
  }
  const relay = await startRelay({ config });
  stoppers.unshift(() => relay.close());
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
