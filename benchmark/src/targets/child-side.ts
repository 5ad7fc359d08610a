// The measured process's side of the benchmark's IPC: reports its own CPU time and memory.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { TargetReply, TargetRequest, TargetStats } from './messages.ts';

/** Linux: this process's CPU time by thread kind, microseconds (10 ms ticks): the main thread against
 * V8's helper threads (concurrent GC, compilers) and the rest (libuv's pool). Null elsewhere. */
function threadCpu(): TargetStats['threadMicros'] {
  try {
    const out = { main: 0, mainSystem: 0, v8: 0, other: 0 };
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const micros = (Number(fields[11]) + Number(fields[12])) * 10_000; // utime + stime, 100 Hz ticks
      if (tid === String(process.pid)) {
        out.main += micros;
        out.mainSystem += Number(fields[12]) * 10_000;
      } else if (comm.startsWith('V8')) out.v8 += micros;
      else out.other += micros;
    }
    return out;
  } catch {
    return null;
  }
}

/** Tells the parent the target is listening, then answers stats requests until told to stop. */
export function serveTargetIpc(
  url: string,
  close: () => Promise<void>,
  extra: () => Pick<TargetStats, 'writeBack' | 'liveSessions'> = () => ({}),
): void {
  const send = (m: TargetReply) => process.send?.(m);
  let inspector: Session | null = null;
  process.on('message', async (m: TargetRequest) => {
    if (m.type === 'profile') {
      // The profiler runs in this process, so only the window asked about is in the profile.
      if (m.action === 'start') {
        inspector ??= new Session();
        inspector.connect();
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.setSamplingInterval', { interval: 500 });
        await inspector.post('Profiler.start');
      } else if (inspector) {
        const { profile } = await inspector.post('Profiler.stop');
        writeFileSync(m.file, JSON.stringify(profile));
        inspector.disconnect();
      }
      send({ type: 'profiled', id: m.id });
    } else if (m.type === 'stats') {
      // --expose-gc: collect first so heap figures are live objects, not garbage awaiting collection.
      if (m.gc && typeof globalThis.gc === 'function') globalThis.gc();
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      send({
        type: 'stats',
        id: m.id,
        cpuMicros: cpu.user + cpu.system,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        externalBytes: mem.external + mem.arrayBuffers,
        atMs: performance.now(),
        threadMicros: threadCpu(),
        ...extra(),
      });
    } else if (m.type === 'stop') {
      await close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url });
}
