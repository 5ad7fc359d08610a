import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeFrameHeader,
  encodeFrame,
  framePayload,
  FrameFormatError,
  FRAME_HEADER_BYTES,
} from '../src/protocol/index.ts';

test('frame header round-trips and leaves the payload untouched', () => {
  const payload = new Uint8Array([1, 2, 3, 250]);
  const frame = encodeFrame(
    { stream: 3, sequence: 0xfffffffe, captureTimeMs: 1763700000123.5, keyframe: true },
    payload,
  );
  assert.equal(frame.byteLength, FRAME_HEADER_BYTES + 4);
  assert.deepEqual(decodeFrameHeader(frame), {
    stream: 3,
    sequence: 0xfffffffe,
    captureTimeMs: 1763700000123.5,
    keyframe: true,
  });
  assert.deepEqual([...framePayload(frame)], [1, 2, 3, 250]);
});

test('short, wrong-version and non-finite frames are rejected with a reason', () => {
  assert.throws(() => decodeFrameHeader(new Uint8Array(5)), FrameFormatError);
  const bad = encodeFrame({ stream: 0, sequence: 1, captureTimeMs: 1, keyframe: false }, new Uint8Array(1));
  bad[0] = 9;
  assert.throws(() => decodeFrameHeader(bad), /version 9/);
  const nan = encodeFrame({ stream: 0, sequence: 1, captureTimeMs: Number.NaN, keyframe: false }, new Uint8Array(1));
  assert.throws(() => decodeFrameHeader(nan), /finite/);
});
