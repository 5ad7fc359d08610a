// The spill file: AES-256-GCM records read back in order, tampering detected, the file removed on delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { SpillFile, SpillFileError } from '../src/recording/SpillFile.ts';
import { recorderLimits } from './helpers/media.ts';

test('records come back in order; the file holds no plaintext and is private to the relay', async (t) => {
  const spill = await SpillFile.create(recorderLimits(t).spillDir);
  const parts = [randomBytes(1000), Buffer.alloc(5000, 0x41), randomBytes(10)];
  for (const p of parts) await spill.append(p);
  assert.equal(spill.size, 6010);
  const back: Buffer[] = [];
  for await (const r of spill.records()) back.push(r);
  assert.deepEqual(back, parts);
  assert.equal(readFileSync(spill.path).indexOf(Buffer.alloc(64, 0x41)), -1, 'no plaintext run on disk');
  assert.equal(statSync(spill.path).mode & 0o777, 0o600);
  await spill.delete();
  assert.ok(!existsSync(spill.path));
});

test('a changed byte or swapped records fail authentication instead of reading wrong media', async (t) => {
  const dir = recorderLimits(t).spillDir;
  const spill = await SpillFile.create(dir);
  await spill.append(randomBytes(300));
  await spill.append(randomBytes(300));
  const bytes = readFileSync(spill.path);
  const flipped = Buffer.from(bytes);
  flipped[100] = flipped[100]! ^ 1;
  writeFileSync(spill.path, flipped);
  await assert.rejects(async () => {
    for await (const _ of spill.records());
  }, SpillFileError);
  // Same-length records swapped: each one's index is part of its authentication.
  const half = bytes.byteLength / 2;
  writeFileSync(spill.path, Buffer.concat([bytes.subarray(half), bytes.subarray(0, half)]));
  await assert.rejects(async () => {
    for await (const _ of spill.records());
  }, /record 0 failed authentication/);
  await spill.delete();
});
