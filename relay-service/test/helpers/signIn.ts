// Signs an agent in to the relay the way a browser does: relay -> CRM authorize page -> form post
// -> relay callback, with manual redirects and the relay's cookies carried along.
import assert from 'node:assert/strict';

export class CookieJar {
  readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface SignInResult {
  jar: CookieJar;
  /** The relay's callback URL with code and state, as the CRM sent the browser back. */
  callbackUrl: string;
  final: Response;
}

const formFields = (html: string) => {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!
      .replaceAll('&amp;', '&')
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
  }
  return fields;
};

/**
 * Runs the sign-in up to the CRM's redirect back; `complete` follows it unless told not to. `startUrl`:
 * where the window starts (a CRM component's `signInUrl`).
 */
export async function signIn(
  relayUrl: string,
  crm: 'salesforce' | 'servicenow',
  user: { username: string; password: string },
  {
    returnTo = '/console/x',
    complete = true,
    jar = new CookieJar(),
    startUrl = `${relayUrl}/auth/${crm}?returnTo=${encodeURIComponent(returnTo)}`,
  }: { returnTo?: string; complete?: boolean; jar?: CookieJar; startUrl?: string } = {},
): Promise<SignInResult> {
  const start = await fetch(startUrl, { redirect: 'manual', headers: { cookie: jar.header() } });
  assert.equal(start.status, 302, 'the relay redirects to the CRM');
  jar.take(start);
  const authorize = new URL(start.headers.get('location')!);
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(authorize.searchParams.get('code_challenge'));
  assert.ok(authorize.searchParams.get('state'));
  const pageRes = await fetch(authorize, { redirect: 'manual' });
  assert.equal(pageRes.status, 200);
  const html = await pageRes.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
  const post = await fetch(new URL(action, authorize), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      ...formFields(html),
      username: user.username,
      password: user.password,
      decision: 'allow',
    }),
  });
  assert.ok(post.status === 302 || post.status === 303, `the CRM redirects back (got ${post.status})`);
  const callbackUrl = post.headers.get('location')!;
  if (!complete) return { jar, callbackUrl, final: post };
  const final = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.take(final);
  return { jar, callbackUrl, final };
}

/**
 * The sign-in window follows the callback's redirect to its last page and, as a browser that shows it
 * does, loads what the page loads (its landing beacon). Returns the page's HTML.
 */
export async function landWindow(relayUrl: string, final: Response, jar: CookieJar): Promise<string> {
  const page = await fetch(`${relayUrl}${final.headers.get('location')}`, { headers: { cookie: jar.header() } });
  assert.equal(page.status, 200, 'the last page of the sign-in window');
  const html = await page.text();
  const beacon = /<img hidden alt="" src="([^"]+)">/.exec(html)?.[1];
  assert.ok(beacon, 'the last page tells the relay it was shown');
  const landed = await fetch(`${relayUrl}${beacon.replaceAll('&amp;', '&')}`, { headers: { cookie: jar.header() } });
  assert.equal(landed.status, 204);
  return html;
}
