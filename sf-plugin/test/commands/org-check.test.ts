// `sf sightline org check` on a fake org (TestContext) and a small HTTP server standing in for the
// relay's admin API: every item reported, the fix for each missing one, exit code 1 when any fails.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OrgCheck from '../../src/commands/sightline/org/check.ts';
import { PACKAGE_FIELDS } from '../../src/lib/packageContract.ts';
import { fakeOrg, printed } from '../helpers.ts';

let relayUrl = '';
let relayConfig: Record<string, unknown> = {};
let seenAuthorization: string | undefined;
let server: Server;

const state = {
  missingField: false,
  assignments: [
    { PermissionSet: { Name: 'Sightline_Agent' }, Assignee: { Username: 'alex@acme.example' } },
    { PermissionSet: { Name: 'Sightline_Manager' }, Assignee: { Username: 'morgan@acme.example' } },
    { PermissionSet: { Name: 'Sightline_Sales' }, Assignee: { Username: 'sam@acme.example' } },
  ],
  wss: true,
};

const { org, ux, requests } = fakeOrg((url) => {
  const describe = /\/sobjects\/(\w+)\/describe$/.exec(url);
  if (describe) {
    const fields = [...PACKAGE_FIELDS[describe[1]!]!].filter((f) => !(state.missingField && f === 'Lead__c'));
    return { name: describe[1], fields: [{ name: 'Id' }, ...fields.map((name) => ({ name }))] };
  }
  if (url.includes('FROM PermissionSetAssignment')) return { records: state.assignments, done: true, totalSize: 3 };
  if (url.includes('FROM PermissionSet'))
    return {
      records: ['Sightline_Agent', 'Sightline_Manager', 'Sightline_Sales'].map((Name, i) => ({ Id: `0PS${i}`, Name })),
      done: true,
      totalSize: 3,
    };
  if (url.includes('/tooling/query') && url.includes('FROM ExternalClientApplication'))
    return { records: [{ Id: '0xI1', DeveloperName: 'Sightline_Relay' }], done: true, totalSize: 1 };
  if (url.includes('FROM CspTrustedSite')) {
    const site = (DeveloperName: string, EndpointUrl: string) => ({
      DeveloperName,
      EndpointUrl,
      IsActive: true,
      IsApplicableToConnectSrc: true,
      Context: 'LEX',
    });
    const records = [site('Sightline_Relay', relayUrl)];
    if (state.wss) records.push(site('Sightline_Relay_WebSocket', relayUrl.replace('http', 'ws')));
    return { records, done: true, totalSize: records.length };
  }
  if (url.endsWith('/limits')) return { SingleEmail: { Max: 5000, Remaining: 4990 } };
  return {};
});

before(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/healthz') return res.end(JSON.stringify({ status: 'ok' }));
    seenAuthorization = req.headers.authorization;
    if (req.url === '/admin/config') return res.end(JSON.stringify(relayConfig));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  relayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((ok) => server.close(() => ok())));

const configFor = (orgId: string, instanceUrl: string) => ({
  version: '0.1.0',
  publicUrl: relayUrl,
  allowedOrigins: [new URL(instanceUrl).origin],
  salesforce: { loginUrl: instanceUrl, orgId },
});

describe('sf sightline org check', () => {
  test('every check passes on a complete org: exit code 0, ✔ lines, the admin token sent to the relay', async () => {
    relayConfig = configFor(org.orgId, org.instanceUrl);
    const result = await OrgCheck.run([
      '--target-org',
      org.username,
      '--relay-url',
      relayUrl,
      '--agent',
      'alex@acme.example',
    ]);
    assert.equal(result.ok, true, JSON.stringify(result.checks.filter((c) => !c.ok)));
    assert.equal(process.exitCode ?? 0, 0);
    const out = printed(ux());
    assert.match(out, /✔ Package object Sightline_Attendee__c: 10 Sightline fields present/);
    assert.match(out, /✔ CSP Trusted Site for ws:\/\/127\.0\.0\.1/);
    assert.match(out, /✔ Relay configured for this org/);
    assert.doesNotMatch(out, /✖/);
    assert.equal(seenAuthorization, `Bearer ${org.accessToken}`);
    assert.ok(
      requests.some((u) => u.includes('/tooling/query')),
      'the External Client App is read through the Tooling API',
    );
  });

  test('what is missing is ✖ with its fix, and the exit code is 1', async () => {
    state.missingField = true;
    state.wss = false;
    relayConfig = { ...configFor('00D000000000099AAA', org.instanceUrl), allowedOrigins: ['https://other.example'] };
    try {
      const result = await OrgCheck.run([
        '--target-org',
        org.username,
        '--relay-url',
        relayUrl,
        '--sales',
        'alex@acme.example',
        '--json',
      ]);
      assert.equal(result.ok, false);
      assert.equal(process.exitCode, 1);
      const failed = Object.fromEntries(result.checks.filter((c) => !c.ok).map((c) => [c.check, c]));
      assert.deepEqual(Object.keys(failed).sort(), [
        'CSP Trusted Site for ws://127.0.0.1:' + new URL(relayUrl).port,
        'Package object Sightline_Attendee__c',
        'Permission set Sightline_Sales',
        'Relay allows this org',
        'Relay configured for this org',
      ]);
      assert.equal(failed['Package object Sightline_Attendee__c']!.detail, 'missing Lead__c');
      assert.match(
        failed['Permission set Sightline_Sales']!.fix!,
        /sf org assign permset --name Sightline_Sales --on-behalf-of alex@acme\.example/,
      );
      assert.match(
        failed['Relay configured for this org']!.fix!,
        new RegExp(`SIGHTLINE_SALESFORCE_ORG_ID=${org.orgId}`),
      );
      assert.match(
        failed[`CSP Trusted Site for ws://127.0.0.1:${new URL(relayUrl).port}`]!.fix!,
        /does not cover WebSockets/,
      );
    } finally {
      state.missingField = false;
      state.wss = true;
    }
  });

  test('an unreachable relay is one ✖ item, not a crash', async () => {
    const result = await OrgCheck.run(['--target-org', org.username, '--relay-url', 'http://127.0.0.1:9', '--json']);
    const relay = result.checks.find((c) => c.check === 'Relay reachable')!;
    assert.equal(relay.ok, false);
    assert.match(relay.detail, /Cannot reach the relay/);
    assert.equal(process.exitCode, 1);
  });
});
