// Small HTTP helpers shared by both servers.
import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';

export function cookie(req: Request, name: string): string | undefined {
  return req.headers.cookie ? parseCookies(req.headers.cookie)[name] : undefined;
}

export function sessionCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

/** The server's own origin as the browser sees it (http://host:port). */
export function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.headers.host ?? ''}`;
}

/**
 * A cookie-authenticated request is accepted only from the server's own pages: safe methods may
 * omit Origin, anything else must carry our own Origin (browsers send it on every POST/PATCH/DELETE).
 */
export function sameOriginRequest(req: Request): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return req.method === 'GET' || req.method === 'HEAD';
  return origin === ownOrigin(req);
}

/** Only local paths are accepted as a post-sign-in destination. */
export function localPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : fallback;
}

export function bearer(req: Request): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/**
 * Collapses repeated slashes in the path, as Salesforce's and ServiceNow's front ends do: clients
 * that keep a trailing slash on the instance URL (the sf CLI does) send `//services/data/...`.
 */
export function collapseSlashes(req: Request, _res: unknown, next: () => void): void {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path.includes('//')) req.url = path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : req.url.slice(q));
  next();
}

/**
 * Sends a stored file, honouring a single `Range: bytes=a-b` request (video players seek with
 * ranges; Safari will not play a video without them).
 */
export function sendBytes(req: Request, res: Response, bytes: Uint8Array, headers: Record<string, string>): void {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  res.set({ ...headers, 'Accept-Ranges': 'bytes' });
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m || (m[1] === '' && m[2] === '')) {
    res.set('Content-Length', String(body.length)).end(body);
    return;
  }
  const size = body.length;
  let start = m[1] === '' ? size - Number(m[2]) : Number(m[1]);
  let end = m[1] === '' || m[2] === '' ? size - 1 : Number(m[2]);
  start = Math.max(0, start);
  end = Math.min(end, size - 1);
  if (start > end || start >= size) {
    res.status(416).set('Content-Range', `bytes */${size}`).end();
    return;
  }
  res
    .status(206)
    .set({ 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) })
    .end(body.subarray(start, end + 1));
}
