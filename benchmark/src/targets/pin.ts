// CPU pinning with taskset, so "per core" figures are honest: the measured server gets core 0,
// the load generator the other cores. Without taskset (or on one core) nothing is pinned.
import { execFileSync } from 'node:child_process';
import { availableParallelism, setPriority } from 'node:os';

export const SERVER_CORES = '0';
export const LOAD_CORES = availableParallelism() > 1 ? `1-${availableParallelism() - 1}` : '0';

let available: boolean | undefined;
export function canPin(): boolean {
  if (available === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      available = availableParallelism() > 1;
    } catch {
      available = false;
    }
  }
  return available;
}

/** Pins every thread of `pid` (threads started later inherit it). Returns whether it did. */
export function pin(pid: number, cores: string): boolean {
  if (!canPin()) return false;
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
  return true;
}

/**
 * Raises the scheduling priority of a benchmark process (nice -10) where allowed: on a shared
 * machine the measured processes should wait for the CPU as little as possible, or other people's
 * work shows up as "added latency". Returns whether it did.
 */
export const BOOSTED_NICE = -10;
export function boost(pid: number): boolean {
  try {
    setPriority(pid, BOOSTED_NICE);
    return true;
  } catch {
    return false;
  }
}
