// The sandbox on its own, outside `npm start`.
//   node crm-sandbox/src/cli.ts reset   put the database back to the seeded demo org (`npm run sandbox:reset`)
//   node crm-sandbox/src/cli.ts start   run just the two CRM servers until Ctrl-C
import { ConfigError, loadConfig } from '@sightline/config';
import { openSandboxStore, resetSandboxStore, startSandbox } from './index.ts';

const command = process.argv[2];
if (command !== 'reset' && command !== 'start') {
  console.error('Usage: node crm-sandbox/src/cli.ts reset|start');
  process.exit(2);
}
try {
  const config = loadConfig();
  if (command === 'reset') {
    const parts = openSandboxStore(config);
    resetSandboxStore(parts);
    parts.store.close();
    console.log(`CRM sandbox reset to the demo seed in ${config.sandbox.dataDir}`);
  } else {
    const sandbox = await startSandbox({ config });
    console.log(`CRM sandbox   Salesforce ${sandbox.salesforceUrl}   ServiceNow ${sandbox.servicenowUrl}`);
    const stop = () => void sandbox.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Sandbox ${command} failed: ${(err as Error).message}`);
  process.exit(1);
}
