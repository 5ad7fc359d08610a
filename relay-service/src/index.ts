// PLACEHOLDER until the relay issue lands: answers /healthz.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SightlineConfig } from '@sightline/config';

export interface RunningRelay {
  url: string;
  storyHints?: string[];
  close(): Promise<void>;
}

export async function startRelay({ config }: { config: SightlineConfig }): Promise<RunningRelay> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(config.relay.port, config.relay.host, ok));
  const url = `http://${config.relay.host}:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}
