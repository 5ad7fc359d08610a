// Turns the agent's input events (from the relay's `input` messages) into injected input on the
// shared monitor: coordinates are fractions of that monitor, keys are physical codes. Every event
// passes the control gate first; when the gate closes or suspends, whatever remote input holds down
// (keys, buttons) is released at once so nothing stays stuck.
import type { InputEvent } from '@sightline/relay-service/protocol';
import type { ControlGate } from './ControlGate.ts';
import type { InjectedState } from './LocalActivityWatcher.ts';
import { MODIFIER_CODES } from './KeyMap.ts';
import type { InputSink, Rect, XButton } from './types.ts';

/** MouseEvent.button (0 main, 1 middle, 2 secondary, 3 back, 4 forward) to X buttons. */
const BUTTONS: readonly XButton[] = [1, 2, 3, 8, 9];
/** Pixels of wheel delta per X wheel click (a browser line is ~100 px with deltaMode pixels). */
const WHEEL_STEP = 100;
const MAX_WHEEL_CLICKS = 10;
const MODIFIER_KEYS = new Set<string>([
  'ShiftLeft',
  'ShiftRight',
  'ControlLeft',
  'ControlRight',
  'AltLeft',
  'AltRight',
  'MetaLeft',
  'MetaRight',
]);

export interface RemoteInputOptions {
  sink: InputSink;
  gate: ControlGate;
  /** The keycode of a code, for the activity watcher's comparison. */
  keycodeOf: (code: string) => number | null;
}

export class RemoteInput {
  readonly #sink: InputSink;
  readonly #gate: ControlGate;
  readonly #keycodeOf: (code: string) => number | null;
  #monitor: Rect | null = null;
  #pointer: { x: number; y: number } | null = null;
  readonly #keys = new Set<string>();
  readonly #buttons = new Set<XButton>();
  #injected = 0;
  #dropped = 0;

  constructor({ sink, gate, keycodeOf }: RemoteInputOptions) {
    this.#sink = sink;
    this.#gate = gate;
    this.#keycodeOf = keycodeOf;
    gate.onChange((state) => {
      if (state !== 'open') this.releaseAll();
    });
  }

  /** The monitor being shared (its rectangle on the desktop); null while nothing is shared. */
  set monitor(bounds: Rect | null) {
    if (bounds === null) this.releaseAll();
    this.#monitor = bounds ? { ...bounds } : null;
  }

  get counts(): { injected: number; dropped: number } {
    return { injected: this.#injected, dropped: this.#dropped };
  }

  /** What remote input did, as the local-activity watcher compares it. */
  injected(): InjectedState {
    const keys = new Set<number>();
    for (const code of this.#keys) {
      const k = this.#keycodeOf(code);
      if (k !== null) keys.add(k);
    }
    return { pointer: this.#pointer ? { ...this.#pointer } : null, keys };
  }

  /** One `input` message from the relay. False when it was not injected (no grant, suspended, nothing shared). */
  handle(from: string, event: InputEvent): boolean {
    if (!this.#gate.allows(from) || this.#monitor === null) {
      this.#dropped++;
      return false;
    }
    this.#injected++;
    if (event.kind === 'pointer') this.#pointerEvent(event, this.#monitor);
    else this.#keyEvent(event);
    return true;
  }

  /** Releases every key and button remote input holds. */
  releaseAll(): void {
    for (const code of this.#keys) this.#sink.key(code, false);
    this.#keys.clear();
    for (const b of this.#buttons) this.#sink.button(b, false);
    this.#buttons.clear();
  }

  #pointerEvent(event: Extract<InputEvent, { kind: 'pointer' }>, m: Rect): void {
    const x = m.x + Math.min(m.width - 1, Math.floor(event.x * m.width));
    const y = m.y + Math.min(m.height - 1, Math.floor(event.y * m.height));
    if (this.#pointer?.x !== x || this.#pointer?.y !== y) {
      this.#sink.move(x, y);
      this.#pointer = { x, y };
    }
    if (event.action === 'down' || event.action === 'up') {
      const button = BUTTONS[event.button ?? 0] ?? 1;
      const down = event.action === 'down';
      if (down === this.#buttons.has(button)) return;
      this.#sink.button(button, down);
      if (down) this.#buttons.add(button);
      else this.#buttons.delete(button);
    } else if (event.action === 'wheel' && event.deltaY) {
      const button: XButton = event.deltaY > 0 ? 5 : 4;
      const clicks = Math.min(MAX_WHEEL_CLICKS, Math.max(1, Math.round(Math.abs(event.deltaY) / WHEEL_STEP)));
      for (let i = 0; i < clicks; i++) {
        this.#sink.button(button, true);
        this.#sink.button(button, false);
      }
    }
  }

  #keyEvent(event: Extract<InputEvent, { kind: 'key' }>): void {
    if (event.action === 'down' && !MODIFIER_KEYS.has(event.code)) this.#syncModifiers(event.modifiers);
    const down = event.action === 'down';
    if (!down && !this.#keys.has(event.code)) return; // never release what remote input did not press
    if (!this.#sink.key(event.code, down)) return;
    if (down) this.#keys.add(event.code);
    else this.#keys.delete(event.code);
  }

  /** The modifiers the agent holds, as the event says: a lost modifier event cannot leave one stuck. */
  #syncModifiers(wanted: readonly (keyof typeof MODIFIER_CODES)[]): void {
    for (const [name, left] of Object.entries(MODIFIER_CODES) as [keyof typeof MODIFIER_CODES, string][]) {
      const right = left.replace('Left', 'Right');
      const held = [left, right].filter((c) => this.#keys.has(c));
      if (wanted.includes(name) && held.length === 0) {
        if (this.#sink.key(left, true)) this.#keys.add(left);
      } else if (!wanted.includes(name)) {
        for (const c of held) {
          this.#sink.key(c, false);
          this.#keys.delete(c);
        }
      }
    }
  }
}
