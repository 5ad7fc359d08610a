// Content-following frame rate: a small grey thumbnail of each captured frame is compared with
// the previous one, so nothing is encoded while the screen is still.

export const THUMB_WIDTH = 160;
export const THUMB_HEIGHT = 90;
/** Per-pixel luma difference that counts as a change (noise-free screen content needs little). */
const PIXEL_THRESHOLD = 6;
/** Frame-rate cap while the picture changes: 125 ms = 8 frames/s. */
export const MIN_INTERVAL_MS = 125;
/**
 * Frame-rate cap while a large part of the picture changes (scrolling, switching windows): each such
 * frame costs many times a typing frame, and the picture settles sharp once the motion stops.
 */
export const LARGE_CHANGE_INTERVAL_MS = 500;
/** Share of the thumbnail's pixels that makes a change large. */
export const LARGE_CHANGE_SHARE = 0.1;
/** Frames sent after the last change so the encoder sharpens the still picture. */
export const SETTLE_FRAMES = 4;
/** A keyframe after this long without sending anything (a safety net; the relay asks for keyframes). */
export const HEARTBEAT_MS = 60_000;

/**
 * Converts RGBA pixels to one luma byte per pixel.
 * @param {Uint8ClampedArray} rgba
 * @returns {Uint8Array}
 */
export function toLuma(rgba) {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0, j = 0; j < out.length; i += 4, j++) {
    out[j] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
  }
  return out;
}

/**
 * How many pixels differ noticeably between two thumbnails.
 * @param {Uint8Array | null} previous
 * @param {Uint8Array} current
 * @returns {number} changed pixels (Infinity when there is nothing to compare with)
 */
export function changedPixels(previous, current) {
  if (!previous || previous.length !== current.length) return Infinity;
  let changed = 0;
  for (let i = 0; i < current.length; i++) {
    if (Math.abs(current[i] - previous[i]) >= PIXEL_THRESHOLD) changed++;
  }
  return changed;
}

/**
 * Decides per captured frame whether to encode it. While the picture changes, frames go out at
 * most every `minIntervalMs` (typing and scrolling stay readable at a few frames per second, and
 * each frame then carries more of the change for fewer bits); the latest picture is always sent
 * once the interval has passed. After the last change a few "settle" frames at the same pace let
 * the encoder refine it, then nothing until the next change or the keyframe heartbeat.
 */
export class StillnessGate {
  /**
   * @param {{settleFrames?: number, heartbeatMs?: number, minIntervalMs?: number, largeChangeIntervalMs?: number}} [options]
   */
  constructor({
    settleFrames = SETTLE_FRAMES,
    heartbeatMs = HEARTBEAT_MS,
    minIntervalMs = MIN_INTERVAL_MS,
    largeChangeIntervalMs = LARGE_CHANGE_INTERVAL_MS,
  } = {}) {
    this.settleFrames = settleFrames;
    this.heartbeatMs = heartbeatMs;
    this.minIntervalMs = minIntervalMs;
    this.largeChangeIntervalMs = Math.max(minIntervalMs, largeChangeIntervalMs);
    /** The pending change covers a large part of the picture. */
    this.large = false;
    /** @type {Uint8Array | null} */
    this.previous = null;
    /** A change was seen that no sent frame carries yet. */
    this.dirty = false;
    this.settleLeft = 0;
    this.lastSentAt = -Infinity;
  }

  /**
   * @param {Uint8Array} thumb luma thumbnail of the current frame
   * @param {number} now milliseconds
   * @returns {'change' | 'settle' | 'heartbeat' | 'skip'}
   */
  decide(thumb, now) {
    const changed = changedPixels(this.previous, thumb);
    if (changed > 0) {
      // A first picture (Infinity) is sent at once; a large change waits longer than a small one.
      if (changed !== Infinity && changed >= thumb.length * LARGE_CHANGE_SHARE) this.large = true;
      this.dirty = true;
      this.settleLeft = this.settleFrames;
    }
    this.previous = thumb;
    const since = now - this.lastSentAt;
    const due = since >= this.minIntervalMs;
    let verdict = 'skip';
    if (this.dirty) {
      if (this.large ? since >= this.largeChangeIntervalMs : due) {
        this.dirty = false;
        this.large = false;
        verdict = 'change';
      }
    } else if (this.settleLeft > 0) {
      if (due) {
        this.settleLeft--;
        verdict = 'settle';
      }
    } else if (now - this.lastSentAt >= this.heartbeatMs) {
      verdict = 'heartbeat';
    }
    if (verdict !== 'skip') this.lastSentAt = now;
    return /** @type {any} */ (verdict);
  }

  /** Forget the last picture so the next frame is sent (after a keyframe request or a resume). */
  reset() {
    this.previous = null;
  }
}
