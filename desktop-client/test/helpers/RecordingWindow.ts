// A small X client window on the customer's display that records the input it receives, as any
// application would: button presses with root and window coordinates, key presses with modifiers.
import x11, { type XClient, type XDisplay, type XEvent } from 'x11';
import type { Rect } from '../../src/types.ts';

export interface Recorded {
  name: 'ButtonPress' | 'ButtonRelease' | 'KeyPress' | 'KeyRelease' | 'MotionNotify';
  button?: number;
  keycode?: number;
  /** X modifier state: 1 Shift, 4 Control, 8 Mod1 (Alt). */
  state: number;
  rootX: number;
  rootY: number;
  x: number;
  y: number;
}

const NAMES = new Set(['ButtonPress', 'ButtonRelease', 'KeyPress', 'KeyRelease', 'MotionNotify']);

export class RecordingWindow {
  readonly events: Recorded[] = [];
  readonly bounds: Rect;
  readonly #client: XClient;
  readonly #wid: number;
  #waiters: (() => void)[] = [];

  private constructor(client: XClient, wid: number, bounds: Rect) {
    this.#client = client;
    this.#wid = wid;
    this.bounds = bounds;
  }

  /** @param background the window's colour as 0xRRGGBB (a 24-bit TrueColor screen takes it as the pixel) */
  static async open(display: string, bounds: Rect, background?: number): Promise<RecordingWindow> {
    const d = await new Promise<XDisplay>((resolve, reject) =>
      x11.createClient({ display }, (err, v) => (err ? reject(err) : resolve(v))).on('error', reject),
    );
    const X = d.client;
    const screen = d.screen[0]!;
    const wid = X.AllocID();
    const m = x11.eventMask;
    X.CreateWindow(wid, screen.root, bounds.x, bounds.y, bounds.width, bounds.height, 0, 0, 0, 0, {
      backgroundPixel: background ?? screen.white_pixel,
      overrideRedirect: 1,
      eventMask: m.ButtonPress! | m.ButtonRelease! | m.KeyPress! | m.KeyRelease! | m.PointerMotion! | m.Exposure!,
    });
    const win = new RecordingWindow(X, wid, bounds);
    const mapped = new Promise<void>((resolve) => {
      X.on('event', (ev: XEvent) => {
        if (ev.name === 'Expose') resolve();
        if (!NAMES.has(ev.name) || ev.wid !== wid) return;
        win.events.push({
          name: ev.name as Recorded['name'],
          ...(ev.name.startsWith('Button') ? { button: ev.keycode! } : {}),
          ...(ev.name.startsWith('Key') ? { keycode: ev.keycode! } : {}),
          state: ev.buttons ?? 0,
          rootX: ev.rootx!,
          rootY: ev.rooty!,
          x: ev.x!,
          y: ev.y!,
        });
        for (const w of win.#waiters) w();
      });
    });
    X.MapWindow(wid);
    await mapped;
    X.SetInputFocus(wid, 1, 0);
    return win;
  }

  of(name: Recorded['name']): Recorded[] {
    return this.events.filter((e) => e.name === name);
  }

  /** Waits until `count` events of this kind were recorded. */
  async waitFor(name: Recorded['name'], count: number, timeoutMs = 5000): Promise<Recorded[]> {
    const done = () => this.of(name).length >= count;
    if (!done()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${this.of(name).length} of ${count} ${name}`)), timeoutMs);
        const w = () => {
          if (!done()) return;
          clearTimeout(timer);
          this.#waiters = this.#waiters.filter((x) => x !== w);
          resolve();
        };
        this.#waiters.push(w);
      });
    }
    return this.of(name);
  }

  /** A round trip to the server: every event sent to this window before it has been received. */
  async sync(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.#client.QueryPointer(this.#wid, (err) => (err ? reject(err) : resolve())),
    );
  }

  close(): void {
    this.#client.terminate();
  }
}
