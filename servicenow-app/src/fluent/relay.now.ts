// The relay this instance talks to. One constant so the system property and the OAuth redirect URL
// cannot disagree; an admin changes both together after install (see README).
export const RELAY_URL = 'http://127.0.0.1:8080';
export const RELAY_CALLBACK_URL = `${RELAY_URL}/auth/servicenow/callback`;
