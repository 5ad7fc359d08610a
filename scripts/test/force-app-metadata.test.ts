// Offline checks of the Salesforce package (force-app): it converts to Metadata API format with
// @salesforce/source-deploy-retrieve, every XML file is well formed, and every object, field, label,
// custom permission, Apex method and component that the components, permission sets, custom metadata
// and FlexiPage refer to exists in the source or is a known standard one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, globSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { XMLValidator } from 'fast-xml-parser';
import { checkFieldPath, indexSource, isStandardComponent, objectExists, xml } from './force-app/sourceIndex.ts';
import { graphqlProblems, importProblems } from './force-app/references.ts';

const repo = resolve(import.meta.dirname, '../..');
const forceApp = join(repo, 'force-app');
const main = join(forceApp, 'main/default');
const index = indexSource(main);
const read = (p: string) => readFileSync(p, 'utf8');
const componentJs = globSync('lwc/*/*.js', { cwd: main }).map((f) => join(main, f));

async function convert(sourceDir: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'sightline-mdapi-'));
  const cs = ComponentSet.fromSource(sourceDir);
  await new MetadataConverter().convert(cs, 'metadata', {
    type: 'directory',
    outputDirectory: out,
    genUniqueDir: false,
  });
  return out;
}

test('the source converts to Metadata API format with every part of the package in package.xml', async () => {
  const out = await convert(forceApp);
  try {
    const pkg = xml.parse(read(join(out, 'package.xml'))).Package;
    const types = new Map<string, string[]>(
      [pkg.types].flat().map((t: { name: string; members: string | string[] }) => [t.name, [t.members].flat()]),
    );
    assert.deepEqual(types.get('LightningComponentBundle')?.sort(), [
      'sightlineAttendees',
      'sightlineFileUrl',
      'sightlineFormat',
      'sightlineLauncher',
      'sightlineLiveSessions',
      'sightlineRecordings',
      'sightlineRelayApi',
    ]);
    assert.deepEqual(types.get('PermissionSet')?.sort(), [
      'Sightline_Agent',
      'Sightline_Manager',
      'Sightline_Sales',
      'Sightline_Supervisor',
    ]);
    assert.deepEqual(types.get('CustomObject')?.sort(), ['Sightline_Attendee__c', 'Sightline_Settings__mdt']);
    assert.ok(types.get('CustomField')?.includes('Activity.Sightline_Session_Id__c'));
    assert.ok(types.get('CustomField')?.includes('ContentVersion.Sightline_Session_Id__c'));
    for (const t of [
      'ApexClass',
      'CspTrustedSite',
      'CustomLabels',
      'CustomMetadata',
      'CustomPermission',
      'ExternalClientApplication',
      'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies',
      'FlexiPage',
    ])
      assert.ok(types.has(t), `package.xml has ${t}`);
    // Tests, mocks and TypeScript stay out of the deployable package (.forceignore).
    assert.equal(globSync('**/__tests__/**', { cwd: out }).length, 0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the conversion check fails on metadata it cannot type', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-bad-src-'));
  try {
    cpSync(join(forceApp, 'main/default/customPermissions'), join(dir, 'main/default/customPermissions'), {
      recursive: true,
    });
    mkdirSync(join(dir, 'main/default/mystery'), { recursive: true });
    writeFileSync(join(dir, 'main/default/mystery/Thing.mystery-meta.xml'), '<Mystery/>');
    await assert.rejects(convert(dir), /Could not infer a metadata type|TypeInferenceError/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every XML file in force-app is well formed', () => {
  const files = globSync('**/*.xml', { cwd: forceApp, exclude: (f) => f.includes('.browser-build') });
  assert.ok(files.length > 30, `found ${files.length} XML files`);
  const bad = files
    .map((f) => [f, XMLValidator.validate(read(join(forceApp, f)))] as const)
    .filter(([, r]) => r !== true)
    .map(([f, r]) => `${f}: ${JSON.stringify(r)}`);
  assert.deepEqual(bad, []);
  assert.notEqual(XMLValidator.validate('<PermissionSet><label>X</labl></PermissionSet>'), true);
});

test('every schema, label, custom permission, Apex and component import of the LWCs exists', () => {
  assert.ok(componentJs.length >= 6);
  const problems = componentJs.flatMap((f) => importProblems(index, read(f)).map((p) => `${f}: ${p}`));
  assert.deepEqual(problems, []);
});

test('every object and field in the GraphQL queries exists', () => {
  const withGql = componentJs.filter((f) => read(f).includes('gql`'));
  assert.equal(withGql.length, 2);
  const problems = withGql.flatMap((f) => graphqlProblems(index, read(f)).map((p) => `${f}: ${p}`));
  assert.deepEqual(problems, []);
});

test('the reference checks catch what does not exist', () => {
  const js = [
    "import A from '@salesforce/schema/Sightline_Attendee__c.Nope__c';",
    "import B from '@salesforce/schema/Case.Contact.Nope';",
    "import C from '@salesforce/label/c.Sightline_Missing_Label';",
    "import D from '@salesforce/customPermission/Sightline_Missing';",
    "import E from '@salesforce/apex/SightlineSettingsController.missing';",
    "import F from 'c/missingComponent';",
    "import G from '@salesforce/schema/Nope__c';",
  ].join('\n');
  assert.equal(importProblems(index, js).length, 7);
  const gqlText =
    'const Q = gql`query q { uiapi { query { Sightline_Attendee__c(where: { Nope__c: { eq: 1 } }) ' +
    '{ edges { node { Id Email__c { value } Missing__c { value } Lead__r { Nope { value } } } } } ' +
    'Nope__c { edges { node { Id } } } } } }`;';
  assert.deepEqual(graphqlProblems(index, gqlText), [
    'GraphQL filter: unknown field Sightline_Attendee__c.Nope__c (in Sightline_Attendee__c.Nope__c)',
    'GraphQL: unknown field Sightline_Attendee__c.Missing__c (in Sightline_Attendee__c.Missing__c)',
    'GraphQL: unknown field Lead.Nope (in Sightline_Attendee__c.Lead__r.Nope)',
    'GraphQL: unknown object Nope__c',
  ]);
  assert.equal(checkFieldPath(index, 'Task', 'Sightline_Session_Id__c'), null); // Activity field seen on Task
});

test('permission sets grant only fields, objects, classes and custom permissions that exist', () => {
  const problems: string[] = [];
  for (const f of globSync('permissionsets/*.xml', { cwd: main })) {
    const ps = xml.parse(read(join(main, f))).PermissionSet;
    for (const fp of ps.fieldPermissions ?? []) {
      const [object, ...path] = String(fp.field).split('.');
      const p = checkFieldPath(index, object!, path.join('.'));
      if (p) problems.push(`${f}: ${p}`);
      // Required fields cannot carry field permissions; a deploy would fail on them.
      if (path[0] === 'Case__c') problems.push(`${f}: master-detail ${fp.field} cannot have field permissions`);
    }
    for (const op of ps.objectPermissions ?? [])
      if (!objectExists(index, op.object)) problems.push(`${f}: unknown object ${op.object}`);
    for (const cp of ps.customPermissions ?? [])
      if (!index.customPermissions.has(cp.name)) problems.push(`${f}: unknown custom permission ${cp.name}`);
    for (const ca of ps.classAccesses ?? [])
      if (!index.apexMethods.has(ca.apexClass)) problems.push(`${f}: unknown Apex class ${ca.apexClass}`);
  }
  assert.deepEqual(problems, []);
  // Each persona gets its component's custom permission.
  const perms = (name: string) =>
    (
      xml.parse(read(join(main, `permissionsets/${name}.permissionset-meta.xml`))).PermissionSet.customPermissions ?? []
    ).map((c: { name: string }) => c.name);
  assert.deepEqual(perms('Sightline_Agent'), ['Sightline_Start_Sessions']);
  // Managers also administer the relay (its admin API requires Sightline_Admin).
  assert.deepEqual(perms('Sightline_Manager'), ['Sightline_Admin', 'Sightline_View_Recordings']);
  assert.deepEqual(perms('Sightline_Sales'), ['Sightline_Create_Leads']);
  // Supervisors watch, take over and end their team's sessions (the relay checks it).
  assert.deepEqual(perms('Sightline_Supervisor'), ['Sightline_Supervise_Sessions']);
});

test('the default settings record fills only fields of Sightline_Settings__mdt, relay URL included', () => {
  const md = xml.parse(read(join(main, 'customMetadata/Sightline_Settings.Default.md-meta.xml'))).CustomMetadata;
  const fields = md.values.map((v: { field: string }) => v.field);
  for (const f of fields) assert.equal(checkFieldPath(index, 'Sightline_Settings__mdt', f), null, f);
  assert.ok(fields.includes('Relay_URL__c'));
});

test('the FlexiPage places the three components, each exposed for Case record pages', () => {
  const page = xml.parse(read(join(main, 'flexipages/Sightline_Case_Record_Page.flexipage-meta.xml'))).FlexiPage;
  assert.equal(page.sobjectType, 'Case');
  const names: string[] = page.flexiPageRegions.flatMap(
    (r: { itemInstances: { componentInstance: { componentName: string } }[] }) =>
      r.itemInstances.map((i) => i.componentInstance.componentName),
  );
  const custom = names.filter((n) => !isStandardComponent(n));
  assert.deepEqual(custom.sort(), ['sightlineAttendees', 'sightlineLauncher', 'sightlineRecordings']);
  for (const n of custom) {
    const b = index.lwc.get(n);
    assert.ok(b?.exposed, `${n} is exposed`);
    assert.ok(b.targets.includes('lightning__RecordPage'), `${n} targets record pages`);
    assert.deepEqual(b.objects, ['Case'], `${n} is for Case`);
  }
});

test('the live-sessions list is exposed for the utility bar only', () => {
  const b = index.lwc.get('sightlineLiveSessions');
  assert.ok(b?.exposed, 'exposed');
  assert.deepEqual(b.targets, ['lightning__UtilityBar']);
});

test('every custom label is used by a component', () => {
  const all = componentJs.map(read).join('\n');
  const unused = [...index.labels].filter((l) => !all.includes(`@salesforce/label/c.${l}'`));
  assert.deepEqual(unused, []);
});

test('the external client app asks for PKCE and only the api, refresh_token and id scopes', () => {
  const global = xml.parse(
    read(join(main, 'extlClntAppGlobalOauthSets/Sightline_Relay_glbloauth.ecaGlblOauth-meta.xml')),
  ).ExtlClntAppGlobalOauthSettings;
  assert.equal(global.isPkceRequired, true);
  assert.equal(global.consumerKey, undefined, 'no consumer key in source control');
  const oauth = xml.parse(
    read(join(main, 'extlClntAppOauthSettings/Sightline_Relay_oauth.ecaOauth-meta.xml')),
  ).ExtlClntAppOauthSettings;
  assert.deepEqual(String(oauth.commaSeparatedOauthScopes).split(/,\s*/).sort(), ['Api', 'Basic', 'RefreshToken']);
});
