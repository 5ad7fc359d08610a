// Reads VideoFrames from a screen track: MediaStreamTrackProcessor where the browser has it,
// else a <video> element painted into an OffscreenCanvas on each new video frame.

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

function readWithVideoElement(track, onFrame) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  let stopped = false;
  /** @type {OffscreenCanvas | null} */
  let canvas = null;
  const schedule = () => {
    if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(tick);
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- no per-frame callback: poll at ~15 fps
    else setTimeout(tick, 66);
  };
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
      video.pause();
      video.srcObject = null;
    },
  };
}
