// The capacity search's CPU quota holds a busy process to its share of a core, and lets it go.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { test } from 'node:test';
import { CpuQuota } from '../src/targets/CpuQuota.ts';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
/** Seconds of CPU the process has used (user + system, from /proc). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
};
/** The process's group in the cpu hierarchy (v1 "N:cpu,...:/path" or v2 "0::/path"). */
const cpuGroup = (pid: number) => {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const line = lines.find((l) => /^\d+:[^:]*\bcpu\b[^:]*:/.test(l)) ?? lines.find((l) => l.startsWith('0::'))!;
  return line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a share must be in (0, 1]', () => {
  assert.throws(() => CpuQuota.create('bad', 0), RangeError);
  assert.throws(() => CpuQuota.create('bad', 1.5), RangeError);
});

test('a busy process held on a quarter of a core uses at most a quarter, and leaves the quota when let go', async (t) => {
  const quota = CpuQuota.create('test', 0.25);
  const root = process.platform === 'linux' && process.getuid?.() === 0;
  if (!quota) {
    // Only where cgroups cannot be written (not root, not Linux): the benchmark then runs unquotaed.
    assert.equal(root, false, 'root on Linux with a cpu controller mounted: the quota must be available');
    return;
  }
  const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  t.after(() => {
    busy.kill('SIGKILL');
    quota.remove();
  });
  await once(busy, 'spawn');
  quota.hold(busy.pid!);
  const window = async () => {
    const [c0, t0] = [cpuSeconds(busy.pid!), performance.now()];
    await sleep(1000);
    return (cpuSeconds(busy.pid!) - c0) / ((performance.now() - t0) / 1000);
  };
  const held = await window();
  // An upper bound only (the scheduler enforces it); a loaded machine may give it less.
  assert.ok(held <= 0.25 + 0.05, `held on 25%, it used ${(held * 100).toFixed(0)}% of a core`);
  assert.match(cpuGroup(busy.pid!), /sightline-bench-test-/);
  quota.unhold();
  // Let go, it is back in the root group (how much CPU it then gets is the machine's business).
  assert.equal(cpuGroup(busy.pid!), '/');
});
