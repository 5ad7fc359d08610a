// A viewer: reads frames and records the added latency from the capture time in each header.
import type { RawData } from 'ws';
import { decodeFrameHeader } from '@sightline/relay-service/protocol';
import { epochMs } from './clock.ts';
import type { Counters } from './Counters.ts';

/** normal: any viewer; slow: the throttled viewer; peer: the other viewers of the throttled viewer's session. */
export type ViewerKind = 'normal' | 'slow' | 'peer';

export function onViewerFrame(counters: Counters, data: RawData, kind: ViewerKind): void {
  const buf = data as Buffer;
  const header = decodeFrameHeader(buf);
  const now = epochMs();
  const latency = now - header.captureTimeMs;
  // The slow viewer's frames arrive seconds late: count what it receives while the window is open.
  if (kind === 'slow' ? !counters.inWindow(now) : !counters.inWindow(header.captureTimeMs)) return;
  if (kind === 'slow') {
    counters.slowFramesReceived++;
    counters.slowLatencies.push(latency);
    return;
  }
  counters.framesReceived++;
  counters.bytesReceived += buf.length;
  counters.latencies.push(latency);
  if (kind === 'peer') {
    counters.peerFramesReceived++;
    counters.peerLatencies.push(latency);
  }
}
