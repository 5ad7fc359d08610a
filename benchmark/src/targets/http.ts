// A small JSON-over-HTTP client on node:http: it can pick the local (source) address, which the
// benchmark uses so guests come from distinct loopback addresses as real customers come from
// distinct networks (the relay rate-limits joins per source address).
import { request } from 'node:http';
import type { z } from 'zod';

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  cookie?: string;
  /** Browsers send Origin on every POST; the relay refuses signed-in calls without it. */
  origin?: string;
  localAddress?: string;
}

export async function httpJson<T>(call: HttpCall, schema: z.ZodType<T>): Promise<T> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      call.url,
      {
        method: call.method,
        localAddress: call.localAddress,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(call.cookie ? { cookie: call.cookie } : {}),
          ...(call.origin ? { origin: call.origin } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
  const path = new URL(call.url).pathname;
  if (status < 200 || status >= 300) throw new Error(`${call.method} ${path}: HTTP ${status} ${text.slice(0, 200)}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${call.method} ${path}: the answer is not JSON`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${call.method} ${path}: unexpected answer: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
