// Node-to-node calls: JSON over HTTP to the owning node, with the cluster's bearer (derived from the
// shared relay.tokenEncryptionKey, so every node has it and nothing else does). Answers are checked
// against the same schemas the owner used; the owner's HTTP errors come back as the same errors.
import { timingSafeEqual } from 'node:crypto';
import type { TokenCipher } from '../auth/TokenCipher.ts';
import { HttpError } from '../http/HttpError.ts';
import { calls, CLUSTER_PATH, type Op, type Request, type Response } from './wire.ts';

export const clusterBearer = (cipher: TokenCipher) => cipher.keyedHash('node-to-node calls', 'cluster bearer');

export function bearerMatches(header: string | undefined, bearer: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer /, '') ?? '');
  const want = Buffer.from(bearer);
  return given.length === want.length && timingSafeEqual(given, want);
}

export type NodeCaller = <O extends Op>(nodeUrl: string, op: O, body: Request<O>) => Promise<Response<O>>;

export function nodeCaller(bearer: string, timeoutMs = 5000): NodeCaller {
  return async (nodeUrl, op, body) => {
    const res = await fetch(`${nodeUrl}${CLUSTER_PATH}/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((err: unknown) => {
      throw new HttpError(
        503,
        'node_unreachable',
        `the relay node holding this session does not answer (${(err as Error).message})`,
      );
    });
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const e = json as { error?: string; message?: string } | null;
      throw new HttpError(res.status, e?.error ?? 'node_error', e?.message ?? `the owning node answered ${res.status}`);
    }
    return calls[op].response.parse(json) as Response<typeof op>;
  };
}
