// The sandbox browser build of the Sightline components: it compiles with the lwc compiler, resolves
// every @salesforce/* import, and its GraphQL-to-SOQL translation says what the sandbox is asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBrowser } from '../../force-app/scripts/build-browser.ts';

const repo = resolve(import.meta.dirname, '../..');
const lwcDir = join(repo, 'force-app/main/default/lwc');

/** The components' own gql`` text, exactly as written. */
function gqlOf(component: string, operation: string): string {
  const js = readFileSync(join(lwcDir, component, `${component}.js`), 'utf8');
  const found = [...js.matchAll(/gql`([^`]*)`/g)].map((m) => m[1]!).find((q) => q.includes(`query ${operation}(`));
  assert.ok(found, `${component} has query ${operation}`);
  return found;
}

const translator = (await import(pathToFileURL(join(repo, 'force-app/scripts/browser/lib/graphqlToSoql.js')).href)) as {
  soqlFor(text: string, vars: Record<string, unknown>): string[];
};
const CASE = '500Sl0000000001IAA';

test('recordings: the case files by version id with a session id, newest first, and their Tasks', () => {
  const versionIds = ['068Sl0000000001IAA', '068Sl0000000002IAA'];
  assert.deepEqual(
    translator.soqlFor(gqlOf('sightlineRecordings', 'sightlineRecordings'), { recordId: CASE, versionIds }),
    [
      'SELECT Id, Title, CreatedDate, FileExtension, Sightline_Session_Id__c, Sightline_Duration_Seconds__c, CreatedBy.Name ' +
        `FROM ContentVersion WHERE (Id IN ('${versionIds[0]}', '${versionIds[1]}') AND Sightline_Session_Id__c != null) ` +
        'ORDER BY CreatedDate DESC LIMIT 50',
      `SELECT Id, Sightline_Session_Id__c, Description FROM Task WHERE (WhatId = '${CASE}' AND Sightline_Session_Id__c != null) LIMIT 200`,
    ],
  );
});

test('attendees: matching by email escapes values and never sends an empty IN', () => {
  const text = gqlOf('sightlineAttendees', 'sightlineAttendeeMatches');
  assert.deepEqual(translator.soqlFor(text, { emails: ["o'brien@x.io", 'a\\b@y.io'] }), [
    "SELECT Id, Email FROM Contact WHERE Email IN ('o\\'brien@x.io', 'a\\\\b@y.io') LIMIT 500",
    "SELECT Id, Email FROM Lead WHERE (Email IN ('o\\'brien@x.io', 'a\\\\b@y.io') AND IsConverted = false) LIMIT 500",
  ]);
  assert.deepEqual(translator.soqlFor(text, { emails: [] }), [
    'SELECT Id, Email FROM Contact WHERE Id = null LIMIT 500',
    'SELECT Id, Email FROM Lead WHERE (Id = null AND IsConverted = false) LIMIT 500',
  ]);
  assert.match(
    translator.soqlFor(gqlOf('sightlineAttendees', 'sightlineAttendees'), { recordId: CASE })[0]!,
    new RegExp(`FROM Sightline_Attendee__c WHERE Case__c = '${CASE}' ORDER BY Joined_At__c DESC LIMIT 500$`),
  );
});

test('the translation refuses what it cannot express safely', () => {
  assert.throws(
    () =>
      translator.soqlFor(
        'query q { uiapi { query { Case(where: { Id: { regex: "x" } }) { edges { node { Id } } } } } }',
        {},
      ),
    /operator regex is not supported/,
  );
  assert.throws(
    () => translator.soqlFor('query q { uiapi { query { Case(first: 1) { totalCount } } } }', {}),
    /selects no edges/,
  );
});

test('the build compiles the three components with their labels and the file servlet URL', async () => {
  const out = mkdtempSync(join(tmpdir(), 'sightline-browser-build-'));
  try {
    const file = await buildBrowser(join(out, 'build'));
    const js = readFileSync(file, 'utf8');
    for (const tag of ['c-sightline-launcher', 'c-sightline-recordings', 'c-sightline-attendees'])
      assert.ok(js.includes(tag), tag);
    assert.ok(js.includes('"Start Screen Share"'), 'custom labels are inlined');
    assert.ok(js.includes('/sfc/servlet.shepherd/version/download/'), 'recordings play from the file servlet');
    assert.ok(!js.includes('/VersionData'), 'never the REST blob URL, which needs a Bearer header');
    assert.ok(js.includes('/ui-api/related-list-records/'), 'the related-list wire adapter reads the UI API');
    assert.ok(!/from\s+['"]@salesforce\//.test(js), 'no @salesforce/* import is left unresolved');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
