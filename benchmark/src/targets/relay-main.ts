// Child process entry: the real relay (startRelay), measured. Its configuration comes from the
// parent as JSON overrides in SIGHTLINE_BENCH_OVERRIDES (ports, sandbox URLs, data dir).
import { loadConfig } from '@sightline/config';
import { startRelay } from '@sightline/relay-service';
import { serveTargetIpc } from './child-side.ts';

const overrides = JSON.parse(process.env.SIGHTLINE_BENCH_OVERRIDES ?? '{}') as Record<string, unknown>;
const config = loadConfig({ env: { SIGHTLINE_ENV: 'test' }, overrides });
const relay = await startRelay({ config });
serveTargetIpc(relay.url, relay.close, () => ({
  writeBack: relay.writeBack.counts(),
  liveSessions: relay.registry.size,
}));
