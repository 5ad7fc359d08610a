// Epoch milliseconds with sub-millisecond resolution, comparable across processes on one machine
// (the same clock the browser pages put in the frame header: performance.timeOrigin + now()).
export const epochMs = () => performance.timeOrigin + performance.now();
