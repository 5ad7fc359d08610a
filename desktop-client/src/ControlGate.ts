// The app's own check before any input is injected: the relay already drops input without a grant,
// and this gate asks again (who holds control now, per the relay's latest state and the customer's
// own decisions), and holds remote input back for a while after the customer used their own mouse or
// keyboard. Revoking closes it at once, before the relay even confirms.
import type { Clock } from './types.ts';

export interface ControlGateOptions {
  clock: Clock;
  /** How long local mouse or keyboard activity holds remote input back. */
  suspendMs: number;
}

export type GateState = 'closed' | 'open' | 'suspended';

export class ControlGate {
  readonly #clock: Clock;
  readonly #suspendMs: number;
  /** The participant the relay says holds control (null: nobody). */
  #controller: string | null = null;
  /** Set by the customer's "take back control"; cleared by their next grant. */
  #takenBack = false;
  #suspendedUntil = 0;
  readonly #listeners = new Set<(state: GateState) => void>();

  constructor({ clock, suspendMs }: ControlGateOptions) {
    this.#clock = clock;
    this.#suspendMs = suspendMs;
  }

  get controller(): string | null {
    return this.#takenBack ? null : this.#controller;
  }

  get state(): GateState {
    if (this.controller === null) return 'closed';
    return this.#clock.now() < this.#suspendedUntil ? 'suspended' : 'open';
  }

  /** Whether input from this participant may be injected now. */
  allows(from: string): boolean {
    return this.state === 'open' && this.controller === from;
  }

  /** The customer granted control (sent to the relay as well). */
  granted(participantId: string): void {
    this.#takenBack = false;
    this.#controller = participantId;
    this.#emit();
  }

  /** The relay's view of who controls, from every `welcome`/`state`. */
  relayController(controllerId: string | null): void {
    if (controllerId === this.#controller) return;
    this.#controller = controllerId;
    if (controllerId === null) this.#takenBack = false;
    this.#emit();
  }

  /** The customer took control back: closed now, whatever the relay says until it agrees. */
  takeBack(): void {
    this.#takenBack = true;
    this.#emit();
  }

  /** The customer used their own mouse or keyboard. */
  localActivity(): void {
    const wasOpen = this.state === 'open';
    this.#suspendedUntil = this.#clock.now() + this.#suspendMs;
    if (wasOpen) this.#emit();
  }

  onChange(listener: (state: GateState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    const state = this.state;
    for (const l of this.#listeners) l(state);
  }
}
