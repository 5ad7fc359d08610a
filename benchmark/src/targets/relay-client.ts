// Drives the real relay the way its clients do: an agent signs in through the CRM's OAuth pages
// once, then for every session the host creates it over the API, guests look it up by key and
// join, and the host's console takes a ticket. The sockets are opened later by the load workers.
import { z } from 'zod';
import type { SessionSpec } from '../load/messages.ts';
import type { Provision } from '../SessionPool.ts';
import { httpJson } from './http.ts';

const createdSchema = z.object({ sessionId: z.string().min(1), key: z.string().regex(/^\d{4,12}$/) });
const joinedSchema = z.object({ ticket: z.string().min(1), wsUrl: z.string().startsWith('ws') });
const lookupSchema = z.object({ hostName: z.string().min(1) });
const ticketSchema = z.object({ ticket: z.string().min(1), wsUrl: z.string().startsWith('ws') });
const meSchema = z.object({ crm: z.string(), userId: z.string() });

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!);

/**
 * Signs `username` in to the relay through /auth/salesforce: the relay sends the browser to the
 * CRM's authorize page, the user signs in and allows, the CRM sends the browser back with a code.
 * Returns the relay's login cookie (`sightline_sid=...`).
 */
export async function signInAgent(relayUrl: string, username: string, password: string): Promise<string> {
  const jar = new Map<string, string>(); // origin -> cookie header
  const keep = (url: string, res: Response) => {
    const origin = new URL(url).origin;
    const old = jar.get(origin)?.split('; ').filter(Boolean) ?? [];
    const fresh = cookiesOf(res);
    const names = new Set(fresh.map((c) => c.split('=')[0]));
    jar.set(origin, [...old.filter((c) => !names.has(c.split('=')[0])), ...fresh].join('; '));
  };
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: jar.get(new URL(url).origin) ?? '' },
    });
    keep(url, res);
    return res;
  };
  let res = await go(`${relayUrl}/auth/salesforce?returnTo=/api/me`);
  let url = new URL(res.headers.get('location') ?? '', relayUrl).toString();
  if (res.status < 300 || res.status >= 400) throw new Error(`sign-in: /auth/salesforce answered ${res.status}`);
  res = await go(url);
  const html = await res.text();
  const form = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!form) throw new Error('sign-in: no sign-in form on the CRM authorize page');
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.set(unescapeHtml(m[1]!), unescapeHtml(m[2]!));
  fields.set('username', username);
  fields.set('password', password);
  fields.set('decision', 'allow');
  res = await go(new URL(unescapeHtml(form[1]!), url).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  // Follow redirects back to the relay (callback, then returnTo).
  for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 5; hops++) {
    url = new URL(res.headers.get('location')!, url).toString();
    res = await go(url);
  }
  const sid = jar
    .get(new URL(relayUrl).origin)
    ?.split('; ')
    .find((c) => c.startsWith('sightline_sid='));
  if (!sid)
    throw new Error(
      `sign-in: the relay set no login cookie (last answer HTTP ${res.status} at ${new URL(url).pathname})`,
    );
  await httpJson({ method: 'GET', url: `${relayUrl}/api/me`, cookie: sid }, meSchema);
  return sid;
}

function unescapeHtml(s: string): string {
  return s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

export interface RelayProvisionOptions {
  relayUrl: string;
  /** Login cookies of signed-in hosts; sessions are spread over them. */
  hosts: string[];
  recordIds: string[];
  /** Concurrent provisioning calls. */
  concurrency?: number;
}

/** Guests of one source address before the next address is used (the relay allows 60 join calls/min). */
const GUESTS_PER_ADDRESS = 20;

export function relayProvision(o: RelayProvisionOptions): Provision {
  let made = 0;
  let guests = 0;
  const nextAddress = () => {
    const n = Math.floor(guests++ / GUESTS_PER_ADDRESS);
    return `127.1.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`; // last octet 1-254
  };
  const one = async (viewers: number): Promise<SessionSpec> => {
    const i = made++;
    const cookie = o.hosts[i % o.hosts.length]!;
    const created = await httpJson(
      {
        method: 'POST',
        origin: o.relayUrl,
        url: `${o.relayUrl}/api/sessions`,
        cookie,
        body: { crm: 'salesforce', recordId: o.recordIds[i % o.recordIds.length] },
      },
      createdSchema,
    );
    // The presenter is the customer; the host's console is the first viewer, more guests the others.
    const join = async (n: number) => {
      const localAddress = nextAddress();
      await httpJson(
        {
          method: 'POST',
          origin: o.relayUrl,
          url: `${o.relayUrl}/api/join/lookup`,
          body: { key: created.key },
          localAddress,
        },
        lookupSchema,
      );
      const j = await httpJson(
        {
          method: 'POST',
          origin: o.relayUrl,
          url: `${o.relayUrl}/api/join`,
          localAddress,
          body: {
            key: created.key,
            contact: { name: `Bench Guest ${i}-${n}`, email: `guest${i}-${n}@bench.example` },
            acceptedTerms: true,
          },
        },
        joinedSchema,
      );
      return `${j.wsUrl}?ticket=${encodeURIComponent(j.ticket)}`;
    };
    const presenterUrl = await join(0);
    const console = await httpJson(
      { method: 'POST', origin: o.relayUrl, url: `${o.relayUrl}/api/sessions/${created.sessionId}/ticket`, cookie },
      ticketSchema,
    );
    const viewerUrls = [`${console.wsUrl}?ticket=${encodeURIComponent(console.ticket)}`];
    for (let n = 1; n < viewers; n++) viewerUrls.push(await join(n));
    return { id: created.sessionId, kind: 'relay', presenterUrl, viewerUrls };
  };
  return async (count, viewers) => {
    const out: SessionSpec[] = [];
    const errors: string[] = [];
    let left = count;
    const lane = async () => {
      while (left > 0) {
        left--;
        try {
          out.push(await retrying(() => one(viewers)));
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 4 }, lane));
    if (out.length === 0 && errors.length > 0) throw new Error(errors[0]);
    return out; // fewer than asked when some failed: the pool records the shortfall
  };
}

/** A client retries what the relay says is temporary (the CRM did not answer, or try again later). */
async function retrying<T>(call: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (e) {
      if (i >= attempts || !/HTTP (429|502|503)/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 500 * i));
    }
  }
}
