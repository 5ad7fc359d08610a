// A load-generator process: holds sessions' presenter and viewer sockets, replays the traffic
// model on the active ones, and reports what it measured for each window the parent asks about.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import type { StreamConfig } from '@sightline/relay-service/protocol';
import { steadyPlan, type ReplayPlan } from '../traffic.ts';
import { epochMs } from './clock.ts';
import { connectClient } from './connect.ts';
import { Counters } from './Counters.ts';
import type { SessionSpec, WorkerReply, WorkerRequest } from './messages.ts';
import { Presenter } from './Presenter.ts';
import { ThrottleProxy } from './ThrottleProxy.ts';
import { onViewerFrame } from './viewer.ts';

interface LiveSession {
  presenter: Presenter;
  sockets: WebSocket[];
}

const counters = new Counters();
const sessions = new Map<string, LiveSession>();
const controlCounts = new Map<string, number>();
let plan: ReplayPlan | null = null;
let stream: StreamConfig | null = null;
let proxy: ThrottleProxy | null = null;
let windowStart = 0;
let cpuAtStart = process.cpuUsage();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

const reply = (m: WorkerReply) => process.send!(m);

function countControl(type: string, code?: string) {
  const k = code ? `${type}:${code}` : type;
  controlCounts.set(k, (controlCounts.get(k) ?? 0) + 1);
}

async function addSession(spec: SessionSpec): Promise<void> {
  const sockets: WebSocket[] = [];
  try {
    let presenter: Presenter | null = null;
    const presenterWs = await connectClient({
      kind: spec.kind,
      url: spec.presenterUrl,
      presenter: true,
      stream: stream!,
      renditions: spec.simulcast
        ? [
            {
              ...stream!,
              stream: 1,
              codedWidth: Math.ceil(stream!.codedWidth / 2),
              codedHeight: Math.ceil(stream!.codedHeight / 2),
              simulcastOf: 0,
            },
          ]
        : [],
      onControl: countControl,
      onKeyframeRequest: (s) => {
        counters.keyframeRequests++;
        presenter?.requestKeyframe(s);
      },
    });
    sockets.push(presenterWs);
    const own = spec.steady ? steadyPlan(spec.steady.fps, spec.steady.bytes) : plan!;
    presenter = new Presenter(presenterWs, own, counters, {
      hasSlowViewer: spec.slowLastViewer === true,
      sizeScale: spec.sizeScale ?? 1,
      phase: spec.phase ?? Math.random(),
      simulcast: spec.simulcast ?? null,
    });
    for (const [i, url] of spec.viewerUrls.entries()) {
      const slow = spec.slowLastViewer === true && i === spec.viewerUrls.length - 1;
      if (slow && !proxy) {
        const u = new URL(url);
        proxy = await ThrottleProxy.start({ host: u.hostname, port: Number(u.port) });
      }
      const ws = await connectClient({
        kind: spec.kind,
        url: slow ? proxy!.rewrite(url) : url,
        presenter: false,
        stream: stream!,
        onControl: countControl,
      });
      const kind = slow ? 'slow' : spec.slowLastViewer ? 'peer' : 'normal';
      ws.on('message', (data, isBinary) => isBinary && onViewerFrame(counters, ws, data, kind));
      sockets.push(ws);
    }
    sessions.set(spec.id, { presenter, sockets });
  } catch (e) {
    for (const s of sockets) s.terminate();
    throw e;
  }
}

/** Opens sessions a few at a time so the server's accept queue is not flooded. */
async function addAll(specs: SessionSpec[]): Promise<string[]> {
  const failed: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < specs.length) {
      const spec = specs[next++]!;
      await addSession(spec).catch((e: Error) => failed.push(`${spec.id}: ${e.message}`));
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return failed;
}

function windowReport(seconds: number, cpuMicros: number, eventLoopDelayP99Ms: number): WorkerReply {
  let open = 0;
  let active = 0;
  for (const s of sessions.values()) {
    if (s.presenter.active) active++;
    for (const ws of s.sockets) if (ws.readyState === ws.OPEN) open++;
  }
  return {
    type: 'window',
    report: {
      seconds,
      framesSent: counters.framesSent,
      bytesSent: counters.bytesSent,
      framesSkipped: counters.framesSkipped,
      framesReceived: counters.framesReceived,
      bytesReceived: counters.bytesReceived,
      latencies: counters.latencies.toArray(),
      slowFramesReceived: counters.slowFramesReceived,
      slowLatencies: counters.slowLatencies.toArray(),
      slowReceivedAtMs: counters.slowReceivedAt.toArray(),
      slowSessionFramesSent: counters.slowSessionFramesSent,
      peerFramesReceived: counters.peerFramesReceived,
      peerLatencies: counters.peerLatencies.toArray(),
      keyframeRequests: counters.keyframeRequests,
      cpuMicros,
      eventLoopDelayP99Ms,
      activeSessions: active,
      openSockets: open,
      control: Object.fromEntries(controlCounts),
    },
  };
}

process.on('message', async (m: WorkerRequest) => {
  try {
    switch (m.type) {
      case 'init':
        plan = m.plan;
        stream = { stream: 0, codec: m.codec, codedWidth: m.width, codedHeight: m.height, surface: 'browser' };
        return reply({ type: 'ok', of: m.type });
      case 'add':
        return reply({ type: 'ok', of: m.type, failed: await addAll(m.sessions) });
      case 'activate': {
        const on = new Set(m.ids);
        for (const [id, s] of sessions) {
          if (on.has(id)) s.presenter.start();
          else s.presenter.stop();
        }
        return reply({ type: 'ok', of: m.type });
      }
      case 'throttle':
        if (proxy) proxy.bytesPerSecond = m.bytesPerSecond;
        return reply({ type: 'ok', of: m.type });
      case 'window-start':
        counters.reset(epochMs());
        controlCounts.clear();
        loopDelay.reset();
        cpuAtStart = process.cpuUsage();
        windowStart = performance.now();
        return reply({ type: 'ok', of: m.type });
      case 'window-end': {
        counters.close(epochMs());
        const seconds = (performance.now() - windowStart) / 1000;
        const cpu = process.cpuUsage(cpuAtStart);
        const loopP99 = loopDelay.percentile(99) / 1e6;
        await new Promise((r) => setTimeout(r, m.graceMs));
        return reply(windowReport(seconds, cpu.user + cpu.system, loopP99));
      }
      case 'remove':
        for (const id of m.ids) {
          const s = sessions.get(id);
          if (!s) continue;
          s.presenter.stop();
          for (const ws of s.sockets) ws.close();
          sessions.delete(id);
        }
        return reply({ type: 'ok', of: m.type });
    }
  } catch (e) {
    reply({ type: 'error', message: (e as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
