// Small numeric helpers for the figures.

/** Percentile by nearest rank of an ascending-sorted array (NaN when empty). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  // The epsilon keeps float error (99.9 / 100 * 1000 = 999.0000000000001) from moving up a rank.
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p * sorted.length) / 100 - 1e-9) - 1));
  return sorted[rank]!;
}

/** Percentiles are null when there were no samples. */
export interface LatencySummary {
  samples: number;
  p50: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

export function summarizeLatency(samples: Float64Array): LatencySummary {
  const sorted = samples.slice().sort();
  const at = (p: number) => (sorted.length === 0 ? null : Math.round(percentile(sorted, p) * 100) / 100);
  return { samples: sorted.length, p50: at(50), p99: at(99), p999: at(99.9), max: at(100) };
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
