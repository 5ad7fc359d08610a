// What the ServiceNow routers share.
import type { SightlineConfig } from '@sightline/config';
import type { AuthServer } from '../oauth/AuthServer.ts';
import type { Store } from '../store.ts';
import type { ServiceNowData } from './ServiceNowData.ts';

export interface ServiceNowContext {
  config: SightlineConfig;
  store: Store;
  data: ServiceNowData;
  auth: AuthServer;
  baseUrl(): string;
  relayUrl(): string;
  /** The ServiceNow app's UI action client script, offered on the incident page when present. */
  uiActionScript: string;
}

export const SN_UI_COOKIE = 'sandbox_sn_session';
