// Capture times of frames in flight through an encoder or decoder, by chunk timestamp. Frames a
// codec drops never come back, so the map is bounded: the oldest entries go first.

const MAX_IN_FLIGHT = 64;

export class CaptureTimes {
  constructor() {
    /** @type {Map<number, number>} timestamp -> capture time (epoch ms) */
    this.times = new Map();
  }

  /**
   * @param {number} timestamp the chunk / frame timestamp
   * @param {number} captureTimeMs
   */
  set(timestamp, captureTimeMs) {
    if (this.times.size >= MAX_IN_FLIGHT) this.times.delete(this.times.keys().next().value);
    this.times.set(timestamp, captureTimeMs);
  }

  /**
   * @param {number} timestamp
   * @returns {number | undefined} the capture time, forgotten once taken
   */
  take(timestamp) {
    const value = this.times.get(timestamp);
    this.times.delete(timestamp);
    return value;
  }

  clear() {
    this.times.clear();
  }

  get size() {
    return this.times.size;
  }
}
