// `now-sdk build` and `now-sdk pack` run offline (every proxy points at a closed port) and the
// built update set holds the widget, the UI action, the roles, the properties, the OAuth entry and
// the ACLs. The XML is parsed, not grepped.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import JSZip from 'jszip';

const app = resolve(import.meta.dirname, '..');
const nowSdk = join(resolve(findPackageJSON('@servicenow/sdk', import.meta.url)!, '..'), 'bin', 'index.js');
const offline = {
  ...process.env,
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  npm_config_registry: 'http://127.0.0.1:9/',
  NO_PROXY: '',
};

function nowSdkRun(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [nowSdk, ...args], { cwd: app, env: offline });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

type Row = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: false,
});

/** One `<record_update>` file -> its table and the record's fields (text values). */
function parseRecordUpdate(xml: string, file: string): { table: string; row: Row } {
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, `${file} is not well-formed XML: ${JSON.stringify(valid)}`);
  const doc = parser.parse(xml) as { record_update?: Row };
  assert.ok(doc.record_update, `${file} has no <record_update>`);
  const tables = Object.keys(doc.record_update).filter((k) => !k.startsWith('@') && !k.startsWith('#'));
  assert.equal(tables.length, 1, `${file} holds exactly one record`);
  const table = tables[0]!;
  return { table, row: doc.record_update[table] as Row };
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v && typeof v === 'object' && '#text' in v ? String((v as Row)['#text']) : '';

function byTable(files: Map<string, string>): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const [file, xml] of files) {
    if (!file.includes('update/')) continue;
    const { table, row } = parseRecordUpdate(xml, file);
    out.set(table, [...(out.get(table) ?? []), row]);
  }
  return out;
}

function assertMetadata(tables: Map<string, Row[]>): void {
  const widgets = tables.get('sp_widget') ?? [];
  assert.equal(widgets.length, 1);
  const w = widgets[0]!;
  assert.equal(text(w.id), 'x_sightline_share_screen_share');
  assert.equal(text(w.name), 'Sightline Screen Share');
  assert.match(text(w.template), /Start Screen Share/);
  assert.match(text(w.template), /c\.session\.key/);
  assert.match(text(w.client_script), /^api\.controller = function \(\$scope, \$http/);
  assert.match(text(w.script), /sys_attachment/);
  assert.match(text(w.css), /\.sightline-share/);
  assert.equal(text(w.controller_as), 'c');
  assert.deepEqual(text(w.roles).split(','), ['x_sightline_share.agent', 'x_sightline_share.manager']);
  const optionNames = (JSON.parse(text(w.option_schema)) as { name: string }[]).map((o) => o.name);
  assert.deepEqual(optionNames, ['table', 'sys_id', 'show_recordings', 'show_attendees', 'poll_seconds']);

  const actions = tables.get('sys_ui_action') ?? [];
  assert.equal(actions.length, 1);
  const a = actions[0]!;
  assert.equal(text(a.name), 'Start Screen Share');
  assert.equal(text(a.table), 'incident');
  assert.equal(text(a.client), 'true');
  assert.equal(text(a.form_button), 'true');
  assert.equal(text(a.onclick), 'sightlineStartScreenShare()');
  assert.match(text(a.script), /g_navigation\.openPopup\(/);
  assert.doesNotMatch(
    text(a.script),
    /\bwindow\.|\bfetch\(/,
    'a scoped client script touches no window and calls no relay',
  );
  assert.match(text(a.script), /\/auth\/servicenow\?start=/);
  const actionRoles = (tables.get('sys_ui_action_role') ?? []).map((r) => (r.sys_user_role as Row)['@name']);
  assert.deepEqual(actionRoles, ['x_sightline_share.agent']);

  const roles = (tables.get('sys_user_role') ?? []).map((r) => text(r.name)).sort();
  assert.deepEqual(roles, ['x_sightline_share.agent', 'x_sightline_share.manager', 'x_sightline_share.supervisor']);
  const contains = tables.get('sys_user_role_contains') ?? [];
  assert.equal(contains.length, 1);
  assert.equal((contains[0]!.role as Row)['@name'], 'x_sightline_share.manager');
  assert.equal((contains[0]!.contains as Row)['@name'], 'x_sightline_share.agent');

  const props = new Map((tables.get('sys_properties') ?? []).map((p) => [text(p.name), p]));
  assert.deepEqual([...props.keys()].sort(), [
    'x_sightline_share.attachment_url',
    'x_sightline_share.recording',
    'x_sightline_share.relay_url',
  ]);
  assert.match(text(props.get('x_sightline_share.relay_url')!.value), /^https?:\/\//);
  assert.equal(text(props.get('x_sightline_share.relay_url')!.write_roles), 'admin');
  assert.equal(text(props.get('x_sightline_share.recording')!.value), 'host');

  const oauth = tables.get('oauth_entity') ?? [];
  assert.equal(oauth.length, 1);
  const o = oauth[0]!;
  assert.equal(text(o.client_id), 'sightline-relay');
  assert.equal(text(o.pkce_required), 'true');
  assert.equal(text(o.public_client), 'true');
  assert.equal(
    text(o.redirect_url),
    `${text(props.get('x_sightline_share.relay_url')!.value)}/auth/servicenow/callback`,
  );
  assert.equal(o.client_secret, undefined, 'no client secret in the update set');

  const allAcls = tables.get('sys_security_acl') ?? [];
  const acls = allAcls.filter((x) => text(x.name) === 'sys_attachment');
  assert.deepEqual(acls.map((x) => text(x.operation)).sort(), ['delete', 'read']);
  // The attendee table the relay writes and the widget reads: no edits, managers delete.
  const attendeeAcls = allAcls.filter((x) => text(x.name) === 'x_sightline_share_attendee');
  assert.deepEqual(attendeeAcls.map((x) => text(x.operation)).sort(), ['create', 'delete', 'read']);
  assert.equal(allAcls.length, acls.length + attendeeAcls.length);
  const table = (tables.get('sys_db_object') ?? []).find((x) => text(x.name) === 'x_sightline_share_attendee');
  assert.ok(table, 'the x_sightline_share_attendee table');
  const columns = (tables.get('sys_dictionary') ?? [])
    .filter((x) => text(x.name) === 'x_sightline_share_attendee' && text(x.element))
    .map((x) => text(x.element));
  for (const c of ['attendee_key', 'session_id', 'incident', 'name', 'email', 'phone', 'role', 'joined_at', 'left_at'])
    assert.ok(columns.includes(c), `column ${c}`);
  for (const acl of acls) {
    assert.equal(text(acl.name), 'sys_attachment');
    assert.equal(text(acl.decision_type), 'deny');
    assert.match(text(acl.script), /gs\.hasRole\('x_sightline_share\.manager'\)/);
  }

  const business = tables.get('sys_script') ?? [];
  assert.equal(business.length, 1);
  assert.equal(text(business[0]!.when), 'before_display'); // the platform's stored value for "display"
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [full.slice(base.length + 1)];
  });
}

test('now-sdk build and pack succeed offline and hold the app', { timeout: 5 * 60_000 }, async (t) => {
  const build = await nowSdkRun(['build', '--frozenKeys']);
  assert.equal(build.code, 0, build.output);
  assert.match(build.output, /Build completed successfully/);

  const outDir = join(app, 'dist', 'app');
  const built = new Map(listFiles(outDir).map((f) => [f, readFileSync(join(outDir, f), 'utf8')] as const));
  await t.test('the built update set holds the metadata', () => assertMetadata(byTable(built)));

  await t.test('build output is ignored by git', () => {
    for (const f of ['dist/app/update/x.xml', 'target/x.zip']) {
      execFileSync('git', ['check-ignore', '-q', join(app, f)], { cwd: app });
    }
  });

  const pack = await nowSdkRun(['pack']);
  assert.equal(pack.code, 0, pack.output);
  const zips = readdirSync(join(app, 'target')).filter((f) => f.endsWith('.zip'));
  assert.deepEqual(zips, ['sightline_servicenow_app_0_1_0.zip']);

  await t.test('the packed zip holds the same records', async () => {
    const zip = await JSZip.loadAsync(readFileSync(join(app, 'target', zips[0]!)));
    const packed = new Map<string, string>();
    for (const entry of Object.values(zip.files)) {
      if (!entry.dir && entry.name.endsWith('.xml'))
        packed.set(entry.name.replace(/^\//, ''), await entry.async('string'));
    }
    assert.deepEqual([...packed.keys()].sort(), [...built.keys()].filter((f) => f.endsWith('.xml')).sort());
    assertMetadata(byTable(packed));
  });
});
