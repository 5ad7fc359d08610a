// Cluster mode: an agent's call about a session another node holds (details, end, invite) is sent on
// to that node as it came, with the agent's own cookie or bearer, so the owner authenticates the agent
// itself; the cluster's bearer in its own header says only "a node sent this, its Origin was checked",
// and such a call is answered where it lands, never forwarded again. The agent's list asks every node.
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { HttpError } from '../http/HttpError.ts';
import { bearerMatches } from './nodeCalls.ts';
import type { NodeDirectory } from './NodeDirectory.ts';

export const FROM_NODE_HEADER = 'x-sightline-node';
/** The agent's credentials and the body's type go along; nothing else of the browser's request does. */
const PASSED = ['cookie', 'authorization', 'content-type'] as const;

export interface Forwarder {
  /** Sent by another node with the cluster's bearer (answer it here). */
  fromNode(req: Request): boolean;
  /** Relays the request to the node holding the session: false when none other does (answer here). */
  toOwner(req: Request, res: Response, sessionId: string): Promise<boolean>;
  /** The same request's JSON answers from every other live node (one that fails is left out, and logged). */
  toOthers(req: Request): Promise<unknown[]>;
}

export interface ForwarderOptions {
  bearer: string;
  nodes: NodeDirectory;
  /** The other node holding the session, or null (this node, or no live one). */
  ownerUrl: (sessionId: string) => Promise<string | null>;
  logger: Logger;
  timeoutMs?: number;
}

export function forwarder({ bearer, nodes, ownerUrl, logger, timeoutMs = 5000 }: ForwarderOptions): Forwarder {
  const send = (nodeUrl: string, req: Request) => {
    const headers: Record<string, string> = { [FROM_NODE_HEADER]: `Bearer ${bearer}` };
    for (const name of PASSED) {
      const value = req.get(name);
      if (value !== undefined) headers[name] = value;
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    return fetch(`${nodeUrl}${req.originalUrl}`, {
      method: req.method,
      headers,
      ...(hasBody ? { body: JSON.stringify(req.body ?? {}) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  };
  return {
    fromNode: (req) => req.get(FROM_NODE_HEADER) !== undefined && bearerMatches(req.get(FROM_NODE_HEADER), bearer),
    async toOwner(req, res, sessionId) {
      if (this.fromNode(req)) return false;
      const url = await ownerUrl(sessionId);
      if (url === null) return false;
      const answer = await send(url, req).catch((err: unknown) => {
        throw new HttpError(
          503,
          'node_unreachable',
          `the relay node holding this session does not answer (${(err as Error).message})`,
        );
      });
      res.status(answer.status);
      const type = answer.headers.get('content-type');
      if (type) res.type(type);
      res.send(Buffer.from(await answer.arrayBuffer()));
      return true;
    },
    async toOthers(req) {
      const others = (await nodes.nodes()).filter((n) => n.id !== nodes.id);
      const answers = await Promise.all(
        others.map(async (n) => {
          try {
            const r = await send(n.url, req);
            if (!r.ok) throw new Error(`answered ${r.status}`);
            return [(await r.json()) as unknown];
          } catch (err) {
            logger.warn({ node: n.id, err: (err as Error).message }, 'a node did not answer for the agent list');
            return [];
          }
        }),
      );
      return answers.flat();
    },
  };
}
