// The human-readable results: one table per question, the way a reader scans them.
import type { BenchResults, SlowViewerResults, TargetFigures } from '../results.ts';
import type { StepResult } from '../measure.ts';

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const x = (v: number | null | undefined) => (v == null ? 'n/a' : `${v.toFixed(2)}x`);
const within = (c: TargetFigures['capacity1']) => (c.maxSessions === null ? 'none measured' : String(c.maxSessions));
const keptUpTo = (c: TargetFigures['capacity1']) =>
  c.saturationSessions === null
    ? 'none'
    : `${c.capped ? '>= ' : ''}${c.saturationSessions}${c.limitedByLoadGenerator ? ' (load-bound)' : ''}`;
const sat = (c: TargetFigures['capacity1']): StepResult | undefined =>
  c.steps.filter((s) => s.keptUp && s.sessions === c.saturationSessions).at(-1);

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

type Capacities = Pick<TargetFigures, 'capacity1' | 'capacity3'>;

/** The capacity table: each target's search with 1 and 3 viewers per session. */
export function capacitySection(kbps: number, targets: ReadonlyArray<readonly [string, Capacities]>): string {
  const shares = new Set(targets.flatMap(([, f]) => [f.capacity1.cpuShare, f.capacity3.cpuShare]));
  const share = shares.size === 1 ? [...shares][0]! : null;
  return [
    `## Capacity on one core (${kbps} kbit/s per session)`,
    '',
    (share !== null && share < 1
      ? `Each server ran its steps on ${share * 100}% of its core (a CFS quota), so that it, not the load generator on ` +
        'the other core, stops keeping up first; the figures there are on that share. '
      : '') +
      '"Within 50 ms": the largest measured session count with p99 added latency under 50 ms and >= 98% of frames delivered. ' +
      '"Kept up to": the largest count with >= 98% delivered and the median frame within 50 ms, so no backlog growing ' +
      '(the figures after it are measured there). ' +
      '"Per core, measured": the sessions kept up with over the share of the core, where the server was what stopped ' +
      'keeping up (n/a: the cap or the load generator ended the search). ' +
      '"Projected": sessions one fully used core would hold at the median CPU cost per session of the steps that kept up.',
    '',
    table(
      [
        'target',
        'viewers',
        'within 50 ms',
        'kept up to',
        'frames/s fwd there',
        'Mbit/s fwd there',
        'p50 / p99 / p99.9 ms there',
        'server CPU there',
        'per core, measured',
        'per core, projected',
      ],
      targets.flatMap(([name, f]) =>
        [f.capacity1, f.capacity3].map((c) => {
          const s = sat(c);
          return [
            name,
            String(c.viewersPerSession),
            within(c),
            keptUpTo(c),
            s ? String(s.forwardedFramesPerSec) : 'n/a',
            s ? String(s.forwardedMbitPerSec) : 'n/a',
            s ? `${s.latencyMs.p50} / ${s.latencyMs.p99} / ${s.latencyMs.p999}` : 'n/a',
            s ? `${s.serverCpuPercent}%` : 'n/a',
            c.sessionsPerCore === null ? 'n/a' : String(c.sessionsPerCore),
            c.projectedSessionsPerCore === null ? 'n/a' : String(c.projectedSessionsPerCore),
          ];
        }),
      ),
    ),
  ].join('\n');
}

export function markdownReport(r: BenchResults): string {
  const m = r.machine;
  const targets: Array<[string, TargetFigures]> = [['floor (minimal ws forwarder)', r.floor]];
  if (r.sightline) targets.push(['Sightline relay', r.sightline]);
  const out: string[] = [];
  out.push(
    `# Sightline benchmark (${r.profile})`,
    '',
    `Run \`${r.command}\` on ${r.startedAt}: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ` +
      `Chromium ${m.chromium ?? 'n/a'}; server pinned to core 0 and load generator to the others: ${m.pinned ? 'yes' : 'no'}; ` +
      `load average ${m.loadAverageAtStart} at the start and ${m.loadAverage1m} at the end; an idle timer on the server core ` +
      `fired late by p50 ${m.timerLatenessMs.p50} / p99 ${m.timerLatenessMs.p99} / max ${m.timerLatenessMs.max} ms. Took ${r.durationSeconds} s.`,
    '',
    `Load: the traffic of a real WebCodecs encoder on a scripted support session (${r.traffic.captured.frames} chunks, ` +
      `${r.traffic.captured.avgKbps} kbit/s as captured, ${Math.round(r.traffic.captured.idleShare * 100)}% of seconds idle), ` +
      `replayed per session at ${r.traffic.replay.kbps} kbit/s and ${r.traffic.replay.fps} frames/s (sizes x${r.traffic.replay.sizeScale}).`,
    '',
    '## Same offered load',
    '',
    table(
      [
        'target',
        'sessions',
        'frames/s fwd',
        'Mbit/s fwd',
        'delivered',
        'latency p50 / p99 / p99.9 ms',
        'server CPU',
        'CPU % per Mbit/s',
        'memory / idle session',
        'memory / active session',
      ],
      targets.map(([name, f]) => [
        name,
        String(f.reference.sessions),
        String(f.reference.forwardedFramesPerSec),
        String(f.reference.forwardedMbitPerSec),
        `${(f.reference.deliveredRatio * 100).toFixed(1)}%`,
        `${f.reference.latencyMs.p50} / ${f.reference.latencyMs.p99} / ${f.reference.latencyMs.p999}`,
        `${f.reference.serverCpuPercent}%`,
        String(f.reference.serverCpuPercentPerMbit),
        `${kib(f.memory.idlePerSession.heapUsedBytes)} heap, ${kib(f.memory.idlePerSession.rssBytes)} RSS`,
        `${kib(f.memory.activePerSession.heapUsedBytes)} heap, ${kib(f.memory.activePerSession.rssBytes)} RSS`,
      ]),
    ),
    '',
    capacitySection(r.traffic.replay.kbps, targets),
    '',
  );
  if (r.ratios) {
    out.push(
      '## Sightline / floor',
      '',
      table(
        ['figure', 'ratio'],
        [
          ['forwarded frames/s at the same offered load', x(r.ratios.forwardedFramesAtSameLoad)],
          ['forwarded bytes/s at the same offered load', x(r.ratios.forwardedBytesAtSameLoad)],
          ['server CPU at the same offered load (lower is better)', x(r.ratios.cpuAtSameLoad)],
          [
            `server CPU per forwarded Mbit/s, median of ${r.sameLoad?.rounds.length ?? 0} interleaved rounds (lower is better)`,
            x(r.ratios.cpuPerMbitAtSameLoad),
          ],
          ['sessions within 50 ms, 1 viewer', x(r.ratios.capacity1)],
          ['sessions within 50 ms, 3 viewers', x(r.ratios.capacity3)],
          ['sessions kept up with, 1 viewer', x(r.ratios.saturationSessions1)],
          ['sessions kept up with, 3 viewers', x(r.ratios.saturationSessions3)],
          ['sessions per core, measured, 1 viewer', x(r.ratios.sessionsPerCore1)],
          ['sessions per core, measured, 3 viewers', x(r.ratios.sessionsPerCore3)],
          ['projected sessions per core, 1 viewer', x(r.ratios.projectedSessionsPerCore1)],
          ['projected sessions per core, 3 viewers', x(r.ratios.projectedSessionsPerCore3)],
          ['saturation throughput (frames/s), 1 viewer', x(r.ratios.saturationFramesPerSec1)],
          ['saturation throughput (frames/s), 3 viewers', x(r.ratios.saturationFramesPerSec3)],
        ],
      ),
      '',
    );
  } else out.push(`Sightline was not measured: ${r.sightlineError}`, '');
  if (r.slowViewer) out.push(...slowViewerSection(r.slowViewer));
  const b = r.bandwidth;
  out.push(
    '## Bandwidth per session and legibility',
    '',
    `${b.label}. Codec ${b.codec}, ${b.durationSeconds} s scripted session (typing, reading, scrolling, switching windows, idle).`,
    '',
    table(
      [
        'average kbit/s',
        'peak kbit/s (1 s)',
        'frames/s',
        'idle seconds',
        'glass-to-glass p50 / p99 ms',
        'reference product',
      ],
      [
        [
          String(b.avgKbps),
          String(b.peakKbps),
          String(b.avgFps),
          `${Math.round(b.idleShare * 100)}%`,
          b.glassToGlassMs ? `${b.glassToGlassMs.p50} / ${b.glassToGlassMs.p99}` : 'n/a (loopback)',
          `${b.referenceKbps[0]}-${b.referenceKbps[1]} kbit/s average`,
        ],
      ],
    ),
    '',
    table(
      ['moment (text-heavy)', 'SSIM', 'PSNR (luma)'],
      b.quality.map((q) => [`${q.label} (${q.atSeconds} s)`, String(q.ssim), `${q.psnrDb} dB`]),
    ),
    '',
  );
  if (r.recordingCodec) out.push(...recordingCodecSection(r.recordingCodec));
  if (r.notes.length) out.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  out.push(
    `Memory baseline of the processes: ${targets.map(([n, f]) => `${n} ${mib(f.memory.baseline.rssBytes)} RSS`).join(', ')}.`,
    '',
  );
  return out.join('\n');
}

/** The slow-viewer scenario: what the others see with and without it, and how old its frames are. */
export function slowViewerSection(s: SlowViewerResults): string[] {
  const row = (label: string, p: typeof s.without) => [
    label,
    String(p.presenterFramesPerSec),
    `${p.peerLatencyMs.p50} / ${p.peerLatencyMs.p99}`,
    String(p.peerFramesPerSec),
    `${p.otherViewersLatencyMs.p50} / ${p.otherViewersLatencyMs.p99}`,
    String(p.slowViewerFramesPerSec),
    `${p.slowViewerAgeMs.p50} / ${p.slowViewerAgeMs.p99} / ${p.slowViewerAgeMs.max}`,
    String(p.keyframeRequests),
  ];
  const age = s.with.slowViewerAgeMs;
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? 'n/a' : x(a / b));
  const bound = (upToMs: number | null, i: number) =>
    upToMs === null ? `> ${age.histogram[i - 1]!.upToMs} ms` : `<= ${upToMs} ms`;
  return [
    '## Slow viewer',
    '',
    `One session at ${s.sessionKbps} kbit/s with 3 viewers, the third on a link carrying ${kib(s.throttleBytesPerSec)}/s ` +
      `(10% of the stream), among ${s.backgroundSessions} reference sessions; ${s.with.seconds} s measured with the ` +
      `slow link (after it had been throttled for a few seconds) and ${s.without.seconds} s without.`,
    '',
    table(
      [
        '',
        'presenter frames/s',
        'other viewers of the session p50 / p99 ms',
        'their frames/s each',
        'all other viewers p50 / p99 ms',
        'slow viewer frames/s',
        'slow viewer frame age p50 / p99 / max ms',
        'keyframe requests',
      ],
      [row('without slow viewer', s.without), row('with slow viewer', s.with)],
    ),
    '',
    `Other viewers of the session, p99 with / without the slow viewer: ${ratio(s.with.peerLatencyMs.p99, s.without.peerLatencyMs.p99)}; ` +
      `all other viewers: ${ratio(s.with.otherViewersLatencyMs.p99, s.without.otherViewersLatencyMs.p99)}.`,
    '',
    `The slow viewer's frames by age on arrival (${age.samples} frames, p90 ${age.p90} ms):`,
    '',
    table(
      age.histogram.map((h, i) => bound(h.upToMs, i)),
      [age.histogram.map((h) => String(h.frames))],
    ),
    '',
    'And over the window (frames, p99 / max age in ms per slice):',
    '',
    table(
      age.slices.map((sl) => `${sl.fromSeconds} s`),
      [age.slices.map((sl) => `${sl.frames}: ${sl.p99} / ${sl.max}`)],
    ),
    '',
  ];
}

/** The presenter's cost of a recorded session: H.264 (recorded as MP4) against the live codec. */
export function recordingCodecSection(c: NonNullable<BenchResults['recordingCodec']>): string[] {
  const runs = [['live', c.live] as const, ...(c.recording ? [['while recording', c.recording] as const] : [])];
  return [
    '## Recording codec: what H.264 costs the presenter',
    '',
    `While a session is recorded the join page encodes H.264 (recorded as faststart MP4, which Safari on iPhone and iPad plays) ` +
      `instead of its live codec. The same ${c.durationSeconds} s scripted session, loopback in one Chromium in virtual time, ` +
      `${c.rounds} rounds in alternating order (medians). CPU: all Chromium processes over the run (encoder, loopback decoder, canvas).`,
    '',
    table(
      [
        'encoding',
        'codec',
        'average kbit/s',
        'peak kbit/s (1 s)',
        'keyframe KB',
        'CPU s',
        'encoder busy s',
        'lowest SSIM',
      ],
      runs.map(([label, r]) => [
        label,
        r.codec,
        String(r.avgKbps),
        String(r.peakKbps),
        String(r.keyframeKB),
        String(r.cpuSeconds),
        String(r.encodeSeconds),
        r.minSsim === null ? 'n/a' : String(r.minSsim),
      ]),
    ),
    '',
    c.ratios
      ? `H.264 / live, same rounds: bandwidth ${c.ratios.bandwidth}, CPU ${c.ratios.cpu}, encoder busy time ${c.ratios.encode}.`
      : 'This Chromium has no H.264 encoder: recordings would be WebM.',
    '',
  ];
}
