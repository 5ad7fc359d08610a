// Input injection on an X11 display through the XTEST extension (FakeInput), over the pure-JavaScript
// `x11` protocol client: no native code. The same connection answers the device probe, so a probe's
// answer reflects every input this class injected before it (X processes one client's requests in order).
import x11, { type XClient, type XDisplay, type XTestExtension } from 'x11';
import { KeyMap } from './KeyMap.ts';
import type { DeviceProbe, InputSink, XButton } from './types.ts';

const connect = (display: string | undefined) =>
  new Promise<XDisplay>((resolve, reject) => {
    const client = x11.createClient(display ? { display } : {}, (err, d) => (err ? reject(err) : resolve(d)));
    client.on('error', reject);
  });

const call = <T>(fn: (cb: (err: Error | null, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

export class XTestInput implements InputSink, DeviceProbe {
  readonly #client: XClient;
  readonly #xtest: XTestExtension;
  readonly #root: number;
  readonly #keys: KeyMap;
  readonly #size: { width: number; height: number };
  #closed = false;
  readonly #gone: Promise<void>;

  private constructor(display: XDisplay, xtest: XTestExtension, keys: KeyMap) {
    this.#client = display.client;
    // The display went away (X server stopped): nothing to flush any more.
    this.#gone = new Promise((resolve) => {
      this.#client.once('end', () => resolve());
      this.#client.on('error', () => resolve());
    });
    this.#xtest = xtest;
    this.#root = display.screen[0]!.root;
    this.#size = { width: display.screen[0]!.pixel_width, height: display.screen[0]!.pixel_height };
    this.#keys = keys;
  }

  /** Connects to the X display (`DISPLAY` when not given) and reads its keyboard mapping. */
  static async open(display?: string): Promise<XTestInput> {
    const d = await connect(display);
    const xtest = await call<XTestExtension>((cb) => d.client.require('xtest', cb));
    const rows = await call<number[][]>((cb) =>
      d.client.GetKeyboardMapping(d.min_keycode, d.max_keycode - d.min_keycode + 1, cb),
    );
    return new XTestInput(d, xtest, new KeyMap(rows, d.min_keycode));
  }

  /** The root window's size: the whole X desktop, every monitor. */
  get desktop(): { width: number; height: number } {
    return { ...this.#size };
  }

  move(x: number, y: number): void {
    if (this.#closed) return;
    this.#xtest.FakeInput(this.#xtest.MotionNotify, 0, 0, this.#root, Math.round(x), Math.round(y));
  }

  button(button: XButton, down: boolean): void {
    if (this.#closed) return;
    this.#xtest.FakeInput(down ? this.#xtest.ButtonPress : this.#xtest.ButtonRelease, button, 0, this.#root, 0, 0);
  }

  key(code: string, down: boolean): boolean {
    const keycode = this.#keys.keycodeOf(code);
    if (keycode === null || this.#closed) return false;
    this.#xtest.FakeInput(down ? this.#xtest.KeyPress : this.#xtest.KeyRelease, keycode, 0, this.#root, 0, 0);
    return true;
  }

  keycodeOf(code: string): number | null {
    return this.#keys.keycodeOf(code);
  }

  async pointer(): Promise<{ x: number; y: number }> {
    const p = await call<{ rootX: number; rootY: number }>((cb) => this.#client.QueryPointer(this.#root, cb));
    return { x: p.rootX, y: p.rootY };
  }

  async keysDown(): Promise<Set<number>> {
    const bits = await call<Buffer | number[]>((cb) => this.#client.QueryKeymap(cb));
    const down = new Set<number>();
    for (let byte = 0; byte < 32; byte++) {
      const v = bits[byte] ?? 0;
      for (let bit = 0; bit < 8; bit++) if (v & (1 << bit)) down.add(byte * 8 + bit);
    }
    return down;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A round trip first, so every injected event reached the server before the socket closes.
    await Promise.race([this.pointer().catch(() => {}), this.#gone]);
    this.#client.terminate();
  }
}
