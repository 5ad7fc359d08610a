// A viewer: reads frames, acknowledges each (as the pages do), and records the added latency from the
// capture time in each header. Floor viewers acknowledge too, so both targets read the same traffic.
import type { RawData, WebSocket } from 'ws';
import { decodeFrameHeader, encodeAck } from '@sightline/relay-service/protocol';
import { epochMs } from './clock.ts';
import type { Counters } from './Counters.ts';

/** normal: any viewer; slow: the throttled viewer; peer: the other viewers of the throttled viewer's session. */
export type ViewerKind = 'normal' | 'slow' | 'peer';

export function onViewerFrame(counters: Counters, ws: WebSocket, data: RawData, kind: ViewerKind): void {
  const buf = data as Buffer;
  const header = decodeFrameHeader(buf);
  ws.send(encodeAck(header), { binary: true });
  const now = epochMs();
  const latency = now - header.captureTimeMs;
  // The slow viewer's frames arrive seconds late: count what it receives while the window is open.
  if (kind === 'slow' ? !counters.inWindow(now) : !counters.inWindow(header.captureTimeMs)) return;
  if (kind === 'slow') {
    counters.slowFramesReceived++;
    counters.slowLatencies.push(latency);
    counters.slowReceivedAt.push(now - counters.windowStart);
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
