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
  /** 1-minute load average when the run started and when it ended (others' work on a shared machine). */
  loadAverageAtStart: number;
  loadAverage1m: number;
  hostname: string;
  pinned: boolean;
  /** Server and load processes ran at raised priority (nice -10). */
  boosted: boolean;
}

export const loadAverageNow = () => Math.round(loadavg()[0]! * 100) / 100;

export function machineInfo(o: {
  pinned: boolean;
  boosted: boolean;
  chromium: string | null;
  loadAverageAtStart: number;
}): MachineInfo {
  const gib = (b: number) => Math.round((b / 2 ** 30) * 10) / 10;
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    os: `${process.platform} ${release()}`,
    node: process.version,
    chromium: o.chromium,
    loadAverageAtStart: o.loadAverageAtStart,
    loadAverage1m: loadAverageNow(),
    hostname: hostname(),
    pinned: o.pinned,
    boosted: o.boosted,
  };
}
