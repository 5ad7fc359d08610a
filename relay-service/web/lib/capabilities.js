// What this browser can do, and the plain-words reason when it cannot share.

/**
 * @typedef {object} ShareCapability
 * @property {boolean} ok
 * @property {string} [reason] plain-words explanation for the customer when ok is false
 */

/**
 * @param {any} [g] the global object (injectable for tests)
 * @returns {ShareCapability}
 */
export function checkShareCapability(g = globalThis) {
  const media = g.navigator && g.navigator.mediaDevices;
  if (!media || typeof media.getDisplayMedia !== 'function') {
    return {
      ok: false,
      reason:
        'This browser cannot share a screen. Please open this link in a current desktop version of Chrome, Edge, Firefox or Safari, or use the Sightline desktop client.',
    };
  }
  if (typeof g.VideoEncoder !== 'function') {
    return {
      ok: false,
      reason:
        'This browser cannot encode video for screen sharing (WebCodecs is missing). Please update your browser to its current version, or use the Sightline desktop client.',
    };
  }
  if (typeof g.WebSocket !== 'function') {
    return { ok: false, reason: 'This browser cannot open a live connection. Please use a current browser.' };
  }
  return { ok: true };
}

/**
 * @param {any} [g]
 * @returns {ShareCapability}
 */
export function checkViewCapability(g = globalThis) {
  if (typeof g.VideoDecoder !== 'function') {
    return {
      ok: false,
      reason:
        'This browser cannot decode the shared screen (WebCodecs is missing). Please use a current Chrome or Edge.',
    };
  }
  return { ok: true };
}
