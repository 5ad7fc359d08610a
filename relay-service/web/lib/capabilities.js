// What this browser can do, and the plain-words reason when it cannot share.

/**
 * @typedef {object} ShareCapability
 * @property {boolean} ok
 * @property {string} [reason] plain-words explanation for the customer when ok is false
 * @property {'screen' | 'camera'} [source] what can be shared when ok: a phone has no screen capture,
 *   but its camera goes through the same encoder
 */

const PHONE_REASON =
  'This browser cannot share its screen (phones cannot). You can still chat with your agent and show them what you see with your camera.';

/**
 * @param {any} [g] the global object (injectable for tests)
 * @returns {ShareCapability}
 */
export function checkShareCapability(g = globalThis) {
  const media = g.navigator && g.navigator.mediaDevices;
  const camera = !!media && typeof media.getUserMedia === 'function';
  const live = typeof g.VideoEncoder === 'function' && typeof g.WebSocket === 'function';
  if ((!media || typeof media.getDisplayMedia !== 'function') && camera && live)
    return { ok: true, source: 'camera', reason: PHONE_REASON };
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
  return { ok: true, source: 'screen' };
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
