// Binary media frames: a fixed 16-byte header followed by one encoded chunk (opaque to the relay).
//
//  0      1      2         4            8                         16
//  +------+------+---------+------------+-------------------------+------------
//  | ver  | flags| stream  | sequence   | capture time (f64, ms)  | payload...
//  +------+------+---------+------------+-------------------------+------------
// ver = FRAME_VERSION; flags bit 0 = keyframe; stream = uint16; sequence = uint32;
// capture time = epoch milliseconds (performance.timeOrigin + now()), big-endian throughout.
// Works with Uint8Array so the same code runs in Node, browsers and the desktop client.

export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 16;
export const FLAG_KEYFRAME = 0x01;

export interface FrameHeader {
  stream: number;
  sequence: number;
  captureTimeMs: number;
  keyframe: boolean;
}

export class FrameFormatError extends Error {
  override name = 'FrameFormatError';
}

export function encodeFrame(header: FrameHeader, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.byteLength);
  writeFrameHeader(out, header);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export function writeFrameHeader(target: Uint8Array, header: FrameHeader): void {
  const view = new DataView(target.buffer, target.byteOffset, FRAME_HEADER_BYTES);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, header.keyframe ? FLAG_KEYFRAME : 0);
  view.setUint16(2, header.stream);
  view.setUint32(4, header.sequence >>> 0);
  view.setFloat64(8, header.captureTimeMs);
}

/** Eight bytes for reading the capture time: one DataView for the module, not one per frame. */
const float64Bytes = new DataView(new ArrayBuffer(8));

/**
 * Reads and checks the header; throws FrameFormatError with a precise reason. Fills `into` when
 * given: the relay reads thousands of headers a second into one object, and a fresh one each would be
 * garbage at that rate (a page keeps the headers it is given, so it takes new ones).
 */
export function decodeFrameHeader(frame: Uint8Array, into?: FrameHeader): FrameHeader {
  if (frame.byteLength < FRAME_HEADER_BYTES) {
    throw new FrameFormatError(
      `frame is ${frame.byteLength} bytes, shorter than the ${FRAME_HEADER_BYTES}-byte header`,
    );
  }
  const version = frame[0]!;
  if (version !== FRAME_VERSION) throw new FrameFormatError(`frame version ${version} is not ${FRAME_VERSION}`);
  for (let i = 0; i < 8; i++) float64Bytes.setUint8(i, frame[8 + i]!);
  const captureTimeMs = float64Bytes.getFloat64(0);
  if (!Number.isFinite(captureTimeMs)) throw new FrameFormatError('frame capture time is not a finite number');
  const keyframe = (frame[1]! & FLAG_KEYFRAME) !== 0;
  const stream = (frame[2]! << 8) | frame[3]!;
  const sequence = ((frame[4]! << 24) | (frame[5]! << 16) | (frame[6]! << 8) | frame[7]!) >>> 0;
  if (!into) return { keyframe, stream, sequence, captureTimeMs };
  into.keyframe = keyframe;
  into.stream = stream;
  into.sequence = sequence;
  into.captureTimeMs = captureTimeMs;
  return into;
}

export function framePayload(frame: Uint8Array): Uint8Array {
  return frame.subarray(FRAME_HEADER_BYTES);
}

// Viewer acknowledgements: a viewer answers every frame it receives with this 8-byte binary message,
// so the relay knows what has reached the viewer rather than what the kernel accepted (a socket's
// send buffer can hold seconds of a slow link's video). Acks are cumulative: acknowledging a frame
// acknowledges every frame sent to that viewer before it.
//
//  0      1      2         4            8
//  +------+------+---------+------------+
//  | tag  | 0    | stream  | sequence   |
//  +------+------+---------+------------+
// tag = ACK_TAG (never a FRAME_VERSION, so acks and frames cannot be confused); big-endian.

export const ACK_TAG = 0xa1;
export const ACK_BYTES = 8;

export interface FrameAck {
  stream: number;
  sequence: number;
}

export function encodeAck(ack: FrameAck): Uint8Array {
  const out = new Uint8Array(ACK_BYTES);
  const view = new DataView(out.buffer);
  view.setUint8(0, ACK_TAG);
  view.setUint16(2, ack.stream);
  view.setUint32(4, ack.sequence >>> 0);
  return out;
}

/**
 * The ack in a binary message, or null when the message is not an ack (a frame, or garbage). Fills
 * `into` when given, as decodeFrameHeader does (one ack per frame per viewer reaches the relay).
 */
export function decodeAck(message: Uint8Array, into?: FrameAck): FrameAck | null {
  if (message.byteLength !== ACK_BYTES || message[0] !== ACK_TAG || message[1] !== 0) return null;
  // Read byte by byte: a DataView each would be garbage at that rate.
  const stream = (message[2]! << 8) | message[3]!;
  const sequence = ((message[4]! << 24) | (message[5]! << 16) | (message[6]! << 8) | message[7]!) >>> 0;
  if (!into) return { stream, sequence };
  into.stream = stream;
  into.sequence = sequence;
  return into;
}
