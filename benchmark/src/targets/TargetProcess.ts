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
      if (m.type !== 'stats') return;
      this.waiting.get(m.id)?.(m);
      this.waiting.delete(m.id);
    });
  }

  /** `--profile`: each target writes a V8 CPU profile of its whole run here, named after it. */
  static profileDir: string | null = null;

  static async start(name: string, entry: URL, env: Record<string, string> = {}): Promise<TargetProcess> {
    const profiling = TargetProcess.profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${TargetProcess.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [];
    const child = fork(entry, [], {
      execArgv: ['--expose-gc', '--no-warnings', ...profiling],
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
    // A profiled target writes its profile on exit: give it time rather than kill it.
    const timer = setTimeout(() => this.child.kill('SIGKILL'), TargetProcess.profileDir ? 120_000 : 5000);
    await exited;
    clearTimeout(timer);
  }
}
