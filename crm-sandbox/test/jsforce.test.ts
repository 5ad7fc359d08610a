// Conformance with jsforce, a real Salesforce client written elsewhere: OAuth web-server flow with
// PKCE, query paging, CRUD, composite, multipart ContentVersion, token refresh after expiry.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Connection, OAuth2 } from 'jsforce';
import { DEMO } from '../src/index.ts';
import { REDIRECT, authorize, startTestSandbox, type TestSandbox } from './helpers.ts';

const agent = DEMO.salesforce.users.agent;

async function connect(t: TestSandbox, state = 'xyz'): Promise<{ conn: Connection; state: string | null }> {
  const oauth2 = new OAuth2({
    loginUrl: t.sandbox.salesforceUrl,
    clientId: DEMO.oauthClient.clientId,
    clientSecret: DEMO.oauthClient.clientSecret,
    redirectUri: REDIRECT,
    useVerifier: true,
  });
  const callback = await authorize(
    oauth2.getAuthorizationUrl({ scope: 'api refresh_token id', state }),
    agent.username,
    agent.password,
  );
  const conn = new Connection({ oauth2, version: '62.0' });
  await conn.authorize(callback.searchParams.get('code')!);
  return { conn, state: callback.searchParams.get('state') };
}

describe('jsforce against the Salesforce sandbox', () => {
  let t: TestSandbox;
  let conn: Connection;

  before(async () => {
    t = await startTestSandbox();
    conn = (await connect(t)).conn;
  });
  after(() => t.close());

  test('OAuth2 web server flow with PKCE through the authorize page, state passed through', async () => {
    const state = 'a b&c=d/é';
    const { conn: c, state: returned } = await connect(t, state);
    assert.equal(returned, state);
    assert.equal(c.instanceUrl, t.sandbox.salesforceUrl);
    assert.ok(c.refreshToken, 'refresh_token scope granted a refresh token');
    assert.equal(c.userInfo?.id, agent.id);
    assert.equal(c.userInfo?.organizationId, DEMO.salesforce.orgId);
    const identity = await c.identity();
    assert.equal(identity.username, agent.username);
    assert.equal(identity.display_name, 'Alex Agent');
    assert.match(identity.urls.rest, /\/services\/data\/v\{version\}\/$/);
  });

  test('query with parent relationships and nextRecordsUrl paging', async () => {
    const records = Array.from({ length: 2100 }, (_, i) => ({
      LastName: `Pager${String(i).padStart(4, '0')}`,
      Email: `pager${i}@paging.example`,
    }));
    for (let i = 0; i < records.length; i += 200) {
      const res = await conn.sobject('Contact').create(records.slice(i, i + 200), { allOrNone: true });
      assert.ok(res.every((r) => r.success));
    }
    const first = await conn.query<{ Id: string }>("SELECT Id FROM Contact WHERE Email LIKE '%@paging.example'", {
      autoFetch: false,
    });
    assert.equal(first.totalSize, 2100);
    assert.equal(first.done, false);
    assert.equal(first.records.length, 2000);
    assert.match(first.nextRecordsUrl!, /\/services\/data\/v62\.0\/query\/01g\w+-2000$/);
    const all = await conn.query(
      "SELECT Id, LastName FROM Contact WHERE Email LIKE '%@paging.example' ORDER BY LastName DESC",
      { autoFetch: true, maxFetch: 5000 },
    );
    assert.equal(all.records.length, 2100);
    assert.equal(all.records[0]!.LastName, 'Pager2099');
    const small = await conn.request<{ records: unknown[]; nextRecordsUrl: string; done: boolean }>({
      method: 'GET',
      url: `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM Contact WHERE Email LIKE '%@paging.example'")}`,
      headers: { 'Sforce-Query-Options': 'batchSize=300' },
    });
    assert.equal(small.records.length, 300);
    const more = await conn.queryMore(small.nextRecordsUrl);
    assert.equal(more.records.length, 300);
    const rel = await conn.query<{
      CaseNumber: string;
      Contact: { Name: string; Email: string };
      Owner: { Name: string };
    }>(
      `SELECT CaseNumber, Contact.Name, Contact.Email, Owner.Name FROM Case WHERE Id = '${DEMO.salesforce.cases.printer}'`,
    );
    assert.equal(rel.records[0]!.Contact.Name, 'Jane Customer');
    assert.equal(rel.records[0]!.Owner.Name, 'Alex Agent');
    const count = await conn.query(
      "SELECT COUNT() FROM Lead WHERE IsConverted = false AND (Email = 'PAT.PROSPECT@umbrella.example' OR Email = 'nobody@x.example')",
    );
    assert.equal(count.totalSize, 1);
  });

  test('CRUD on Lead, with queryAll seeing the deleted record', async () => {
    const created = await conn.sobject('Lead').create({
      LastName: 'Visitor',
      Company: 'Unknown (Sightline)',
      Email: "o'neil@visitor.example",
      LeadSource: 'Other',
    });
    assert.ok(created.success);
    assert.match(created.id!, /^00Q[A-Za-z0-9]{15}$/);
    const lead = await conn.sobject('Lead').retrieve(created.id!);
    assert.equal(lead.Status, 'Open - Not Contacted');
    assert.equal(lead.OwnerId, agent.id);
    const found = await conn.sobject('Lead').find({ Email: "o'neil@visitor.example" }, ['Id', 'Name']);
    assert.equal(found[0]!.Id, created.id);
    const updated = await conn.sobject('Lead').update({ Id: created.id!, FirstName: 'Olive' });
    assert.ok(updated.success);
    assert.equal((await conn.sobject('Lead').retrieve(created.id!)).Name, 'Olive Visitor');
    await conn.sobject('Lead').destroy(created.id!);
    await assert.rejects(
      conn.sobject('Lead').retrieve(created.id!),
      (e: Error & { errorCode?: string }) => e.errorCode === 'NOT_FOUND',
    );
    const deleted = await conn.query(`SELECT Id, IsDeleted FROM Lead WHERE Id = '${created.id!}'`, { scanAll: true });
    assert.equal(deleted.records[0]!.IsDeleted, true);
  });

  test('composite: Lead then Task referencing it, and allOrNone rolls back', async () => {
    const res = await conn.requestPost<{
      compositeResponse: Array<{
        httpStatusCode: number;
        body: { id: string } | Array<{ errorCode: string }>;
        referenceId: string;
      }>;
    }>('/services/data/v62.0/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Lead',
          referenceId: 'lead',
          body: { LastName: 'Composite', Company: 'Acme', Email: 'composite@lead.example' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Task',
          referenceId: 't',
          body: { Subject: 'Screen share session', WhoId: '@{lead.id}', Status: 'Completed', TaskSubtype: 'Call' },
        },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Lead/@{lead.id}?fields=Email', referenceId: 'read' },
      ],
    });
    assert.deepEqual(
      res.compositeResponse.map((r) => r.httpStatusCode),
      [201, 201, 200],
    );
    const leadId = (res.compositeResponse[0]!.body as { id: string }).id;
    const task = await conn.sobject('Task').retrieve((res.compositeResponse[1]!.body as { id: string }).id);
    assert.equal(task.WhoId, leadId);
    const before = (await conn.query("SELECT COUNT() FROM Lead WHERE Email = 'rollback@lead.example'")).totalSize;
    const failed = await conn.requestPost<{
      compositeResponse: Array<{ httpStatusCode: number; body: Array<{ errorCode: string }> }>;
    }>('/services/data/v62.0/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Lead',
          referenceId: 'lead',
          body: { LastName: 'Rollback', Company: 'Acme', Email: 'rollback@lead.example' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Task',
          referenceId: 't',
          body: { WhoId: '@{lead.id}', WhatId: DEMO.salesforce.cases.printer },
        },
      ],
    });
    assert.deepEqual(
      failed.compositeResponse.map((r) => r.body[0]!.errorCode),
      ['PROCESSING_HALTED', 'FIELD_INTEGRITY_EXCEPTION'],
    );
    assert.equal(
      (await conn.query("SELECT COUNT() FROM Lead WHERE Email = 'rollback@lead.example'")).totalSize,
      before,
    );
  });

  test('multipart ContentVersion insert with multipartFileFields links the file to the case', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    const res = await conn.sobject('ContentVersion').create(
      {
        Title: 'Session 123',
        PathOnClient: 'session-123.webm',
        VersionData: bytes.toString('base64'),
        FirstPublishLocationId: DEMO.salesforce.cases.printer,
        Sightline_Session_Id__c: 'sess-123',
      },
      {
        multipartFileFields: {
          VersionData: { filename: 'session-123.webm', contentType: 'application/octet-stream' },
        },
      },
    );
    assert.ok(res.success);
    const cv = await conn.query<{ ContentDocumentId: string; ContentSize: number; FileExtension: string }>(
      `SELECT ContentDocumentId, ContentSize, FileExtension FROM ContentVersion WHERE Id = '${res.id!}'`,
    );
    assert.equal(cv.records[0]!.ContentSize, bytes.length);
    assert.equal(cv.records[0]!.FileExtension, 'webm');
    const links = await conn.query<{ ContentDocumentId: string }>(
      `SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '${DEMO.salesforce.cases.printer}'`,
    );
    assert.ok(links.records.some((l) => l.ContentDocumentId === cv.records[0]!.ContentDocumentId));
    const download = await fetch(
      `${t.sandbox.salesforceUrl}/services/data/v62.0/sobjects/ContentVersion/${res.id!}/VersionData`,
      {
        headers: { authorization: `Bearer ${conn.accessToken!}` },
      },
    );
    assert.equal(download.headers.get('content-type'), 'video/webm');
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);
    const ranged = (range: string) =>
      fetch(`${t.sandbox.salesforceUrl}/services/data/v62.0/sobjects/ContentVersion/${res.id!}/VersionData`, {
        headers: { authorization: `Bearer ${conn.accessToken!}`, range },
      });
    const middle = await ranged('bytes=10-19');
    assert.equal(middle.status, 206);
    assert.equal(middle.headers.get('content-range'), `bytes 10-19/${bytes.length}`);
    assert.deepEqual(Buffer.from(await middle.arrayBuffer()), bytes.subarray(10, 20));
    const tail = await ranged('bytes=-5');
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 5));
    assert.equal((await ranged(`bytes=${bytes.length}-`)).status, 416);
  });
});

describe('jsforce token refresh after expiry', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox({ accessTokenTtlSeconds: 1 });
  });
  after(() => t.close());

  test('an expired access token gets INVALID_SESSION_ID and jsforce refreshes it', async () => {
    const { conn } = await connect(t);
    const oldToken = conn.accessToken!;
    let refreshed = '';
    conn.on('refresh', (token: string) => (refreshed = token));
    await new Promise((r) => setTimeout(r, 1300));
    const raw = await fetch(
      `${t.sandbox.salesforceUrl}/services/data/v62.0/sobjects/Case/${DEMO.salesforce.cases.printer}`,
      { headers: { authorization: `Bearer ${oldToken}` } },
    );
    assert.equal(raw.status, 401);
    assert.deepEqual(await raw.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const res = await conn.query<{ Subject: string }>(
      `SELECT Subject FROM Case WHERE Id = '${DEMO.salesforce.cases.printer}'`,
    );
    assert.equal(res.records[0]!.Subject, 'Label printer stops after every job');
    assert.ok(refreshed && refreshed !== oldToken, 'jsforce obtained a new access token');
  });
});
