// The machine a run happened on, for the results file.
import { cpus, freemem, loadavg, totalmem, availableParallelism, hostname, release } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  os: string;
  node: string;
  chromium: string | null;
  loadAverage1m: number;
  hostname: string;
  pinned: boolean;
}

export function machineInfo(pinned: boolean, chromium: string | null): MachineInfo {
  const gib = (b: number) => Math.round((b / 2 ** 30) * 10) / 10;
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    os: `${process.platform} ${release()}`,
    node: process.version,
    chromium,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    hostname: hostname(),
    pinned,
  };
}
