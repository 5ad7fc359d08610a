// IPC between the benchmark and a measured server process (floor forwarder or relay).
export type TargetRequest =
  | { type: 'stats'; id: number; gc: boolean }
  /** `--profile`: a V8 CPU profile of one measured window, written to `file` when it stops. */
  | { type: 'profile'; id: number; action: 'start' }
  | { type: 'profile'; id: number; action: 'stop'; file: string }
  | { type: 'stop' };

export interface TargetStats {
  cpuMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  atMs: number;
  /** CPU time by thread kind where the OS tells it (Linux), microseconds. */
  threadMicros?: { main: number; mainSystem: number; v8: number; other: number } | null;
  /** The relay's write-back outbox (absent for the floor): what is still to deliver to the CRM. */
  writeBack?: { backlog: number; awaitingSignIn: number; failed: number };
  /** The relay's sessions not yet ended (a disconnected one ends after the reconnect grace, 60 s). */
  liveSessions?: number;
}

export type TargetReply =
  | { type: 'ready'; url: string; extra?: Record<string, string> }
  | ({ type: 'stats'; id: number } & TargetStats)
  | { type: 'profiled'; id: number };
