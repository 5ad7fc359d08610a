// A clock for frameSource.js in a hidden tab: a page's own timers and video-frame callbacks stop or
// slow to once a second there, a dedicated worker's timers do not. Each message asks for one tick
// after that many milliseconds.
globalThis.onmessage = (event) => {
  // eslint-disable-next-line @lwc/lwc/no-async-operation -- this worker is a timer
  setTimeout(() => globalThis.postMessage(null), Number(event.data) || 0);
};
