// `npm test`: every suite of every part, one summary line at the end ("N passed, N failed").
//   node   - unit and integration tests (node:test) of every workspace, against real local servers
//   lwc    - the Lightning Web Components of force-app and the relay's pages (@salesforce/sfdx-lwc-jest)
//   e2e    - browser suites (two sites, third-party cookies blocked; Debian's Chromium and Firefox ESR),
//            one file at a time
// Usage: node scripts/run-tests.ts [--suite node|lwc|e2e]... [file filter substring]
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `Sightline needs Node.js 22 or newer (this is ${process.version}); run it through npm so the bundled Node 24 is used.`,
  );
  process.exit(1);
}

const args = process.argv.slice(2);
const suites = new Set<string>();
const filters: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--suite') suites.add(args[++i] ?? '');
  else filters.push(args[i]!);
}
const wanted = (s: string) => suites.size === 0 || suites.has(s);

const ensure = spawnSync('bash', ['scripts/ensure-system-deps.sh'], { stdio: 'inherit' });
if (ensure.status !== 0) process.exit(1);

interface Tally {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
}
const tallies: Tally[] = [];

const pick = (patterns: string[]) =>
  patterns
    .flatMap((p) => globSync(p, { exclude: (f) => f.includes('node_modules') }))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();

async function nodeSuite(name: string, files: string[], concurrency: number): Promise<void> {
  const tally: Tally = { suite: name, passed: 0, failed: 0, skipped: 0 };
  tallies.push(tally);
  if (files.length === 0) return;
  console.log(`\n=== ${name}: ${files.length} test files ===`);
  const stream = run({ files, concurrency, isolation: 'process', timeout: 10 * 60_000 });
  stream.on('test:pass', (e) => {
    if (e.details.type === 'suite') return;
    if (e.skip || e.todo) tally.skipped++;
    else tally.passed++;
  });
  stream.on('test:fail', (e) => {
    if (e.details.type !== 'suite') tally.failed++;
  });
  await new Promise<void>((done) => {
    const out = stream.compose(spec);
    out.on('data', (chunk) => process.stdout.write(chunk));
    out.on('end', done);
  });
}

function lwcSuite(): void {
  const tally: Tally = { suite: 'lwc', passed: 0, failed: 0, skipped: 0 };
  tallies.push(tally);
  const testFiles = pick(['force-app/**/__tests__/**/*.test.js', 'relay-service/web/**/__tests__/**/*.test.js']);
  if (testFiles.length === 0) return;
  console.log(`\n=== lwc: ${testFiles.length} test files ===`);
  const dir = mkdtempSync(join(tmpdir(), 'sightline-jest-'));
  const outFile = join(dir, 'results.json');
  const res = spawnSync('npx', ['sfdx-lwc-jest', '--', '--json', `--outputFile=${outFile}`, ...filters], {
    stdio: 'inherit',
  });
  if (!existsSync(outFile)) {
    tally.failed++;
    console.error(`lwc: jest exited ${res.status} without results`);
  } else {
    const r = JSON.parse(readFileSync(outFile, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numRuntimeErrorTestSuites: number;
    };
    tally.passed = r.numPassedTests;
    tally.failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    tally.skipped = r.numPendingTests;
  }
  rmSync(dir, { recursive: true, force: true });
}

const nodePatterns = [
  'config/test/**/*.test.ts',
  'crm-sandbox/test/**/*.test.ts',
  'relay-service/test/**/*.test.ts',
  'servicenow-app/test/**/*.test.ts',
  'benchmark/test/**/*.test.ts',
  'scripts/test/**/*.test.ts',
  'desktop-client/test/**/*.test.ts',
  'sf-plugin/test/**/*.test.ts',
  // NUTs: the real `sf` binary with the plugin linked, against the sandbox and a running relay.
  'sf-plugin/test/**/*.nut.ts',
];
if (wanted('node')) await nodeSuite('node', pick(nodePatterns), 2);
if (wanted('lwc')) lwcSuite();
if (wanted('e2e')) await nodeSuite('e2e', pick(['e2e-tests/**/*.test.ts']), 1);

console.log('\n=== summary ===');
for (const t of tallies)
  console.log(`${t.suite.padEnd(6)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
const passed = tallies.reduce((n, t) => n + t.passed, 0);
const failed = tallies.reduce((n, t) => n + t.failed, 0);
const skipped = tallies.reduce((n, t) => n + t.skipped, 0);
// Skips are not allowed in CI: count them as failures so nothing is silently left out.
const failedTotal = failed + (process.env.CI ? skipped : 0);
console.log(`${passed} passed, ${failedTotal} failed`);
process.exit(failedTotal === 0 && passed > 0 ? 0 : 1);
