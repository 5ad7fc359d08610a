// The authorization page both CRMs show: sign in (or continue as the signed-in user), then Allow/Deny.
import { esc, page } from '../pages/html.ts';

export interface AuthorizePageOptions {
  brand: string;
  action: string;
  clientId: string;
  /** The validated authorize parameters, carried through the form as hidden fields. */
  params: Record<string, string | undefined>;
  signedInAs?: string | undefined;
  error?: string | undefined;
}

export function authorizePage(o: AuthorizePageOptions): string {
  const hidden = Object.entries(o.params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const identity = o.signedInAs
    ? `<p>Signed in as <strong>${esc(o.signedInAs)}</strong>.</p>`
    : `<label>Username <input name="username" autocomplete="username" required></label>
       <label>Password <input name="password" type="password" autocomplete="current-password" required></label>`;
  const body = `<section><h1>Allow access?</h1>
<p><strong>${esc(o.clientId)}</strong> is asking to access your ${esc(o.brand)} data on your behalf.</p>
${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''}
<form class="signin" method="post" action="${esc(o.action)}">${hidden}${identity}
<div><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Deny</button></div></form></section>`;
  return page({ title: `Sign in - ${o.brand}`, brand: o.brand, nav: [], body });
}

export function errorPage(brand: string, error: string, description: string): string {
  return page({
    title: `Error - ${brand}`,
    brand,
    nav: [],
    body: `<section><h1>Authorization error</h1><p class="error">error=${esc(error)}</p><p>${esc(description)}</p></section>`,
  });
}

/**
 * Headers for the authorization pages: never framed (a framed one-click consent could be clickjacked),
 * never cached. No form-action: the consent form's redirect goes to the client's own redirect URI.
 * Referrer-Policy stays same-origin: with no-referrer Chromium posts the form with `Origin: null`.
 */
export function authorizePageHeaders(
  _req: unknown,
  res: { set(h: Record<string, string>): unknown },
  next: () => void,
): void {
  res.set({
    'Content-Security-Policy': "default-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  next();
}
