// The agent's mouse and keyboard over the customer's picture, as protocol input events: pointer
// positions as fractions of the picture, keys as physical codes (KeyboardEvent.code) with the
// modifiers held, so the customer's keyboard layout decides the character.

const MODIFIERS = /** @type {const} */ (['Alt', 'Control', 'Meta', 'Shift']);
/** Pointer moves sent at most this often (the relay allows 200 messages/s per participant). */
export const MOVE_INTERVAL_MS = 20;

const clamp = (v) => Math.min(1, Math.max(0, v));

/**
 * @param {'move' | 'down' | 'up' | 'wheel'} action
 * @param {{clientX: number, clientY: number, button?: number, deltaY?: number}} event
 * @param {{left: number, top: number, width: number, height: number}} rect the picture on screen
 */
export function pointerInput(action, event, rect) {
  if (!rect.width || !rect.height) return null;
  const input = {
    kind: 'pointer',
    action,
    x: clamp((event.clientX - rect.left) / rect.width),
    y: clamp((event.clientY - rect.top) / rect.height),
  };
  if (action === 'down' || action === 'up') input.button = Math.min(4, Math.max(0, event.button ?? 0));
  if (action === 'wheel') input.deltaY = Math.max(-10000, Math.min(10000, Math.round(event.deltaY ?? 0)));
  return input;
}

/**
 * @param {'down' | 'up'} action
 * @param {KeyboardEvent} event
 */
export function keyInput(action, event) {
  if (!event.code) return null; // a composed or synthetic key without a physical key
  return {
    kind: 'key',
    action,
    key: (event.key || event.code).slice(0, 32),
    code: event.code.slice(0, 32),
    modifiers: MODIFIERS.filter((m) => event.getModifierState(m)),
  };
}
