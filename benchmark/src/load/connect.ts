// Opening one load-generator socket the way its client would: floor sockets are ready when open;
// relay sockets wait for the `welcome`, and a presenter then consents and announces its stream.
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, parseServerMessage, type StreamConfig } from '@sightline/relay-service/protocol';

const CONNECT_TIMEOUT_MS = 8_000;

export interface ConnectOptions {
  kind: 'floor' | 'relay';
  url: string;
  presenter: boolean;
  stream: StreamConfig;
  /** A presenter's simulcast renditions, announced after `stream`. */
  renditions?: StreamConfig[];
  /** Text messages after the handshake (state, errors; keyframe requests without onKeyframeRequest). */
  onControl: (type: string, code?: string) => void;
  /** The relay asks the presenter for a keyframe of this stream. */
  onKeyframeRequest?: (stream: number) => void;
}

export function connectClient(o: ConnectOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(o.url, { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
    let ready = false;
    const timer = setTimeout(
      () => fail(new Error(`no ${o.kind === 'relay' ? 'welcome' : 'open'} within ${CONNECT_TIMEOUT_MS} ms`)),
      CONNECT_TIMEOUT_MS,
    );
    const fail = (e: Error) => {
      clearTimeout(timer);
      ws.terminate();
      if (!ready) reject(e);
    };
    const done = () => {
      ready = true;
      clearTimeout(timer);
      resolve(ws);
    };
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.on('open', () => {
      if (o.kind === 'floor') return done();
      // The relay closes a socket whose first message does not come in time.
      ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const parsed = parseServerMessage(data.toString());
      if (!parsed.ok) return o.onControl('unparsed');
      const m = parsed.value;
      if (!ready && m.type === 'welcome') {
        if (o.presenter) {
          ws.send(JSON.stringify({ type: 'consent', view: true, recording: false }));
          ws.send(JSON.stringify({ type: 'stream-start', config: o.stream }));
          for (const config of o.renditions ?? []) ws.send(JSON.stringify({ type: 'stream-start', config }));
        }
        return done();
      }
      if (m.type === 'keyframe-request' && o.onKeyframeRequest) return o.onKeyframeRequest(m.stream);
      o.onControl(m.type, m.type === 'error' ? m.code : undefined);
    });
  });
}
