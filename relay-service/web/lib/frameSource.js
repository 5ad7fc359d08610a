// Reads VideoFrames from a screen track: MediaStreamTrackProcessor where the browser has it, else
// (Firefox) a <video> element painted into an OffscreenCanvas on each new video frame, or on a
// worker's clock while the tab is hidden, which is when someone sharing their screen uses it most.

/**
 * @callback FrameHandler
 * @param {VideoFrame} frame ownership passes to the handler, which must close it
 * @returns {void | Promise<void>}
 */

/**
 * @param {MediaStreamTrack} track
 * @param {FrameHandler} onFrame
 * @returns {{stop(): void}}
 */
export function readFrames(track, onFrame) {
  const g = /** @type {any} */ (globalThis);
  if (typeof g.MediaStreamTrackProcessor === 'function') return readWithProcessor(g, track, onFrame);
  return readWithVideoElement(track, onFrame);
}

function readWithProcessor(g, track, onFrame) {
  const processor = new g.MediaStreamTrackProcessor({ track });
  const reader = processor.readable.getReader();
  let stopped = false;
  (async () => {
    while (!stopped) {
      // Frames are handled one by one: the reader's backpressure drops captures we cannot keep up with.
      // eslint-disable-next-line no-await-in-loop
      const { value, done } = await reader.read();
      if (done) break;
      if (stopped) {
        value.close();
        break;
      }
      // eslint-disable-next-line no-await-in-loop
      await onFrame(value);
    }
  })().catch(() => {
    // The track ended or the reader was cancelled; the owner learns it from the track itself.
  });
  return {
    stop() {
      stopped = true;
      reader.cancel().catch(() => {});
    },
  };
}

/** Sampling period without a per-frame callback: about 15 frames/s (the stillness gate sends fewer). */
const POLL_MS = 66;
/** Served with the pages (web/public): a worker's timers keep their pace in a hidden tab. */
const TICKER_URL = '/static/frame-ticker.js';

/**
 * Wake-ups that keep their pace while the tab is hidden (the agent showing another window, the
 * customer switched to the app they need help with): a worker's timer, or the page's own where
 * workers are not available.
 * @returns {{after(ms: number, wake: () => void): void, stop(): void}}
 */
function hiddenTabClock() {
  /** @type {Worker | null} */
  let worker = null;
  try {
    worker = new Worker(TICKER_URL);
  } catch {
    worker = null;
  }
  /** @type {(() => void) | null} */
  let waiting = null;
  const wakeUp = () => {
    const wake = waiting;
    waiting = null;
    wake?.();
  };
  if (worker) {
    worker.onmessage = wakeUp;
    // A worker that fails to load (blocked, not served) leaves the page's own, slower timer.
    worker.onerror = () => {
      worker?.terminate();
      worker = null;
      wakeUp();
    };
  }
  return {
    after(ms, wake) {
      if (!worker) {
        // eslint-disable-next-line @lwc/lwc/no-async-operation -- no worker: the page's own timer
        setTimeout(wake, ms);
        return;
      }
      waiting = wake;
      worker.postMessage(ms);
    },
    stop() {
      worker?.terminate();
    },
  };
}

function readWithVideoElement(track, onFrame) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  let stopped = false;
  /** @type {OffscreenCanvas | null} */
  let canvas = null;
  const clock = hiddenTabClock();
  // Only the latest wake-up ticks: one armed before the tab was hidden may fire later or never.
  let armed = 0;
  const schedule = () => {
    const id = ++armed;
    const wake = () => {
      if (id === armed) tick();
    };
    // A video-frame callback is exact but runs with the page's rendering, which a hidden tab stops.
    if (document.visibilityState === 'visible' && typeof video.requestVideoFrameCallback === 'function')
      video.requestVideoFrameCallback(wake);
    else clock.after(POLL_MS, wake);
  };
  const onVisibility = () => {
    if (!stopped) schedule();
  };
  document.addEventListener('visibilitychange', onVisibility);
  function tick() {
    if (stopped) return;
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (w && h) {
      if (!canvas || canvas.width !== w || canvas.height !== h) canvas = new OffscreenCanvas(w, h);
      canvas.getContext('2d').drawImage(video, 0, 0);
      Promise.resolve(onFrame(new VideoFrame(canvas, { timestamp: Math.round(performance.now() * 1000) }))).catch(
        () => {},
      );
    }
    schedule();
  }
  video.play().then(schedule, schedule);
  return {
    stop() {
      stopped = true;
      document.removeEventListener('visibilitychange', onVisibility);
      clock.stop();
      video.pause();
      video.srcObject = null;
    },
  };
}
