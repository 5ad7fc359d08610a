// Figures the browser tests read (window.__sightlineStats): counts and latency samples only,
// never stream content.

const MAX_SAMPLES = 2000;

/**
 * @typedef {object} SightlineStats
 * @property {number} framesEncoded
 * @property {number} framesSent
 * @property {number} bytesSent
 * @property {number} framesDecoded
 * @property {number} bytesReceived
 * @property {number} keyframesReceived
 * @property {number[]} latencyMs glass-to-glass samples: capture time to the paint after decode
 * @property {Record<string, number[]>} stages per-stage samples (ms) of the same path: `encode`
 *   (capture to encoder output, presenter), `encodeKey` (the same for keyframes), `arrive` (capture to
 *   arrival at the viewer: encode + send + relay), `decode` (arrival to decoder output), `paint`
 *   (decoder output to the next animation frame)
 * @property {number} startedAt epoch ms of the first counted frame
 * @property {string} [codec] the presenter's encoder codec now (it switches to H.264 while recording)
 */

/** @returns {SightlineStats} the page's shared stats object (created on first use) */
export function stats() {
  const g = /** @type {any} */ (globalThis);
  if (!g.__sightlineStats) {
    g.__sightlineStats = {
      framesEncoded: 0,
      framesSent: 0,
      bytesSent: 0,
      framesDecoded: 0,
      bytesReceived: 0,
      keyframesReceived: 0,
      latencyMs: [],
      stages: {},
      startedAt: 0,
    };
  }
  return g.__sightlineStats;
}

/** @param {number} ms one glass-to-glass sample */
export function recordLatency(ms) {
  const s = stats();
  s.latencyMs.push(ms);
  if (s.latencyMs.length > MAX_SAMPLES) s.latencyMs.splice(0, s.latencyMs.length - MAX_SAMPLES);
}

/**
 * @param {string} stage one of the names in SightlineStats.stages
 * @param {number} ms
 */
export function recordStage(stage, ms) {
  const stages = stats().stages;
  const samples = (stages[stage] ??= []);
  samples.push(ms);
  if (samples.length > MAX_SAMPLES) samples.splice(0, samples.length - MAX_SAMPLES);
}

/** Epoch milliseconds on the high-resolution clock (the frame header's capture time base). */
export function epochNow() {
  return performance.timeOrigin + performance.now();
}
