// The monitors the customer picks from: Electron's displays joined with desktopCapturer's screen
// sources (which carry the thumbnails), in physical pixels (what input injection and the border use).
import type { Monitor, Rect } from './types.ts';

/** What Electron's `screen.getAllDisplays()` reports of a display (bounds in DIP). */
export interface DisplayInfo {
  id: number;
  label: string;
  bounds: Rect;
  scaleFactor: number;
  primary: boolean;
}

/** What `desktopCapturer.getSources({ types: ['screen'] })` reports of a screen. */
export interface ScreenSourceInfo {
  /** The capturer's source id (`screen:N:0`), which the renderer's getUserMedia asks for. */
  id: string;
  name: string;
  /** The Electron display id, as a string ('' when the platform cannot tell). */
  displayId: string;
  thumbnail: string;
}

export interface MonitorChoice extends Monitor {
  sourceId: string;
  thumbnail: string;
  primary: boolean;
}

export class MonitorChooser {
  /**
   * One choice per display that has a capture source, primary first. On Linux X11 Electron's DIP
   * bounds times the scale factor are X root pixels.
   */
  static choices(displays: readonly DisplayInfo[], sources: readonly ScreenSourceInfo[]): MonitorChoice[] {
    const out: MonitorChoice[] = [];
    displays.forEach((d, i) => {
      // Without display ids (some Linux setups) sources come in the displays' order.
      const source =
        sources.find((s) => s.displayId === String(d.id)) ??
        (sources.every((s) => !s.displayId) ? sources[i] : undefined);
      if (!source) return;
      const f = d.scaleFactor;
      out.push({
        id: String(d.id),
        label: d.label || `Screen ${i + 1}`,
        bounds: {
          x: Math.round(d.bounds.x * f),
          y: Math.round(d.bounds.y * f),
          width: Math.round(d.bounds.width * f),
          height: Math.round(d.bounds.height * f),
        },
        sourceId: source.id,
        thumbnail: source.thumbnail,
        primary: d.primary,
      });
    });
    return out.toSorted((a, b) => Number(b.primary) - Number(a.primary));
  }
}
