// Worker thread that runs one widget server script in a fresh vm context, with GlideRecord over the
// job's Table API, and posts back the resulting `data` and the gs log lines.
import vm from 'node:vm';
import { workerData, type MessagePort } from 'node:worker_threads';
import { glideRecordClass } from './GlideRecord.ts';
import { HttpTableBackend } from './HttpTableBackend.ts';
import { makeGs, makeSp, type LogLine } from './platform.ts';
import type { ServerJob } from './runServerScript.ts';
import { syncSender } from './SyncChannel.ts';

const { job, port, signal } = workerData as { job: ServerJob; port: MessagePort; signal: Int32Array };

const backend = new HttpTableBackend(job.backend, syncSender(port, signal));

const logs: LogLine[] = [];
const GlideRecord = glideRecordClass(backend);
const data: Record<string, unknown> = {};
const context = vm.createContext({
  data,
  input: job.input === undefined ? undefined : structuredClone(job.input),
  options: structuredClone(job.options),
  $sp: makeSp(job.params),
  gs: makeGs(job.user, logs),
  GlideRecord,
  GlideRecordSecure: GlideRecord,
});

try {
  vm.runInContext(job.script, context, { filename: job.filename, timeout: 30_000 });
  // Through JSON, as the platform serializes data for the client.
  port.postMessage({ type: 'done', data: JSON.parse(JSON.stringify(data)), logs });
} catch (err) {
  const e = err as Error;
  port.postMessage({ type: 'error', message: e?.message ?? String(err), stack: e?.stack ?? '', logs });
}
