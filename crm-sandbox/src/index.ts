// PLACEHOLDER until the sandbox issue lands: answers /healthz on both ports.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SightlineConfig } from '@sightline/config';

export interface RunningSandbox {
  salesforceUrl: string;
  servicenowUrl: string;
  close(): Promise<void>;
}

function listen(host: string, port: number): Promise<Server> {
  const server = createServer((_req, res) => res.end('ok'));
  return new Promise((ok, fail) => server.once('error', fail).listen(port, host, () => ok(server)));
}

export async function startSandbox({ config }: { config: SightlineConfig }): Promise<RunningSandbox> {
  const { host } = config.sandbox;
  const sf = await listen(host, config.sandbox.salesforcePort);
  const sn = await listen(host, config.sandbox.servicenowPort);
  const url = (s: Server) => `http://${host}:${(s.address() as AddressInfo).port}`;
  return {
    salesforceUrl: url(sf),
    servicenowUrl: url(sn),
    close: async () => {
      await new Promise((r) => sf.close(r));
      await new Promise((r) => sn.close(r));
    },
  };
}
