// The customer's app as the shell wires it, minus Electron: the hand-off joins through the relay's
// HTTP API, a real WebSocket carries the session (the renderer's socket in the app) and every message
// goes to the main process's ControlSession, which injects through XTest on the real X display.
import { WebSocket } from 'ws';
import {
  PROTOCOL_VERSION,
  followSession,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
  type StreamConfig,
} from '@sightline/relay-service/protocol';
import { ControlSession, type ControlRequest } from '../../src/ControlSession.ts';
import { HandOffClient } from '../../src/HandOffClient.ts';
import type { GateState } from '../../src/ControlGate.ts';
import type { XTestInput } from '../../src/XTestInput.ts';
import type { Clock, Monitor } from '../../src/types.ts';

export interface AppSide {
  control: ControlSession;
  ws: WebSocket;
  requests: ControlRequest[];
  gates: GateState[];
  messages: ServerMessage[];
  send(message: ClientMessage): void;
  /** Consent and share this monitor (the renderer's stream-start). */
  share(monitor: Monitor): Promise<void>;
  waitForGate(state: GateState): Promise<void>;
  waitForRequest(): Promise<ControlRequest>;
  close(): void;
}

export const MONITOR_STREAM: StreamConfig = {
  stream: 0,
  codec: 'vp8',
  codedWidth: 1280,
  codedHeight: 800,
  surface: 'monitor',
};

export async function openApp(options: {
  appUrl: string;
  allowedRelays: string[];
  input: XTestInput;
  suspendMs: number;
  clock?: Clock;
  contact?: { name?: string; email?: string };
}): Promise<AppSide> {
  const handOff = new HandOffClient({ allowedRelays: options.allowedRelays });
  const link = handOff.parse(options.appUrl);
  await handOff.lookup(link);
  const joined = await handOff.join(link, {
    contact: options.contact ?? { name: 'Casey Customer' },
    acceptedTerms: true,
  });
  const ws = new WebSocket(`${joined.wsUrl}?ticket=${encodeURIComponent(joined.ticket)}`);
  const requests: ControlRequest[] = [];
  const gates: GateState[] = [];
  const messages: ServerMessage[] = [];
  let notify: (() => void)[] = [];
  const changed = () => {
    for (const n of notify) n();
  };
  const send = (m: ClientMessage) => ws.send(JSON.stringify(m));
  const control = new ControlSession({
    send,
    sink: options.input,
    probe: options.input,
    suspendMs: options.suspendMs,
    pollMs: 20,
    ...(options.clock ? { clock: options.clock } : {}),
    events: {
      request: (r) => {
        requests.push(r);
        changed();
      },
      gate: (g) => {
        gates.push(g);
        changed();
      },
    },
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const parsed = parseServerMessage((data as Buffer).toString());
    if (!parsed.ok) throw new Error(`relay sent an invalid message: ${parsed.message}`);
    messages.push(parsed.value);
    control.handle(parsed.value);
    changed();
  });
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  send({ type: 'hello', protocol: PROTOCOL_VERSION }); // as the renderer's socket does on open
  const until = (done: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 5000);
      const n = () => {
        if (!done()) return;
        clearTimeout(timer);
        notify = notify.filter((x) => x !== n);
        resolve();
      };
      notify.push(n);
    });
  await until(() => messages.some((m) => m.type === 'welcome'), 'welcome');
  return {
    control,
    ws,
    requests,
    gates,
    messages,
    send,
    async share(monitor) {
      send({ type: 'consent', view: true, recording: false });
      send({ type: 'stream-start', config: MONITOR_STREAM });
      control.share(monitor);
      const me = control.me;
      await until(() => {
        const session = messages.reduce(followSession, null);
        return session?.presenterId === me && session.streams.length > 0;
      }, 'the relay to show the shared monitor');
    },
    waitForGate: (state) => until(() => control.gateState === state, `gate ${state}`),
    async waitForRequest() {
      const before = requests.length;
      await until(() => requests.length > before || control.pendingRequest !== null, 'a control request');
      return control.pendingRequest!;
    },
    close() {
      control.end();
      ws.close();
    },
  };
}
