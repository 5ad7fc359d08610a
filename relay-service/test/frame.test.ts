import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeAck,
  decodeFrameHeader,
  encodeAck,
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

test('the relay reads headers and acks into one object of its own, and gets the same fields', () => {
  const header = { stream: 0, sequence: 0, captureTimeMs: 0, keyframe: false };
  const a = encodeFrame(
    { stream: 7, sequence: 41, captureTimeMs: 1763700000999.25, keyframe: true },
    new Uint8Array(3),
  );
  const b = encodeFrame({ stream: 2, sequence: 0xffffffff, captureTimeMs: 5, keyframe: false }, new Uint8Array(3));
  assert.equal(decodeFrameHeader(a, header), header);
  assert.deepEqual(header, { stream: 7, sequence: 41, captureTimeMs: 1763700000999.25, keyframe: true });
  decodeFrameHeader(b, header);
  assert.deepEqual(header, { stream: 2, sequence: 0xffffffff, captureTimeMs: 5, keyframe: false });
  const ack = { stream: 0, sequence: 0 };
  assert.equal(decodeAck(encodeAck({ stream: 9, sequence: 0x80000001 }), ack), ack);
  assert.deepEqual(ack, { stream: 9, sequence: 0x80000001 });
  assert.equal(decodeAck(a, ack), null, 'a frame is not an ack');
  assert.deepEqual(ack, { stream: 9, sequence: 0x80000001 }, 'and leaves the object alone');
});
