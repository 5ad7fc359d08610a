// Where the visible-screen border and the control bar go on the shared monitor, and in which colour:
// yellow while the screen is visible, red while the agent controls it, nothing while paused or idle.
import type { Rect } from './types.ts';

export type BorderMode = 'hidden' | 'visible' | 'controlled' | 'paused';

export const BORDER_COLORS = { visible: '#f5c400', controlled: '#e0201b' } as const;

export interface BorderLayout {
  color: string;
  /** Four click-through strips along the monitor's edges (top, bottom, left, right). */
  edges: [Rect, Rect, Rect, Rect];
  /** The small always-on-top bar (Stop sharing, Take back control, Leave), top centre. */
  bar: Rect;
  /** Buttons the bar shows. */
  actions: ('pause' | 'resume' | 'stop' | 'take-back' | 'leave')[];
}

export class Border {
  readonly #thickness: number;
  readonly #bar: { width: number; height: number };

  constructor({
    thickness = 4,
    bar = { width: 420, height: 40 },
  }: { thickness?: number; bar?: { width: number; height: number } } = {}) {
    this.#thickness = thickness;
    this.#bar = bar;
  }

  /** The layout on monitor `m` for `mode`; null when nothing is to be drawn (hidden). */
  layout(m: Rect, mode: BorderMode): BorderLayout | null {
    if (mode === 'hidden') return null;
    const t = Math.min(this.#thickness, Math.floor(Math.min(m.width, m.height) / 4));
    const edges: BorderLayout['edges'] = [
      { x: m.x, y: m.y, width: m.width, height: t },
      { x: m.x, y: m.y + m.height - t, width: m.width, height: t },
      { x: m.x, y: m.y + t, width: t, height: m.height - 2 * t },
      { x: m.x + m.width - t, y: m.y + t, width: t, height: m.height - 2 * t },
    ];
    const width = Math.min(this.#bar.width, m.width - 2 * t);
    const bar = { x: m.x + Math.floor((m.width - width) / 2), y: m.y + t, width, height: this.#bar.height };
    const actions: BorderLayout['actions'] = [mode === 'paused' ? 'resume' : 'pause', 'stop'];
    if (mode === 'controlled') actions.push('take-back');
    actions.push('leave');
    // Paused: the screen is not visible, but the bar stays so the customer can resume or leave.
    return { color: mode === 'controlled' ? BORDER_COLORS.controlled : BORDER_COLORS.visible, edges, bar, actions };
  }
}
