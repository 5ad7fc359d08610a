// The parent's handle on a measured server running in its own process, pinned to the server core.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { TargetReply, TargetRequest, TargetStats } from './messages.ts';
import { boost, pin, SERVER_CORES } from './pin.ts';

export class TargetProcess {
  readonly name: string;
  readonly url: string;
  readonly pinned: boolean;
  readonly boosted: boolean;
  readonly extra: Record<string, string>;
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, (s: TargetStats) => void>();
  private readonly profiling = new Map<number, () => void>();

  private constructor(
    name: string,
    child: ChildProcess,
    url: string,
    placement: { pinned: boolean; boosted: boolean },
    extra: Record<string, string>,
  ) {
    this.name = name;
    this.child = child;
    this.url = url;
    this.pinned = placement.pinned;
    this.boosted = placement.boosted;
    this.extra = extra;
    child.on('message', (m: TargetReply) => {
      if (m.type === 'profiled') {
        this.profiling.get(m.id)?.();
        this.profiling.delete(m.id);
      }
      if (m.type !== 'stats') return;
      this.waiting.get(m.id)?.(m);
      this.waiting.delete(m.id);
    });
  }

  /**
   * `--profile`: each target writes a V8 CPU profile of its same-load window here, named after it
   * (only that window: provisioning, sign-ins and write-back would drown the forwarding path).
   */
  static profileDir: string | null = null;

  static async start(name: string, entry: URL, env: Record<string, string> = {}): Promise<TargetProcess> {
    const child = fork(entry, [], {
      // SIGHTLINE_BENCH_NODE_ARGS: more flags for the measured servers, e.g. --perf-basic-prof for `perf record`.
      execArgv: [
        '--expose-gc',
        '--no-warnings',
        ...(process.env.SIGHTLINE_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, ...env },
    });
    const placement = { pinned: pin(child.pid!, SERVER_CORES), boosted: boost(child.pid!) };
    const ready = new Promise<TargetReply & { type: 'ready' }>((ok, fail) => {
      child.on('message', (m: TargetReply) => m.type === 'ready' && ok(m));
      child.once('exit', (code) => fail(new Error(`${name} exited with ${code} before it was ready`)));
    });
    const m = await ready;
    return new TargetProcess(name, child, m.url, placement, m.extra ?? {});
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts profiling this process, or stops and writes the profile to `file`. */
  profile(action: 'start'): Promise<void>;
  profile(action: 'stop', file: string): Promise<void>;
  profile(action: 'start' | 'stop', file?: string): Promise<void> {
    const id = this.nextId++;
    const done = new Promise<void>((ok) => this.profiling.set(id, ok));
    const request: TargetRequest =
      action === 'start' ? { type: 'profile', id, action } : { type: 'profile', id, action, file: file! };
    this.child.send(request);
    return done;
  }

  stats(gc = false): Promise<TargetStats> {
    const id = this.nextId++;
    const reply = new Promise<TargetStats>((ok) => this.waiting.set(id, ok));
    this.child.send({ type: 'stats', id, gc } satisfies TargetRequest);
    return reply;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send({ type: 'stop' } satisfies TargetRequest);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
