// `npm run sandbox:reset`: put the sandbox database back to the seeded demo org.
// Usage: node crm-sandbox/src/cli.ts reset
import { ConfigError, loadConfig } from '@sightline/config';
import { openSandboxStore, resetSandboxStore } from './index.ts';

const command = process.argv[2];
if (command !== 'reset') {
  console.error('Usage: node crm-sandbox/src/cli.ts reset');
  process.exit(2);
}
try {
  const config = loadConfig();
  const parts = openSandboxStore(config);
  resetSandboxStore(parts);
  parts.store.close();
  console.log(`CRM sandbox reset to the demo seed in ${config.sandbox.dataDir}`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Reset failed: ${(err as Error).message}`);
  process.exit(1);
}
