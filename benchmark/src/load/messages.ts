// IPC between the benchmark and its load-generator worker processes.
import type { ReplayPlan } from '../traffic.ts';

/** One session as the load generator drives it: a presenter socket and its viewers' sockets. */
export interface SessionSpec {
  id: string;
  /** floor: plain sockets in a room. relay: ticketed sockets that speak the control protocol. */
  kind: 'floor' | 'relay';
  presenterUrl: string;
  viewerUrls: string[];
  /** The last viewer connects through the worker's throttling proxy (the slow-viewer scenario). */
  slowLastViewer?: boolean;
  /**
   * Where in the traffic loop this session's replay starts (0-1), fixed by its place in its pool, so the
   * n-th session of the floor and of the relay replay the same frames at the same moments of a window.
   */
  phase?: number;
  /** Payload sizes of this session relative to the plan (1 = the reference rate). */
  sizeScale?: number;
  /** Instead of replaying the plan, send `bytes` every 1/fps s (a screen that keeps changing). */
  steady?: { fps: number; bytes: number };
  /**
   * The presenter also sends a simulcast rendition (stream 1, `simulcastOf` 0): `share` of each frame's
   * size on every `every`-th frame, a keyframe whenever stream 0 sends one or the relay asks for one.
   */
  simulcast?: { share: number; every: number };
}

export type WorkerRequest =
  | { type: 'init'; plan: ReplayPlan; codec: string; width: number; height: number }
  | { type: 'add'; sessions: SessionSpec[] }
  | { type: 'activate'; ids: string[] }
  /** Bytes per second the proxy lets through to the slow viewer; null = no limit. */
  | { type: 'throttle'; bytesPerSecond: number | null }
  | { type: 'window-start' }
  /** Stops counting sends; receipts of frames sent in the window count for `graceMs` more. */
  | { type: 'window-end'; graceMs: number }
  | { type: 'remove'; ids: string[] };

export interface WindowReport {
  seconds: number;
  framesSent: number;
  bytesSent: number;
  /** Frames a presenter did not send because its socket was backed up (as a browser presenter would). */
  framesSkipped: number;
  framesReceived: number;
  bytesReceived: number;
  /** Added latency samples (ms): receipt time minus the capture time in the frame header. */
  latencies: Float64Array;
  /** The same for the slow viewers only (kept apart from the others). */
  slowFramesReceived: number;
  slowLatencies: Float64Array;
  /** When each of those arrived, ms after the window opened (same order). */
  slowReceivedAtMs: Float64Array;
  /** Frames sent by presenters of sessions that have a slow viewer. */
  slowSessionFramesSent: number;
  /** Frames (and latencies) of the other viewers in a session with a slow viewer. */
  peerFramesReceived: number;
  peerLatencies: Float64Array;
  keyframeRequests: number;
  cpuMicros: number;
  eventLoopDelayP99Ms: number;
  activeSessions: number;
  openSockets: number;
  /** Control messages the clients received, by type (and error code), e.g. "error:rate_limited". */
  control: Record<string, number>;
}

export type WorkerReply =
  | { type: 'ok'; of: WorkerRequest['type']; failed?: string[] }
  | { type: 'window'; report: WindowReport }
  | { type: 'error'; message: string };
