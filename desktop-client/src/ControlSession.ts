// The customer's side of remote control, as the app's main process runs it: it reads the relay's
// messages (who controls, control requests, input), asks the customer before granting, injects
// through RemoteInput behind the ControlGate, watches for local activity while controlled, and lets
// the customer take control back at any moment.
import type { ClientMessage, InputEvent, ServerMessage } from '@sightline/relay-service/protocol';
import { ControlGate, type GateState } from './ControlGate.ts';
import { LocalActivityWatcher } from './LocalActivityWatcher.ts';
import { RemoteInput } from './RemoteInput.ts';
import type { Clock, DeviceProbe, InputSink, Monitor } from './types.ts';

export interface ControlRequest {
  from: string;
  fromName: string;
}

export interface ControlSessionEvents {
  /** The agent asks for control: the app asks the customer. */
  request(request: ControlRequest): void;
  /** Gate state changed (the border turns red while 'open' or 'suspended'). */
  gate(state: GateState): void;
}

export interface ControlSessionOptions {
  send: (message: ClientMessage) => void;
  sink: InputSink;
  probe: DeviceProbe;
  clock?: Clock;
  /** How long local mouse/keyboard activity holds remote input back. */
  suspendMs: number;
  pollMs?: number;
  events?: Partial<ControlSessionEvents>;
}

export class ControlSession {
  readonly #send: (message: ClientMessage) => void;
  readonly #gate: ControlGate;
  readonly #input: RemoteInput;
  readonly #watcher: LocalActivityWatcher;
  readonly #events: Partial<ControlSessionEvents>;
  #me: string | null = null;
  #pending: ControlRequest | null = null;
  #ended = false;

  constructor(options: ControlSessionOptions) {
    this.#send = options.send;
    this.#events = options.events ?? {};
    this.#gate = new ControlGate({ clock: options.clock ?? { now: () => Date.now() }, suspendMs: options.suspendMs });
    this.#input = new RemoteInput({
      sink: options.sink,
      gate: this.#gate,
      keycodeOf: (code) => options.probe.keycodeOf(code),
    });
    this.#watcher = new LocalActivityWatcher({
      probe: options.probe,
      injected: () => this.#input.injected(),
      onActivity: () => this.#gate.localActivity(),
      ...(options.pollMs ? { intervalMs: options.pollMs } : {}),
    });
    this.#gate.onChange((state) => {
      if (state === 'closed') this.#watcher.stop();
      else this.#watcher.start();
      this.#events.gate?.(state);
    });
  }

  get gateState(): GateState {
    return this.#gate.state;
  }

  get controller(): string | null {
    return this.#gate.controller;
  }

  get pendingRequest(): ControlRequest | null {
    return this.#pending;
  }

  get counts(): { injected: number; dropped: number } {
    return this.#input.counts;
  }

  /** The monitor now shared (input maps onto it); null when sharing stopped. */
  share(monitor: Monitor | null): void {
    this.#input.monitor = monitor?.bounds ?? null;
    if (monitor === null && this.#gate.controller !== null) this.takeBack();
  }

  /** One message from the relay. */
  handle(message: ServerMessage): void {
    if (this.#ended) return;
    switch (message.type) {
      case 'welcome':
        this.#me = message.participantId;
        this.#gate.relayController(message.session.controllerId);
        break;
      case 'patch':
        // Only what changed arrives; an absent controllerId means it stayed as it was.
        if (message.patch.set.controllerId !== undefined) this.#gate.relayController(message.patch.set.controllerId);
        break;
      case 'control-request':
        this.#pending = { from: message.from, fromName: message.fromName };
        this.#events.request?.(this.#pending);
        break;
      case 'input':
        this.#inject(message.from, message.event);
        break;
      case 'ended':
        this.end();
        break;
      default:
        break;
    }
  }

  /** The customer said yes to the pending request. */
  grant(): void {
    const request = this.#pending;
    if (!request || this.#ended) return;
    this.#pending = null;
    this.#gate.granted(request.from);
    this.#send({ type: 'control-grant', participantId: request.from });
  }

  /** The customer said no. */
  decline(): void {
    this.#pending = null;
  }

  /** Take back control: nothing more is injected from now on, and the relay is told. */
  takeBack(): void {
    this.#gate.takeBack();
    this.#send({ type: 'control-revoke' });
  }

  /** The session ended or the app closes: stop watching, release everything. */
  end(): void {
    this.#ended = true;
    this.#gate.takeBack();
    this.#watcher.stop();
    this.#input.releaseAll();
  }

  get me(): string | null {
    return this.#me;
  }

  #inject(from: string, event: InputEvent): void {
    this.#input.handle(from, event);
  }
}
