// Runs a widget's server script the way the platform does: `data`, `input`, `options`, `$sp`, `gs`
// and GlideRecord/GlideRecordSecure as globals. The script runs in a worker so GlideRecord can block
// on real HTTP while this thread (and any server living in it) stays free to answer.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { LogLine, UserContext } from './platform.ts';
import { answer, type SyncRequest } from './SyncChannel.ts';

/** The Table API GlideRecord reads through, and the headers that make it answer as one user. */
export interface BackendSpec {
  baseUrl: string;
  headers: Record<string, string>;
}

export interface ServerJob {
  script: string;
  filename: string;
  backend: BackendSpec;
  user: UserContext;
  params: Record<string, string>;
  options: Record<string, unknown>;
  input?: unknown;
}

export interface ServerResult {
  data: Record<string, unknown>;
  logs: LogLine[];
}

type WorkerMessage =
  | { type: 'fetch'; req: SyncRequest }
  | { type: 'done'; data: Record<string, unknown>; logs: LogLine[] }
  | { type: 'error'; message: string; stack: string; logs: LogLine[] };

export class ServerScriptError extends Error {
  readonly logs: LogLine[];
  constructor(message: string, stack: string, logs: LogLine[]) {
    super(message);
    this.name = 'ServerScriptError';
    this.stack = stack;
    this.logs = logs;
  }
}

export function runServerScript(job: ServerJob): Promise<ServerResult> {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./serverWorker.ts', import.meta.url), {
    workerData: { job, port: port2, signal },
    transferList: [port2],
  });
  return new Promise<ServerResult>((resolve, reject) => {
    const finish = (fn: () => void) => {
      port1.close();
      void worker.terminate();
      fn();
    };
    port1.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'fetch') void answer(port1, signal, msg.req);
      else if (msg.type === 'done') finish(() => resolve({ data: msg.data, logs: msg.logs }));
      else finish(() => reject(new ServerScriptError(msg.message, msg.stack, msg.logs)));
    });
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`server script worker exited with ${code}`));
    });
  });
}
