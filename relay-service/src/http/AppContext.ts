// Everything the HTTP routes need, built once by startRelay.
import type { Policy, SightlineConfig } from '@sightline/config';
import type { AgentAuth } from '../auth/AgentAuth.ts';
import type { AgentStore } from '../auth/AgentStore.ts';
import type { SharedPendingSignIns } from '../auth/OAuthStateStore.ts';
import type { CookiePolicy } from '../auth/cookies.ts';
import type { LoginSessions } from '../auth/LoginSessions.ts';
import type { LimiterFactory } from '../cluster/limiters.ts';
import type { SharedSignIns } from '../cluster/SharedSignIns.ts';
import type { HandOffLocator } from '../cluster/clusterMode.ts';
import type { Forwarder } from '../cluster/forwardToOwner.ts';
import type { SessionDirectory } from '../cluster/SessionDirectory.ts';
import type { AdapterFactory } from '../crm/adapterFor.ts';
import type { Logger } from '../logger.ts';
import type { RelayMetrics } from '../metrics.ts';
import type { SessionRegistry } from '../sessions/SessionRegistry.ts';
import type { Outbox } from '../writeback/Outbox.ts';
import type { WriteBack } from '../writeback/WriteBack.ts';

export interface AppContext {
  config: SightlineConfig;
  logger: Logger;
  registry: SessionRegistry;
  /** Creates, finds and joins sessions: this node's registry, or the cluster's in cluster mode. */
  sessions: SessionDirectory;
  /** Cluster mode: sends an agent's call about another node's session to that node; null on a single node. */
  forwarder?: Forwarder | null;
  /** Cluster mode: which session a desktop hand-off code issued by any node is for. */
  handOffs?: HandOffLocator | null;
  metrics: RelayMetrics;
  agents: AgentStore;
  loginSessions: LoginSessions;
  /** The CRM components' bearer tokens and sign-in hand-off. */
  agentAuth: AgentAuth;
  outbox: Outbox;
  /** Delivery state for agents (`/api/me/deliveries`) and admins (summary(), retry()). */
  writeBack: WriteBack;
  adapterFor: AdapterFactory;
  /** Where rate limits count: memory on one node, Redis in cluster mode. */
  limiters: LimiterFactory;
  /** Cluster mode: sign-ins and agents' tokens shared through Redis; null on a single node. */
  sharedSignIns?: SharedSignIns | null;
  /** Cluster mode: OAuth sign-ins under way, in Redis. */
  oauthStates?: SharedPendingSignIns | null;
  cookies: CookiePolicy;
  /** The relay's public base URL (known once the server listens). */
  publicUrl: () => string;
}

/** The policy group of a CRM username (policy.members), else "default". */
export function policyFor(config: SightlineConfig, username: string): Policy {
  const group = config.policy.members[username] ?? 'default';
  return config.policy.groups[group] ?? config.policy.groups.default!;
}

export const wsUrlOf = (publicUrl: string) => `${publicUrl.replace(/^http/, 'ws')}/ws`;
