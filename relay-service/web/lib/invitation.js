// An invited agent's one-time invitation token, from the fragment of the emailed console link
// (`/console/<id>#invitation=...`; a fragment never reaches a server log or a referrer). Kept in this
// tab's sessionStorage across the CRM sign-in, which would lose the fragment, until a ticket spent it.

const KEY = (/** @type {string} */ sessionId) => `sightline.invitation.${sessionId}`;

/**
 * Moves the token out of the address bar into this tab's storage; returns the one held for the session.
 * @param {string} sessionId
 * @param {Location} location
 * @param {History} history
 * @param {Storage} storage
 * @returns {string}
 */
export function takeInvitation(sessionId, location, history, storage) {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('invitation');
  if (fromLink) {
    storage.setItem(KEY(sessionId), fromLink);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  return storage.getItem(KEY(sessionId)) || '';
}

/**
 * The relay spent the token (the agent is a participant now): nothing to keep.
 * @param {string} sessionId
 * @param {Storage} storage
 */
export function forgetInvitation(sessionId, storage) {
  storage.removeItem(KEY(sessionId));
}
