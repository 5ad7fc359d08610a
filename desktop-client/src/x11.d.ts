// The parts of the `x11` package (a pure-JavaScript X11 protocol client) this app uses.
declare module 'x11' {
  import type { EventEmitter } from 'node:events';

  type Callback<T> = (err: Error | null, value: T) => void;

  export interface XScreen {
    root: number;
    white_pixel: number;
    black_pixel: number;
    pixel_width: number;
    pixel_height: number;
    root_depth: number;
  }

  export interface XEvent {
    name: string;
    type: number;
    wid?: number;
    x?: number;
    y?: number;
    rootx?: number;
    rooty?: number;
    keycode?: number;
    buttons?: number;
    state?: number;
    time?: number;
  }

  export interface XTestExtension {
    KeyPress: number;
    KeyRelease: number;
    ButtonPress: number;
    ButtonRelease: number;
    MotionNotify: number;
    FakeInput(type: number, detail: number, time: number, window: number, x: number, y: number): void;
  }

  export interface XineramaExtension {
    QueryScreens(cb: Callback<{ x: number; y: number; width: number; height: number }[]>): void;
  }

  export interface XClient extends EventEmitter {
    AllocID(): number;
    CreateWindow(
      wid: number,
      parent: number,
      x: number,
      y: number,
      width: number,
      height: number,
      borderWidth: number,
      depth: number,
      klass: number,
      visual: number,
      values: Record<string, number>,
    ): void;
    MapWindow(wid: number): void;
    DestroyWindow(wid: number): void;
    SetInputFocus(wid: number, revertTo: number, time?: number): void;
    QueryPointer(
      wid: number,
      cb: Callback<{ rootX: number; rootY: number; childX: number; childY: number; keyMask: number }>,
    ): void;
    QueryKeymap(cb: Callback<Buffer | number[]>): void;
    GetKeyboardMapping(first: number, count: number, cb: Callback<number[][]>): void;
    GetGeometry(wid: number, cb: Callback<{ xPos: number; yPos: number; width: number; height: number }>): void;
    TranslateCoordinates(
      src: number,
      dst: number,
      x: number,
      y: number,
      cb: Callback<{ destX: number; destY: number; child: number }>,
    ): void;
    InternAtom(onlyIfExists: boolean, name: string, cb: Callback<number>): void;
    ChangeProperty(
      mode: number,
      wid: number,
      property: number,
      type: number,
      format: number,
      data: string | Buffer,
    ): void;
    require(ext: 'xtest', cb: Callback<XTestExtension>): void;
    require(ext: 'xinerama', cb: Callback<XineramaExtension>): void;
    terminate(): void;
    close(cb?: () => void): void;
  }

  export interface XDisplay {
    client: XClient;
    screen: XScreen[];
    min_keycode: number;
    max_keycode: number;
  }

  export function createClient(options: { display?: string }, cb: Callback<XDisplay>): XClient;
  export const eventMask: Record<string, number>;
  const x11: { createClient: typeof createClient; eventMask: typeof eventMask };
  export default x11;
}
