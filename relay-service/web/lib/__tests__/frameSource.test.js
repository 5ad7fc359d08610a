import { readFrames } from '../frameSource.js';

// Firefox's path (no MediaStreamTrackProcessor): the video element's frame callbacks while the tab
// is visible, a worker's clock while it is hidden (the page's own callbacks stop there).
class FakeWorker {
  static made = [];
  asked = [];
  terminated = false;
  constructor(url) {
    this.url = url;
    FakeWorker.made.push(this);
  }
  postMessage(ms) {
    this.asked.push(ms);
  }
  tick() {
    this.onmessage?.({ data: null });
  }
  terminate() {
    this.terminated = true;
  }
}

let visibility = 'visible';
let frameCallbacks = [];

beforeEach(() => {
  FakeWorker.made = [];
  frameCallbacks = [];
  visibility = 'visible';
  globalThis.Worker = FakeWorker;
  globalThis.MediaStream = class {
    constructor(tracks) {
      this.tracks = tracks;
    }
  };
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
  window.HTMLMediaElement.prototype.play = () => Promise.resolve();
  window.HTMLMediaElement.prototype.pause = () => {};
  window.HTMLVideoElement.prototype.requestVideoFrameCallback = (cb) => frameCallbacks.push(cb);
});

/** play() has resolved and the first sampling is armed. */
const settle = () => Promise.resolve().then(() => {});
const hide = () => {
  visibility = 'hidden';
  document.dispatchEvent(new CustomEvent('visibilitychange'));
};

describe('readFrames without MediaStreamTrackProcessor', () => {
  it('follows the video frames while the tab is visible; the worker clock is not used', async () => {
    const source = readFrames({}, () => {});
    await settle();
    expect(frameCallbacks).toHaveLength(1);
    frameCallbacks.shift()();
    expect(frameCallbacks).toHaveLength(1);
    const [worker] = FakeWorker.made;
    expect(worker.url).toBe('/static/frame-ticker.js');
    expect(worker.asked).toEqual([]);
    source.stop();
    expect(worker.terminated).toBe(true);
  });

  it('keeps sampling on the worker clock once the tab is hidden, and the stale frame callback does nothing', async () => {
    const source = readFrames({}, () => {});
    await settle();
    const stale = frameCallbacks.shift();
    hide();
    const [worker] = FakeWorker.made;
    expect(worker.asked).toEqual([66]);
    worker.tick(); // a sampling, which arms the next
    expect(worker.asked).toEqual([66, 66]);
    stale(); // the rendering ran after all: no second sampling loop
    expect(worker.asked).toEqual([66, 66]);
    expect(frameCallbacks).toEqual([]);
    source.stop();
    worker.tick();
    expect(worker.asked).toEqual([66, 66]);
  });

  it('falls back to the page timer when the worker cannot load, instead of stopping', async () => {
    jest.useFakeTimers();
    try {
      visibility = 'hidden';
      const source = readFrames({}, () => {});
      await settle();
      const [worker] = FakeWorker.made;
      expect(worker.asked).toEqual([66]);
      worker.onerror(new CustomEvent('error'));
      expect(worker.terminated).toBe(true);
      // The armed wake-up ran at once; from now on the page's own timer samples.
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(66);
      expect(jest.getTimerCount()).toBe(1);
      expect(worker.asked).toEqual([66]);
      source.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('returns to the video frames when the tab is shown again', async () => {
    visibility = 'hidden';
    const source = readFrames({}, () => {});
    await settle();
    const [worker] = FakeWorker.made;
    expect(worker.asked).toEqual([66]);
    visibility = 'visible';
    document.dispatchEvent(new CustomEvent('visibilitychange'));
    expect(frameCallbacks).toHaveLength(1);
    worker.tick(); // the wake-up armed while hidden is stale now
    expect(frameCallbacks).toHaveLength(1);
    expect(worker.asked).toEqual([66]);
    source.stop();
  });
});
