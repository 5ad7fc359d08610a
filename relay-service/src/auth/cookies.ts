// Cookie names and attributes in one place.
import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'sightline_sid';
/** Pre-login binding: ties an OAuth `state` to the browser that started the sign-in. */
export const LOGIN_COOKIE = 'sightline_login';

export function readCookie(req: Request, name: string): string | undefined {
  return req.headers.cookie ? parseCookies(req.headers.cookie)[name] : undefined;
}

export type SameSite = 'lax' | 'none';

export interface CookiePolicy {
  secure: boolean;
  /** SameSite of the login session cookie (`sightline_sid`); every other cookie is Lax. */
  sessionSameSite: SameSite;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Secure whenever the relay is reached over https. The CRM-embedded launcher calls the relay from
 * the CRM's site with credentials, which a Lax cookie would not ride along on: on a public https
 * relay the login cookie is `SameSite=None; Secure`, and CSRF rests on the Origin allow-list and the
 * JSON content type (http/security.ts). Loopback http (development, tests) keeps Lax.
 */
export function cookiePolicyFor(publicUrl: string | undefined): CookiePolicy {
  const url = publicUrl ? new URL(publicUrl) : null;
  const secure = url?.protocol === 'https:';
  return { secure, sessionSameSite: secure && !LOOPBACK.test(url!.hostname) ? 'none' : 'lax' };
}

export function setCookie(
  res: Response,
  policy: CookiePolicy,
  name: string,
  value: string,
  { maxAgeMs, path = '/', sameSite = 'lax' }: { maxAgeMs: number; path?: string; sameSite?: SameSite },
): void {
  res.cookie(name, value, { httpOnly: true, sameSite, secure: policy.secure, path, maxAge: maxAgeMs });
}

export function clearCookie(
  res: Response,
  policy: CookiePolicy,
  name: string,
  { path = '/', sameSite = 'lax' }: { path?: string; sameSite?: SameSite } = {},
): void {
  res.clearCookie(name, { httpOnly: true, sameSite, secure: policy.secure, path });
}
