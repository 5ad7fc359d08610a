// One HTTP upload whose body is piped from a stream with the socket's backpressure: the relay holds a
// chunk or two of a 2 GB file at a time. (fetch with a stream body read the whole file ahead of a slow
// receiver: a 258 MiB recording ended up in memory.)
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface UploadAnswer {
  status: number;
  /** The parsed JSON answer, or undefined when it is not JSON. */
  body: unknown;
}

export async function streamUpload(
  url: string,
  options: { headers: Record<string, string>; body: Readable; length: number; timeoutMs: number },
): Promise<UploadAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send(target, {
    method: 'POST',
    headers: { ...options.headers, 'content-length': String(options.length) },
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const answer = new Promise<UploadAnswer>((resolve, reject) => {
    req.once('response', (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.byteLength;
        // An answer to an insert is small; a huge one is not read into memory.
        if (size <= 1024 * 1024) parts.push(c);
      });
      res.once('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(parts).toString('utf8'));
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.once('error', reject);
    });
    req.once('error', reject);
  });
  // The server may answer (an error) before reading the whole body: the answer wins over a broken pipe.
  const sent = pipeline(options.body, req).catch((err: unknown) => err);
  const result = await answer;
  await Promise.race([sent, new Promise((ok) => setImmediate(ok))]);
  return result;
}
