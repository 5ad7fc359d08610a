import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NumberRing } from '../src/routing/NumberRing.ts';

const rows = (ring: NumberRing, columns: number) =>
  Array.from({ length: ring.length }, (_, r) => Array.from({ length: columns }, (_, c) => ring.get(r, c)));

test('rows come out oldest first, each column as written', () => {
  const ring = new NumberRing(3, 4);
  ring.push(1, 10, 100);
  ring.push(2, 20, 200);
  assert.deepEqual(rows(ring, 3), [
    [1, 10, 100],
    [2, 20, 200],
  ]);
  ring.drop();
  assert.deepEqual(rows(ring, 3), [[2, 20, 200]]);
});

test('rows wrap around the end of the ring and survive growing while wrapped', () => {
  const ring = new NumberRing(2, 4);
  for (let i = 0; i < 3; i++) ring.push(i, -i);
  ring.drop(2); // head at row 2 of 4
  for (let i = 3; i < 6; i++) ring.push(i, -i); // rows 3, 0, 1: wrapped
  assert.deepEqual(
    rows(ring, 2),
    [2, 3, 4, 5].map((i) => [i, -i]),
  );
  for (let i = 6; i < 12; i++) ring.push(i, -i); // past 4 rows: grows twice, wrapped rows in order
  assert.deepEqual(
    rows(ring, 2),
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => [i, -i]),
  );
});

test('dropping more than it holds empties it, and it fills again from the start', () => {
  const ring = new NumberRing(4, 2);
  ring.push(1, 2, 3, 4);
  ring.drop(5);
  assert.equal(ring.length, 0);
  ring.push(5, 6, 7, 8);
  ring.clear();
  assert.equal(ring.length, 0);
  ring.push(9);
  assert.deepEqual(rows(ring, 4), [[9, 0, 0, 0]]);
});

test('uint32 sequences and millisecond clock readings are kept exactly', () => {
  const ring = new NumberRing(2);
  ring.push(0xffffffff, 1234567.890625);
  assert.deepEqual(rows(ring, 2), [[0xffffffff, 1234567.890625]]);
});
