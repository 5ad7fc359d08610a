// The measured process's side of the benchmark's IPC: reports its own CPU time and memory.
import type { TargetReply, TargetRequest, TargetStats } from './messages.ts';

/** Tells the parent the target is listening, then answers stats requests until told to stop. */
export function serveTargetIpc(
  url: string,
  close: () => Promise<void>,
  extra: () => Pick<TargetStats, 'writeBack' | 'liveSessions'> = () => ({}),
): void {
  const send = (m: TargetReply) => process.send?.(m);
  process.on('message', async (m: TargetRequest) => {
    if (m.type === 'stats') {
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
