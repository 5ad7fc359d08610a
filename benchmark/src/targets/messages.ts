// IPC between the benchmark and a measured server process (floor forwarder or relay).
export type TargetRequest = { type: 'stats'; id: number; gc: boolean } | { type: 'stop' };

export interface TargetStats {
  cpuMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  atMs: number;
  /** The relay's write-back outbox (absent for the floor): what is still to deliver to the CRM. */
  writeBack?: { backlog: number; awaitingSignIn: number; failed: number };
  /** The relay's sessions not yet ended (a disconnected one ends after the reconnect grace, 60 s). */
  liveSessions?: number;
}

export type TargetReply =
  { type: 'ready'; url: string; extra?: Record<string, string> } | ({ type: 'stats'; id: number } & TargetStats);
