// Cookie names and attributes in one place; parsing by hand keeps the dependency list short.
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'sightline_sid';
/** Pre-login binding: ties an OAuth `state` to the browser that started the sign-in. */
export const LOGIN_COOKIE = 'sightline_login';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface CookiePolicy {
  secure: boolean;
}

export function setCookie(
  res: Response,
  policy: CookiePolicy,
  name: string,
  value: string,
  { maxAgeMs, path = '/' }: { maxAgeMs: number; path?: string },
): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'lax', secure: policy.secure, path, maxAge: maxAgeMs });
}

export function clearCookie(res: Response, policy: CookiePolicy, name: string, path = '/'): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: policy.secure, path });
}
