// A CPU quota on a measured server (Linux CFS bandwidth control, cgroup v1 or v2). On two cores the
// load generator has one core against the server's one, and it costs about what a forwarder costs per
// frame: unquotaed, the capacity search ends where the load generator stops keeping up, not the server.
// On a share of its core the server stops keeping up first, so the sessions it kept up with, over
// that share, are measured per core rather than projected from CPU per session.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Short periods, so being throttled adds at most (1 - share) x 10 ms to a frame's latency. */
const PERIOD_MICROS = 10_000;

interface Hierarchy {
  root: string;
  limit(dir: string, share: number): void;
}

const v2: Hierarchy = {
  root: '/sys/fs/cgroup',
  limit: (dir, share) => writeFileSync(join(dir, 'cpu.max'), `${Math.round(share * PERIOD_MICROS)} ${PERIOD_MICROS}`),
};
const v1: Hierarchy = {
  root: '/sys/fs/cgroup/cpu',
  limit: (dir, share) => {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_MICROS));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(Math.round(share * PERIOD_MICROS)));
  },
};

function hierarchy(): Hierarchy | null {
  const controllers = join(v2.root, 'cgroup.subtree_control');
  if (existsSync(controllers) && readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu')) return v2;
  if (existsSync(join(v1.root, 'cpu.cfs_quota_us'))) return v1;
  return null;
}

const PREFIX = 'sightline-bench-';

/** Groups left by a benchmark that was killed (named after its pid, which no longer runs). */
function removeStale(root: string): void {
  for (const entry of readdirSync(root)) {
    const owner = entry.startsWith(PREFIX) ? Number(entry.slice(entry.lastIndexOf('-') + 1)) : NaN;
    if (!Number.isInteger(owner) || existsSync(`/proc/${owner}`)) continue;
    try {
      rmdirSync(join(root, entry)); // fails, and stays, while a process is still in it
    } catch {
      /* in use */
    }
  }
}

export class CpuQuota {
  readonly #hierarchy: Hierarchy;
  readonly #dir: string;
  readonly #share: number;
  #pid: number | null = null;

  private constructor(h: Hierarchy, dir: string, share: number) {
    this.#hierarchy = h;
    this.#dir = dir;
    this.#share = share;
  }

  /** A cgroup holding `share` of one core, or null where cgroups are absent or not writable here. */
  static create(name: string, share: number): CpuQuota | null {
    if (!(share > 0 && share <= 1)) throw new RangeError(`a CPU share is in (0, 1], not ${share}`);
    const h = hierarchy();
    if (!h) return null;
    removeStale(h.root);
    const dir = join(h.root, `${PREFIX}${name}-${process.pid}`);
    try {
      mkdirSync(dir, { recursive: true });
      h.limit(dir, share);
      return new CpuQuota(h, dir, share);
    } catch {
      try {
        rmdirSync(dir);
      } catch {
        /* never made */
      }
      return null;
    }
  }

  /** The share of one core the process runs on while held. */
  get share(): number {
    return this.#share;
  }

  /** Moves the process (all its threads) under the quota. */
  hold(pid: number): void {
    writeFileSync(join(this.#dir, 'cgroup.procs'), String(pid));
    this.#pid = pid;
  }

  /** Gives the process its whole core back (if it still runs). */
  unhold(): void {
    if (this.#pid === null) return;
    try {
      writeFileSync(join(this.#hierarchy.root, 'cgroup.procs'), String(this.#pid));
    } catch {
      /* the process has exited: it left the cgroup with it */
    }
    this.#pid = null;
  }

  /** Releases any process held and removes the cgroup. */
  remove(): void {
    this.unhold();
    try {
      rmdirSync(this.#dir);
    } catch {
      /* already removed */
    }
  }
}
