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

const AGE_BOUNDS_MS = [250, 500, 1000, 2000, 5000, 10_000];

/** The distribution of frame ages (ms) and how it moved over the window (`receivedAtMs`, same order). */
export function summarizeAge(ages: Float64Array, receivedAtMs: Float64Array, sliceSeconds: number) {
  const sorted = ages.slice().sort();
  const at = (s: Float64Array, p: number) => (s.length === 0 ? null : Math.round(percentile(s, p)));
  const histogram = [...AGE_BOUNDS_MS, null].map((upToMs, i) => {
    const lower = i === 0 ? -Infinity : AGE_BOUNDS_MS[i - 1]!;
    const upper = upToMs ?? Infinity;
    return { upToMs, frames: sorted.filter((a) => a > lower && a <= upper).length };
  });
  const bySlice = new Map<number, number[]>();
  for (let i = 0; i < ages.length; i++) {
    const slice = Math.floor(receivedAtMs[i]! / 1000 / sliceSeconds);
    bySlice.set(slice, [...(bySlice.get(slice) ?? []), ages[i]!]);
  }
  const slices = [...bySlice.keys()]
    .sort((a, b) => a - b)
    .map((k) => {
      const s = Float64Array.from(bySlice.get(k)!).sort();
      return { fromSeconds: k * sliceSeconds, frames: s.length, p99: at(s, 99), max: at(s, 100) };
    });
  return {
    samples: sorted.length,
    p50: at(sorted, 50),
    p90: at(sorted, 90),
    p99: at(sorted, 99),
    max: at(sorted, 100),
    histogram,
    slices,
  };
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
