// Blocking HTTP for code that runs in a worker thread (the widget's server script): GlideRecord's
// API is synchronous, like the platform's database calls. The worker posts the request to the main
// thread and sleeps on a shared flag; the main thread performs it with fetch (so servers living in
// the main thread keep answering) and wakes the worker with the reply.
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

export interface SyncRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export type SyncResponse = { ok: true; status: number; body: string } | { ok: false; error: string };
export type SyncSend = (req: SyncRequest) => SyncResponse;

const TIMEOUT_MS = 20_000;

/** Worker side: a blocking `send`. */
export function syncSender(port: MessagePort, signal: Int32Array): SyncSend {
  return (req) => {
    Atomics.store(signal, 0, 0);
    port.postMessage({ type: 'fetch', req });
    const woke = Atomics.wait(signal, 0, 0, TIMEOUT_MS);
    const reply = receiveMessageOnPort(port);
    if (woke === 'timed-out' || !reply) return { ok: false, error: `no reply within ${TIMEOUT_MS} ms` };
    return reply.message as SyncResponse;
  };
}

/** Main-thread side: answers one `fetch` message from the worker. */
export async function answer(port: MessagePort, signal: Int32Array, req: SyncRequest): Promise<void> {
  let reply: SyncResponse;
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(TIMEOUT_MS - 1_000),
    });
    reply = { ok: true, status: res.status, body: await res.text() };
  } catch (err) {
    reply = { ok: false, error: (err as Error).message };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
