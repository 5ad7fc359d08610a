// Added latency p50/p99 against concurrent sessions, for every target and viewer count measured.
import type { BenchResults } from '../results.ts';
import { lineChart, type Series } from './svg.ts';

export function latencyChart(r: BenchResults): string {
  const series: Series[] = [];
  const add = (
    name: string,
    color: string,
    c: { viewersPerSession: number; steps: BenchResults['floor']['capacity1']['steps'] },
  ) => {
    const label = `${name}, ${c.viewersPerSession} viewer${c.viewersPerSession > 1 ? 's' : ''}`;
    const points = (pick: 'p50' | 'p99') =>
      c.steps.flatMap((s): Array<[number, number]> => {
        const v = s.latencyMs[pick];
        return v === null ? [] : [[s.sessions, v]];
      });
    series.push({ label: `${label} p50`, color, dashed: true, points: points('p50') });
    series.push({ label: `${label} p99`, color, points: points('p99') });
  };
  add('floor', '#888888', r.floor.capacity1);
  add('floor', '#444444', r.floor.capacity3);
  if (r.sightline) {
    add('Sightline', '#1b6fd1', r.sightline.capacity1);
    add('Sightline', '#d1731b', r.sightline.capacity3);
  }
  return lineChart({
    title: `Added latency vs concurrent sessions (${r.traffic.replay.kbps} kbit/s each, one server core)`,
    xLabel: 'concurrent sessions',
    yLabel: 'added latency (ms)',
    series,
    budget: { y: 50, label: 'p99 budget 50 ms' },
  });
}
