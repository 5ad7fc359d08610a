// `npm run bench [-- --quick]`: runs the benchmark and writes benchmark/results/latest.{md,json}
// and latency-vs-sessions.svg. `--capture` first re-records the traffic model in Chromium.
// `--bandwidth-only` runs just the real pages' bandwidth, legibility and glass-to-glass section
// (results/bandwidth.json). `--same-load-only` runs just the floor and the relay under the same offered
// load (results/same-load.json; with `--three-viewers`, 3 viewers per session: same-load-3.json). `--slow-only` runs just the slow-viewer scenario (results/slow-viewer.{md,json}; with `--no-simulcast`
// its presenter sends no smaller rendition, the figure before simulcast). `--profile` has
// each target write a CPU profile of its same-load window (results/profiles/), summarized in
// results/cpu-profile.md.
// `--cluster` runs just the cluster run: three relay nodes on a real Redis (results/cluster.{md,json}).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  runBandwidthOnly,
  runBench,
  runCapacityOnly,
  runSameLoadOnly,
  runSlowViewerOnly,
  PROFILES,
  REFERENCE_KBPS,
} from './bench.ts';
import { clusterSection, measureCluster } from './cluster.ts';
import { capacitySection, markdownReport, slowViewerSection } from './report/markdown.ts';
import { latencyChart } from './report/latency-chart.ts';
import { updateReadme } from './report/readme.ts';
import { summarizeProfile } from './report/cpu-profile.ts';
import { TargetProcess } from './targets/TargetProcess.ts';

const args = new Set(process.argv.slice(2));
const known = new Set([
  '--quick',
  '--smoke',
  '--capture',
  '--slow-only',
  '--no-simulcast',
  '--profile',
  '--bandwidth-only',
  '--same-load-only',
  '--three-viewers',
  '--capacity-only',
  '--cluster',
]);
for (const a of args) {
  if (!known.has(a)) {
    console.error(
      `unknown option ${a}; use --quick, --smoke, --capture, --slow-only [--no-simulcast], --bandwidth-only, ` +
        '--same-load-only [--three-viewers], --capacity-only, --cluster or --profile',
    );
    process.exit(2);
  }
}
const profile = args.has('--smoke') ? PROFILES.smoke : args.has('--quick') ? PROFILES.quick : PROFILES.full;
if (args.has('--capture')) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('./capture-traffic.ts', import.meta.url))], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(1);
}
const t0 = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const dir = new URL('../results/', import.meta.url);
const profiles = fileURLToPath(new URL('profiles/', dir));
if (args.has('--profile')) TargetProcess.profileDir = profiles;
/** `--profile`: results/cpu-profile.md from the targets' profiles of their same-load window. */
async function writeProfileSummary(startedAt: string): Promise<void> {
  const { existsSync } = await import('node:fs');
  const parts = [`# CPU profiles of the targets (\`npm run bench -- ${[...args].join(' ')}\`, ${startedAt})`, ''];
  parts.push(
    'Each profile covers the same-load window only (the same sessions, traffic and seconds for both targets).',
    '',
  );
  for (const name of ['floor', 'sightline', 'floor-idle', 'sightline-idle']) {
    const file = `${profiles}${name}.cpuprofile`;
    if (!existsSync(file)) continue;
    parts.push(
      `## ${name}`,
      '',
      `\`benchmark/results/profiles/${name}.cpuprofile\` (open in Chrome DevTools or speedscope for the flame graph)`,
      '',
      summarizeProfile(file),
    );
  }
  writeFileSync(new URL('cpu-profile.md', dir), parts.join('\n'));
  console.log('written: results/cpu-profile.md');
}
if (args.has('--capacity-only')) {
  const at = new Date().toISOString();
  const capacity = await runCapacityOnly(profile, log);
  const command = `npm run bench -- ${[...args].join(' ')}`;
  writeFileSync(new URL('capacity.json', dir), JSON.stringify({ command, at, capacity }, null, 2) + '\n');
  const targets = [
    ['floor (minimal ws forwarder)', capacity.floor],
    ['Sightline relay', capacity.sightline],
  ] as const;
  writeFileSync(
    new URL('capacity.md', dir),
    [`# Capacity (\`${command}\`, ${at})`, '', capacitySection(REFERENCE_KBPS, targets)].join('\n') + '\n',
  );
  console.log('written: results/capacity.{md,json}');
  process.exit(0);
}
if (args.has('--same-load-only')) {
  const at = new Date().toISOString();
  const viewers = args.has('--three-viewers') ? 3 : 1;
  const sameLoad = await runSameLoadOnly(profile, log, viewers);
  const command = `npm run bench -- ${[...args].join(' ')}`;
  writeFileSync(
    new URL(viewers === 1 ? 'same-load.json' : `same-load-${viewers}.json`, dir),
    JSON.stringify({ command, at, sameLoad }, null, 2) + '\n',
  );
  for (const [i, r] of sameLoad.rounds.entries())
    console.log(
      `round ${i + 1}: ` +
        [r.floor, r.sightline]
          .map(
            (s) =>
              `${s.target} ${s.forwardedFramesPerSec} frames/s, ${s.forwardedMbitPerSec} Mbit/s, CPU ${s.serverCpuPercent}% ` +
              `(${s.serverCpuPercentPerMbit}%/Mbit/s; main ${s.serverThreadsPercent?.main} (kernel ${s.serverThreadsPercent?.mainSystem}), V8 helpers ` +
              `${s.serverThreadsPercent?.v8}, other ${s.serverThreadsPercent?.other}), p99 ${s.latencyMs.p99} ms`,
          )
          .join('; ') +
        `; ratio ${r.cpuPerMbitRatio}`,
    );
  console.log(`CPU per forwarded Mbit/s, Sightline / floor, median of the rounds: ${sameLoad.medianCpuPerMbitRatio}`);
  if (args.has('--profile')) await writeProfileSummary(at);
  process.exit(0);
}
if (args.has('--bandwidth-only')) {
  const { figures: bandwidth } = await runBandwidthOnly(profile, log);
  const command = `npm run bench -- ${[...args].join(' ')}`;
  const record = { command, profile: profile.name, at: new Date().toISOString(), bandwidth };
  writeFileSync(new URL('bandwidth.json', dir), JSON.stringify(record, null, 2) + '\n');
  console.log(JSON.stringify(record, null, 2));
  process.exit(0);
}
if (args.has('--cluster')) {
  const sizes = { full: [300, 1000], quick: [150, 300], smoke: [6, 20] } as const;
  const [sessions, samples] = sizes[profile.name];
  const cluster = await measureCluster({ nodes: 3, sessions, samples }, log);
  const command = `npm run bench -- ${[...args].join(' ')}`;
  const text = clusterSection(cluster, command);
  writeFileSync(
    new URL('cluster.json', dir),
    JSON.stringify({ command, at: new Date().toISOString(), cluster }, null, 2) + '\n',
  );
  writeFileSync(new URL('cluster.md', dir), text.join('\n'));
  console.log('\n' + text.join('\n'));
  process.exit(0);
}
if (args.has('--slow-only')) {
  const slow = await runSlowViewerOnly(profile, log, !args.has('--no-simulcast'));
  const command = `npm run bench -- ${[...args].join(' ')}`;
  const text = [
    `# Slow viewer (${profile.name}), \`${command}\`, ${new Date().toISOString()}`,
    '',
    ...slowViewerSection(slow),
  ];
  writeFileSync(
    new URL('slow-viewer.json', dir),
    JSON.stringify({ command, profile: profile.name, slow }, null, 2) + '\n',
  );
  writeFileSync(new URL('slow-viewer.md', dir), text.join('\n'));
  console.log('\n' + text.join('\n'));
  process.exit(0);
}
const results = await runBench(profile, log);
const md = markdownReport(results);
writeFileSync(new URL('latest.json', dir), JSON.stringify(results, null, 2) + '\n');
writeFileSync(new URL('latest.md', dir), md);
writeFileSync(new URL('latency-vs-sessions.svg', dir), latencyChart(results));
console.log('\n' + md);
// Only a full run speaks for the README; --quick and --smoke results stay in results/.
if (profile.name === 'full' && updateReadme(md)) console.log('updated the latest figures in benchmark/README.md');
console.log(`written: ${fileURLToPath(new URL('latest.md', dir))}, latest.json, latency-vs-sessions.svg`);
if (args.has('--profile')) await writeProfileSummary(results.startedAt);
