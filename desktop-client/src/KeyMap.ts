// Physical keys (KeyboardEvent.code, as the agent's console sends them) to X keysyms, and keysyms to
// this keyboard's keycodes (read from the server's keyboard mapping, so any layout works).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The x11 package's keysym table: name -> { code }. */
const KEYSYMS = require('x11/lib/keysyms') as Record<string, { code: number } | undefined>;

const sym = (name: string): number => {
  const entry = KEYSYMS[name];
  if (!entry) throw new Error(`unknown keysym ${name}`);
  return entry.code;
};

function codeTable(): Map<string, number> {
  const t = new Map<string, number>();
  for (let c = 65; c <= 90; c++) t.set(`Key${String.fromCharCode(c)}`, sym(`XK_${String.fromCharCode(c + 32)}`));
  for (let d = 0; d <= 9; d++) t.set(`Digit${d}`, sym(`XK_${d}`));
  for (let f = 1; f <= 12; f++) t.set(`F${f}`, sym(`XK_F${f}`));
  const named: Record<string, string> = {
    Minus: 'minus',
    Equal: 'equal',
    BracketLeft: 'bracketleft',
    BracketRight: 'bracketright',
    Backslash: 'backslash',
    Semicolon: 'semicolon',
    Quote: 'apostrophe',
    Backquote: 'grave',
    Comma: 'comma',
    Period: 'period',
    Slash: 'slash',
    IntlBackslash: 'less',
    Space: 'space',
    Enter: 'Return',
    NumpadEnter: 'KP_Enter',
    Backspace: 'BackSpace',
    Tab: 'Tab',
    Escape: 'Escape',
    Delete: 'Delete',
    Insert: 'Insert',
    Home: 'Home',
    End: 'End',
    PageUp: 'Prior',
    PageDown: 'Next',
    ArrowLeft: 'Left',
    ArrowRight: 'Right',
    ArrowUp: 'Up',
    ArrowDown: 'Down',
    CapsLock: 'Caps_Lock',
    ShiftLeft: 'Shift_L',
    ShiftRight: 'Shift_R',
    ControlLeft: 'Control_L',
    ControlRight: 'Control_R',
    AltLeft: 'Alt_L',
    AltRight: 'Alt_R',
    MetaLeft: 'Super_L',
    MetaRight: 'Super_R',
  };
  for (const [code, name] of Object.entries(named)) t.set(code, sym(`XK_${name}`));
  return t;
}

/** KeyboardEvent.code of the left-hand key of each modifier the protocol names. */
export const MODIFIER_CODES = {
  Shift: 'ShiftLeft',
  Control: 'ControlLeft',
  Alt: 'AltLeft',
  Meta: 'MetaLeft',
} as const;

export class KeyMap {
  static readonly #codes = codeTable();
  readonly #keycodes = new Map<number, number>();

  /**
   * @param rows the server's GetKeyboardMapping answer: one row of keysyms per keycode
   * @param minKeycode the keycode of the first row
   */
  constructor(rows: readonly (readonly number[])[], minKeycode: number) {
    // A row's first keysym is the key's unshifted meaning, the second its shifted one; unshifted
    // meanings win, then the lowest keycode.
    for (const column of [0, 1]) {
      rows.forEach((row, i) => {
        const keysym = row[column];
        if (keysym && !this.#keycodes.has(keysym)) this.#keycodes.set(keysym, minKeycode + i);
      });
    }
  }

  static keysymOf(code: string): number | null {
    return KeyMap.#codes.get(code) ?? null;
  }

  static get codes(): string[] {
    return [...KeyMap.#codes.keys()];
  }

  keycodeOf(code: string): number | null {
    const keysym = KeyMap.keysymOf(code);
    return keysym === null ? null : (this.#keycodes.get(keysym) ?? null);
  }
}
