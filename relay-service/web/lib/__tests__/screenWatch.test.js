import { encodeFrame } from '../../../src/protocol/frame.ts';
import { ScreenWatch } from '../screenWatch.js';

class FakeSocket extends EventTarget {
  sent = [];
  send(message) {
    this.sent.push(message);
    return true;
  }
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** What the decoder was given, in order. */
let decoded = [];
class FakeVideoDecoder {
  state = 'unconfigured';
  configure() {
    this.state = 'configured';
  }
  decode(chunk) {
    decoded.push(chunk.type);
  }
  close() {
    this.state = 'closed';
  }
}
class FakeChunk {
  constructor({ type }) {
    this.type = type;
  }
}

const AV1 = { stream: 0, codec: 'av01.0.05M.08', codedWidth: 1280, codedHeight: 720, surface: 'browser' };
const canvas = () => ({ width: 0, height: 0, getContext: () => ({ drawImage() {} }) });
const frame = (sequence, keyframe) =>
  encodeFrame({ stream: 0, sequence, captureTimeMs: 1, keyframe }, new Uint8Array(4));
const keyframeRequests = (socket) => socket.sent.filter((m) => m.type === 'keyframe-request');

describe('ScreenWatch keyframe requests', () => {
  beforeEach(() => {
    decoded = [];
    globalThis.VideoDecoder = FakeVideoDecoder;
    globalThis.EncodedVideoChunk = FakeChunk;
  });
  afterEach(() => {
    delete globalThis.VideoDecoder;
    delete globalThis.EncodedVideoChunk;
  });

  it('asks for no second keyframe when a new stream starts with one', () => {
    const socket = new FakeSocket();
    const watch = new ScreenWatch({ socket, onLive() {} });
    watch.attachCanvas(canvas());
    watch.onMessage({ type: 'stream-start', config: AV1 });
    watch.onSession({ streams: [AV1] }, false);
    socket.emit('frame', frame(0, true));
    socket.emit('frame', frame(1, false));
    expect(decoded).toEqual(['key', 'delta']);
    expect(keyframeRequests(socket)).toEqual([]);
  });

  it('asks once when a delta comes before any keyframe', () => {
    const socket = new FakeSocket();
    const watch = new ScreenWatch({ socket, onLive() {} });
    watch.attachCanvas(canvas());
    watch.onMessage({ type: 'stream-start', config: AV1 });
    socket.emit('frame', frame(5, false));
    expect(decoded).toEqual([]);
    expect(keyframeRequests(socket)).toEqual([{ type: 'keyframe-request', stream: 0 }]);
  });

  it('asks when the canvas comes after the stream started (its first frames were not decoded)', () => {
    const socket = new FakeSocket();
    const watch = new ScreenWatch({ socket, onLive() {} });
    watch.onMessage({ type: 'stream-start', config: AV1 });
    expect(keyframeRequests(socket)).toEqual([]);
    watch.attachCanvas(canvas());
    expect(keyframeRequests(socket)).toEqual([{ type: 'keyframe-request', stream: 0 }]);
  });
});
