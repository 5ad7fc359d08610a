// The plugin's small modules: resumable streaming download against a real HTTP server that honours
// Range, SOQL literals, the package contract against force-app, and the committed JSON schemas.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { downloadFile } from '../src/lib/download.ts';
import { PACKAGE_FIELDS, PERMISSION_SETS, ADMIN_PERMISSION, EXTERNAL_CLIENT_APP } from '../src/lib/packageContract.ts';
import { safeFileName } from '../src/lib/recordings.ts';
import { resultJsonSchemas, SCHEMAS_DIR } from '../src/lib/schemas.ts';
import { quote, soqlDateTime } from '../src/lib/soql.ts';

const FILE = randomBytes(3 * 1024 * 1024 + 17);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('downloadFile', () => {
  let server: Server;
  let url = '';
  const seen: { range: string | undefined; auth: string | undefined }[] = [];
  let cutAfter: number | null = null;

  before(async () => {
    server = createServer((req, res) => {
      seen.push({ range: req.headers.range, auth: req.headers.authorization });
      if (req.headers.authorization !== 'Bearer good') {
        res.statusCode = 401;
        return res.end('[{"errorCode":"INVALID_SESSION_ID"}]');
      }
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const from = m ? Number(m[1]) : 0;
      res.setHeader('accept-ranges', 'bytes');
      if (m) {
        res.statusCode = 206;
        res.setHeader('content-range', `bytes ${from}-${FILE.length - 1}/${FILE.length}`);
      }
      res.setHeader('content-length', String(FILE.length - from));
      const body = FILE.subarray(from);
      if (cutAfter !== null) {
        // The connection drops part-way, as a flaky network does.
        res.write(body.subarray(0, cutAfter), () => res.destroy());
        return;
      }
      res.end(body);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/VersionData`;
  });
  after(() => new Promise<void>((ok) => server.close(() => ok())));

  test('an interrupted download resumes with Range from the .part file and ends byte-identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-dl-'));
    try {
      const path = join(dir, 'rec.webm');
      const progress: number[] = [];
      cutAfter = 1024 * 1024;
      await assert.rejects(
        downloadFile({ url, token: async () => 'good', path, size: FILE.length, onBytes: (n) => progress.push(n) }),
      );
      assert.ok(existsSync(`${path}.part`) && !existsSync(path), 'the partial bytes are kept as .part');
      const partial = readFileSync(`${path}.part`).length;
      assert.ok(partial > 0 && partial < FILE.length);
      cutAfter = null;
      seen.length = 0;
      const status = await downloadFile({
        url,
        token: async () => 'good',
        path,
        size: FILE.length,
        onBytes: (n) => progress.push(n),
      });
      assert.equal(status, 'resumed');
      assert.equal(seen[0]!.range, `bytes=${partial}-`);
      assert.equal(sha(readFileSync(path)), sha(FILE));
      assert.ok(!existsSync(`${path}.part`));
      assert.equal(progress.at(-1), FILE.length);
      // Already complete on disk: nothing is fetched.
      seen.length = 0;
      assert.equal(await downloadFile({ url, token: async () => 'good', path, size: FILE.length }), 'skipped');
      assert.equal(seen.length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a 401 refreshes the token once and retries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-dl-'));
    try {
      let token = 'stale';
      const status = await downloadFile({
        url,
        token: async () => token,
        refresh: async () => {
          token = 'good';
        },
        path: join(dir, 'a.webm'),
        size: FILE.length,
      });
      assert.equal(status, 'downloaded');
      assert.equal(sha(readFileSync(join(dir, 'a.webm'))), sha(FILE));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a size that does not match what the org said is an error, and the file is not renamed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-dl-'));
    try {
      const path = join(dir, 'b.webm');
      await assert.rejects(
        downloadFile({ url, token: async () => 'good', path, size: FILE.length + 5 }),
        /got \d+ of \d+ bytes/,
      );
      assert.ok(!existsSync(path));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('SOQL literals: quotes and backslashes escaped, dates normalised, nonsense refused', () => {
  assert.equal(quote("o'brien\\x"), "'o\\'brien\\\\x'");
  assert.equal(soqlDateTime('2026-11-30'), '2026-11-30T00:00:00Z');
  assert.equal(soqlDateTime('2026-11-30T10:15:00+01:00'), '2026-11-30T09:15:00Z');
  assert.throws(() => soqlDateTime('yesterday'), /not a date/);
  assert.throws(() => soqlDateTime("2026-11-30' OR Name != '"), /not a date/);
});

test('file names from the org cannot leave the output folder', () => {
  assert.equal(safeFileName('../../etc/passwd', 'x'), 'passwd');
  assert.equal(safeFileName('..', '068x'), '068x');
  assert.equal(safeFileName('rec ok-1.webm', 'x'), 'rec ok-1.webm');
});

test('the package contract names what force-app defines', () => {
  const main = resolve(import.meta.dirname, '../../force-app/main/default');
  for (const [object, fields] of Object.entries(PACKAGE_FIELDS)) {
    const dir = join(main, 'objects', object === 'Task' ? 'Activity' : object, 'fields');
    const defined = new Set(readdirSync(dir).map((f) => f.replace('.field-meta.xml', '')));
    for (const f of fields) assert.ok(defined.has(f), `${object}.${f} is in force-app`);
  }
  for (const name of Object.values(PERMISSION_SETS))
    assert.ok(existsSync(join(main, `permissionsets/${name}.permissionset-meta.xml`)));
  assert.ok(existsSync(join(main, `customPermissions/${ADMIN_PERMISSION}.customPermission-meta.xml`)));
  assert.ok(existsSync(join(main, `externalClientApps/${EXTERNAL_CLIENT_APP}.eca-meta.xml`)));
  assert.match(
    readFileSync(join(main, 'permissionsets/Sightline_Manager.permissionset-meta.xml'), 'utf8'),
    /<name>Sightline_Admin<\/name>/,
  );
});

test('schemas/*.json are the current result schemas (node sf-plugin/scripts/write-schemas.ts rewrites them)', () => {
  const expected = resultJsonSchemas();
  const committed = readdirSync(SCHEMAS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  assert.deepEqual(committed, Object.keys(expected).sort());
  for (const [file, text] of Object.entries(expected))
    assert.equal(readFileSync(new URL(file, SCHEMAS_DIR), 'utf8'), text, file);
});
