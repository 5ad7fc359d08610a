// The small interfaces between the desktop app's decisions and the platform (Electron, X11).

/** A rectangle in the desktop's physical pixels (X11 root coordinates on Linux). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One monitor the customer can share. */
export interface Monitor {
  /** Electron's display id (a string, as desktopCapturer's `display_id`). */
  id: string;
  label: string;
  bounds: Rect;
}

/** Where the monitors come from: Electron's `screen` in the app, Xinerama on a bare X display. */
export interface ScreenSources {
  monitors(): Promise<Monitor[]>;
}

/** Mouse buttons as X numbers them: 1 left, 2 middle, 3 right, 4/5 wheel, 8/9 back/forward. */
export type XButton = 1 | 2 | 3 | 4 | 5 | 8 | 9;

/** Where remote input goes: the platform's injection mechanism (XTest on X11). */
export interface InputSink {
  move(x: number, y: number): void;
  button(button: XButton, down: boolean): void;
  /** A physical key by KeyboardEvent.code; false when this keyboard has no such key. */
  key(code: string, down: boolean): boolean;
  close(): Promise<void>;
}

/** What the local devices are doing, to notice the customer using their own mouse or keyboard. */
export interface DeviceProbe {
  /** Pointer position now (answers reflect every input injected before the call). */
  pointer(): Promise<{ x: number; y: number }>;
  /** Keycodes held down now. */
  keysDown(): Promise<Set<number>>;
  /** The keycode a KeyboardEvent.code maps to on this keyboard. */
  keycodeOf(code: string): number | null;
}

export interface Clock {
  now(): number;
}
