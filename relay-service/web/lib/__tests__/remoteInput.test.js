import { inputEventSchema } from '../../../src/protocol/messages.ts';
import { keyInput, pointerInput } from '../remoteInput.js';

const rect = { left: 100, top: 50, width: 640, height: 400 };

describe('remoteInput', () => {
  it('turns mouse positions into fractions of the picture, clamped, valid for the protocol', () => {
    const down = pointerInput('down', { clientX: 260, clientY: 150, button: 2 }, rect);
    expect(down).toEqual({ kind: 'pointer', action: 'down', x: 0.25, y: 0.25, button: 2 });
    expect(pointerInput('move', { clientX: 0, clientY: 9999 }, rect)).toEqual({
      kind: 'pointer',
      action: 'move',
      x: 0,
      y: 1,
    });
    const wheel = pointerInput('wheel', { clientX: 420, clientY: 250, deltaY: 120.4 }, rect);
    expect(wheel.deltaY).toBe(120);
    for (const e of [down, wheel]) expect(inputEventSchema.safeParse(e).success).toBe(true);
    expect(pointerInput('move', { clientX: 1, clientY: 1 }, { left: 0, top: 0, width: 0, height: 0 })).toBeNull();
  });

  it('sends physical codes with the modifiers held', () => {
    const event = new KeyboardEvent('keydown', { code: 'Digit1', key: '!', shiftKey: true, ctrlKey: true });
    const input = keyInput('down', event);
    expect(input).toEqual({ kind: 'key', action: 'down', key: '!', code: 'Digit1', modifiers: ['Control', 'Shift'] });
    expect(inputEventSchema.safeParse(input).success).toBe(true);
    expect(keyInput('down', new KeyboardEvent('keydown', { key: 'a' }))).toBeNull();
  });
});
