// A fake relay for the components' jest tests: fetch answered by "METHOD path" from queued responses
// (the last one repeats), anything unexpected rejected so the test fails loudly.

/** A fetch Response as the components read it (status, ok, text). */
export const json = (status, body) => ({
  ok: status >= 200 && status < 300,
  status,
  text: () => Promise.resolve(JSON.stringify(body)),
});

/** Lets wire emissions, promise chains and re-renders settle (a few microtask turns). */
export const flush = () => Array.from({ length: 25 }).reduce((p) => p.then(() => undefined), Promise.resolve());

/** The relay's answer to a sign-in or renewal: access token `slat_<n>`, refresh token `slrt_<n>`. */
export const tokens = (n) => ({
  accessToken: `slat_${n}`,
  refreshToken: `slrt_${n}`,
  expiresIn: 900,
  agent: { crm: 'salesforce', userId: '005000000000000AAA', username: 'alex', displayName: 'Alex Agent' },
});

/** The key under which c/sightlineRelayApi keeps a relay's refresh token in localStorage. */
export const storeKey = (relayUrl) => `sightline.relay:${relayUrl}`;

/** Installs `global.fetch` for `relayUrl`; a stored sign-in renews by default (`POST /auth/token`). */
export function fakeRelay(relayUrl, routes) {
  const queues = { 'POST /auth/token': [json(200, tokens(1))], ...routes };
  global.fetch = jest.fn((url, init = {}) => {
    const queue = queues[requestKey(relayUrl, url, init)];
    if (!queue || queue.length === 0) return Promise.reject(new Error(`unexpected ${requestKey(relayUrl, url, init)}`));
    return Promise.resolve(queue.length > 1 ? queue.shift() : queue[0]);
  });
  return global.fetch;
}

/** The fetch calls made so far to "METHOD path". */
export function callsTo(relayUrl, key) {
  return global.fetch.mock.calls.filter(([url, init = {}]) => requestKey(relayUrl, url, init) === key);
}

function requestKey(relayUrl, url, init) {
  return `${init.method || 'GET'} ${url.replace(relayUrl, '')}`;
}
