// What the Salesforce routers share.
import type { SightlineConfig } from '@sightline/config';
import type { AuthServer } from '../oauth/AuthServer.ts';
import type { Store } from '../store.ts';
import type { QueryCursors } from './QueryCursors.ts';
import type { SalesforceData } from './SalesforceData.ts';
import type { SoqlEngine } from './soql.ts';

export interface SalesforceContext {
  config: SightlineConfig;
  store: Store;
  data: SalesforceData;
  soql: SoqlEngine;
  cursors: QueryCursors;
  auth: AuthServer;
  orgId: string;
  /** The server's own URL once it listens (instance_url, identity URLs). */
  baseUrl(): string;
  relayUrl(): string;
  /** The Salesforce package's browser build (force-app/.browser-build), served on the case page when present. */
  browserBuildDir: string;
}

export const UI_COOKIE = 'sandbox_sf_session';
export const API_VERSIONS = Array.from({ length: 64 - 31 + 1 }, (_, i) => `${31 + i}.0`);
export const LATEST_VERSION = API_VERSIONS[API_VERSIONS.length - 1]!;
