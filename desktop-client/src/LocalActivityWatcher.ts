// Notices the customer using their own mouse or keyboard while remote input is injected: it polls
// the device probe and compares with what the app itself injected before each poll. The pointer away
// from where remote input left it, or a key held that remote input did not press, is local activity.
// (Polling, because under X every injected event looks like a device event to other clients.)
import type { DeviceProbe } from './types.ts';

export interface InjectedState {
  /** Where injected input last put the pointer (null: nothing injected yet). */
  pointer: { x: number; y: number } | null;
  /** Keycodes injected input holds down. */
  keys: ReadonlySet<number>;
}

export interface LocalActivityWatcherOptions {
  probe: DeviceProbe;
  /** A snapshot of what was injected, taken when each poll is sent. */
  injected: () => InjectedState;
  onActivity: () => void;
  intervalMs?: number;
}

export class LocalActivityWatcher {
  readonly #probe: DeviceProbe;
  readonly #injected: () => InjectedState;
  readonly #onActivity: () => void;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #last: { x: number; y: number } | null = null;
  #polling = false;

  constructor({ probe, injected, onActivity, intervalMs = 50 }: LocalActivityWatcherOptions) {
    this.#probe = probe;
    this.#injected = injected;
    this.#onActivity = onActivity;
    this.#intervalMs = intervalMs;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.poll(), this.#intervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#last = null;
  }

  /** One comparison; true when local activity was seen. */
  async poll(): Promise<boolean> {
    if (this.#polling) return false;
    this.#polling = true;
    try {
      const expected = this.#injected();
      const heldByUs = new Set(expected.keys);
      const [pointer, keys] = await Promise.all([this.#probe.pointer(), this.#probe.keysDown()]);
      const reference = expected.pointer ?? this.#last;
      const moved =
        reference !== null &&
        (pointer.x !== reference.x || pointer.y !== reference.y) &&
        (this.#last === null || pointer.x !== this.#last.x || pointer.y !== this.#last.y);
      this.#last = pointer;
      const typed = [...keys].some((k) => !heldByUs.has(k));
      if (moved || typed) this.#onActivity();
      return moved || typed;
    } finally {
      this.#polling = false;
    }
  }
}
