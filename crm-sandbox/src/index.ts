// The local CRM sandbox: a Salesforce-compatible and a ServiceNow-compatible server over one embedded
// database, seeded with the demo org. `startSandbox` is what `npm start` and every integration test use.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { SightlineConfig } from '@sightline/config';
import { pino } from 'pino';
import { clientsFor } from './clients.ts';
import { DEMO } from './demo.ts';
import { AuthServer } from './oauth/AuthServer.ts';
import { seed } from './seed.ts';
import { BROWSER_BUILD_DIR } from './pages/salesforcePages.ts';
import { UI_ACTION_SCRIPT } from './pages/servicenowPages.ts';
import { salesforceApp } from './salesforce/app.ts';
import type { SalesforceContext } from './salesforce/context.ts';
import { QueryCursors } from './salesforce/QueryCursors.ts';
import { SalesforceData } from './salesforce/SalesforceData.ts';
import { pointTrustedSitesAt } from './salesforce/setupObjects.ts';
import { SoqlEngine } from './salesforce/soql.ts';
import { servicenowApp } from './servicenow/app.ts';
import type { ServiceNowContext } from './servicenow/context.ts';
import { ServiceNowData } from './servicenow/ServiceNowData.ts';
import { Store } from './store.ts';

export { DEMO } from './demo.ts';
export type { Demo, DemoUser } from './demo.ts';

export interface RunningSandbox {
  salesforceUrl: string;
  servicenowUrl: string;
  /** Where the case page's Sightline components reach the relay (data-relay-url). */
  setRelayUrl(url: string): void;
  /** Back to the seeded demo org: every record, file, token, session and email is dropped. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const SERVICENOW_ACCESS_TTL_SECONDS = 1800;
const SERVICENOW_REFRESH_TTL_SECONDS = 100 * 86400;

export interface SandboxParts {
  store: Store;
  salesforceAuth: AuthServer;
  servicenowAuth: AuthServer;
}

/** Opens (and seeds if empty) the sandbox database; shared by the servers and the reset command. */
export function openSandboxStore(config: SightlineConfig): SandboxParts {
  const store = new Store(resolve(config.sandbox.dataDir));
  const ttl = config.sandbox.accessTokenTtlSeconds;
  const salesforceAuth = new AuthServer({
    crm: 'salesforce',
    store,
    clients: clientsFor(config, 'salesforce'),
    accessTtlSeconds: ttl,
    // Partner apps must turn refresh-token rotation on (May 2026); refresh tokens live until revoked.
    refresh: { rotate: true, ttlSeconds: null },
    tokenPrefix: `${DEMO.salesforce.orgId.slice(0, 15)}!AQ`,
  });
  const servicenowAuth = new AuthServer({
    crm: 'servicenow',
    store,
    clients: clientsFor(config, 'servicenow'),
    // ServiceNow's defaults: access tokens 30 minutes (shorter when the sandbox is told so), refresh 100 days.
    accessTtlSeconds: Math.min(ttl, SERVICENOW_ACCESS_TTL_SECONDS),
    refresh: { rotate: false, ttlSeconds: SERVICENOW_REFRESH_TTL_SECONDS },
  });
  if (!store.getMeta('seeded')) seed(store, salesforceAuth, servicenowAuth);
  return { store, salesforceAuth, servicenowAuth };
}

export function resetSandboxStore(parts: SandboxParts): void {
  parts.store.transaction(() => {
    parts.store.wipe();
    seed(parts.store, parts.salesforceAuth, parts.servicenowAuth);
  });
}

function listen(app: RequestListener, host: string, port: number): Promise<Server> {
  const server = createServer(app);
  return new Promise((ok, fail) => server.once('error', fail).listen(port, host, () => ok(server)));
}

function close(server: Server): Promise<void> {
  return new Promise((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
  });
}

export interface StartSandboxOptions {
  config: SightlineConfig;
  /** The relay the case page's components talk to; defaults to the configured relay. */
  relayUrl?: string;
  /** Where the Salesforce package's browser build lives (default force-app/.browser-build). */
  browserBuildDir?: string;
  /** The ServiceNow app's "Start Screen Share" client script (default from servicenow-app/src). */
  uiActionScript?: string;
}

export async function startSandbox({
  config,
  relayUrl,
  browserBuildDir,
  uiActionScript,
}: StartSandboxOptions): Promise<RunningSandbox> {
  const logger = pino({ name: 'crm-sandbox', level: config.log.level });
  const parts = openSandboxStore(config);
  const { store } = parts;
  let relay = relayUrl ?? config.relay.publicUrl ?? `http://${config.relay.host}:${config.relay.port}`;
  let sfUrl = '';
  let snUrl = '';
  pointTrustedSitesAt(store, relay);
  const cursors = new QueryCursors();
  const sfData = new SalesforceData(store);
  const sf: SalesforceContext = {
    config,
    store,
    data: sfData,
    soql: new SoqlEngine(sfData),
    cursors,
    auth: parts.salesforceAuth,
    orgId: DEMO.salesforce.orgId,
    baseUrl: () => sfUrl,
    relayUrl: () => relay,
    browserBuildDir: browserBuildDir ?? BROWSER_BUILD_DIR,
  };
  const sn: ServiceNowContext = {
    config,
    store,
    data: new ServiceNowData(store, () => snUrl),
    auth: parts.servicenowAuth,
    baseUrl: () => snUrl,
    relayUrl: () => relay,
    uiActionScript: uiActionScript ?? UI_ACTION_SCRIPT,
  };
  const { host } = config.sandbox;
  const sfServer = await listen(salesforceApp(sf, logger), host, config.sandbox.salesforcePort);
  let snServer: Server;
  try {
    snServer = await listen(servicenowApp(sn, logger), host, config.sandbox.servicenowPort);
  } catch (err) {
    await close(sfServer);
    store.close();
    throw err;
  }
  const urlOf = (s: Server) => `http://${host.includes(':') ? `[${host}]` : host}:${(s.address() as AddressInfo).port}`;
  sfUrl = urlOf(sfServer);
  snUrl = urlOf(snServer);
  logger.info({ salesforceUrl: sfUrl, servicenowUrl: snUrl, dataDir: config.sandbox.dataDir }, 'CRM sandbox listening');
  return {
    salesforceUrl: sfUrl,
    servicenowUrl: snUrl,
    setRelayUrl(url: string) {
      relay = new URL(url).toString().replace(/\/$/, '');
      pointTrustedSitesAt(store, relay);
    },
    async reset() {
      cursors.clear();
      resetSandboxStore(parts);
      pointTrustedSitesAt(store, relay);
    },
    async close() {
      await Promise.all([close(sfServer), close(snServer)]);
      store.close();
    },
  };
}
