import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyMap } from '../src/KeyMap.ts';

// A few rows of a US keyboard mapping as an X server answers GetKeyboardMapping (first keycode 8).
const rows: number[][] = Array.from({ length: 248 }, () => [0, 0]);
const at = (keycode: number, ...syms: number[]) => (rows[keycode - 8] = syms);
at(38, 0x61, 0x41); // a A
at(10, 0x31, 0x21); // 1 !
at(59, 0x2c, 0x3c); // , <
at(94, 0x3c, 0x3e); // < >  (the ISO key)
at(36, 0xff0d); // Return
at(50, 0xffe1); // Shift_L
at(113, 0xff51); // Left

test('physical codes map through keysyms to this keyboard’s keycodes', () => {
  const map = new KeyMap(rows, 8);
  assert.equal(map.keycodeOf('KeyA'), 38);
  assert.equal(map.keycodeOf('Digit1'), 10);
  assert.equal(map.keycodeOf('Comma'), 59);
  assert.equal(map.keycodeOf('Enter'), 36);
  assert.equal(map.keycodeOf('ShiftLeft'), 50);
  assert.equal(map.keycodeOf('ArrowLeft'), 113);
  assert.equal(map.keycodeOf('IntlBackslash'), 94, 'an unshifted meaning wins over a shifted one on a lower key');
  assert.equal(map.keycodeOf('KeyB'), null, 'not on this keyboard');
  assert.equal(map.keycodeOf('NoSuchKey'), null);
});

test('the table covers letters, digits, punctuation, modifiers and the editing keys', () => {
  const codes = new Set(KeyMap.codes);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') assert.ok(codes.has(`Key${c}`));
  for (let d = 0; d <= 9; d++) assert.ok(codes.has(`Digit${d}`));
  for (const c of [
    'Minus',
    'Equal',
    'BracketLeft',
    'BracketRight',
    'Backslash',
    'Semicolon',
    'Quote',
    'Backquote',
    'Comma',
    'Period',
    'Slash',
    'Space',
    'Enter',
    'Backspace',
    'Tab',
    'Escape',
    'Delete',
    'ArrowLeft',
    'ArrowRight',
    'ArrowUp',
    'ArrowDown',
    'ShiftLeft',
    'ShiftRight',
    'ControlLeft',
    'ControlRight',
    'AltLeft',
    'AltRight',
    'MetaLeft',
    'MetaRight',
    'Home',
    'End',
    'PageUp',
    'PageDown',
  ])
    assert.ok(codes.has(c), c);
  assert.equal(KeyMap.keysymOf('Quote'), 0x27);
  assert.equal(KeyMap.keysymOf('Backspace'), 0xff08);
});
