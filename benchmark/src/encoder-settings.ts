// How the presenter encodes (mirrors the join page's WebCodecs settings).
import type { SupportSessionOptions } from './browser/support-session.ts';

export const PRESENTER_ENCODER: SupportSessionOptions = {
  codec: 'vp09.00.10.08',
  width: 1280,
  height: 720,
  bitrate: 400_000,
  framerate: 15,
  durationSeconds: 60,
  keyframeIntervalSeconds: 0,
  contentHint: 'text',
};
