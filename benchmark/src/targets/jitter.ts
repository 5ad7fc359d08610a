// Measures the machine's scheduling noise on the server core (see jitter-main.ts).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { boost, pin, SERVER_CORES } from './pin.ts';

export interface Jitter {
  /** Timer ticks that fired, of those expected (fewer: the process was not running). */
  ticks: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
}

export async function measureJitter(seconds = 3): Promise<Jitter> {
  const child = fork(new URL('./jitter-main.ts', import.meta.url), [String(seconds)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  pin(child.pid!, SERVER_CORES);
  boost(child.pid!);
  const [result] = (await once(child, 'message')) as [Jitter];
  return result;
}
