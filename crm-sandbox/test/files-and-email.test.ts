// What a real org and instance enforce on files and email, in their shapes: ContentVersion queries
// without ids miss files reached through a record share; ContentDocumentLink needs one of its ids;
// the related-list UI API; the file servlet with the org session; emailSimple's inputs per API
// version, recipient caps, daily limit and logged EmailMessage; ServiceNow's attachment size cap and
// extension allowlist.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO } from '../src/index.ts';
import { passwordToken, signIn, startTestSandbox, type TestSandbox } from './helpers.ts';

const SF = DEMO.salesforce;
const printer = SF.cases.printer;

describe('Salesforce files and sharing', () => {
  let t: TestSandbox;
  let sf: string;
  const tokens: Record<string, string> = {};
  let shared: string; // published to the case by the agent
  let personal: string; // the agent's own, on no record

  const api = (who: string, path: string, init: RequestInit = {}) =>
    fetch(`${sf}/services/data/v62.0${path}`, {
      ...init,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json', ...init.headers },
    });
  const soql = async (who: string, q: string) => {
    const res = await api(who, `/query?q=${encodeURIComponent(q)}`);
    return { status: res.status, body: (await res.json()) as { records?: { Id: string }[] } & unknown[] };
  };
  const upload = async (body: Record<string, unknown>) => {
    const res = await api('agent', '/sobjects/ContentVersion', {
      method: 'POST',
      body: JSON.stringify({ VersionData: Buffer.from('0123456789').toString('base64'), ...body }),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { id: string }).id;
  };

  before(async () => {
    t = await startTestSandbox();
    sf = t.sandbox.salesforceUrl;
    for (const who of ['agent', 'manager', 'agent2'] as const) tokens[who] = await passwordToken(sf, SF.users[who]);
    shared = await upload({ Title: 'Session', PathOnClient: 'session.webm', FirstPublishLocationId: printer });
    personal = await upload({ Title: 'Notes', PathOnClient: 'notes.txt' });
  });
  after(() => t.close());

  test('a ContentVersion query without ids returns only the files the user owns', async () => {
    const q = `SELECT Id FROM ContentVersion WHERE FirstPublishLocationId = '${printer}'`;
    assert.deepEqual(
      (await soql('agent', q)).body.records!.map((r) => r.Id),
      [shared],
      'the owner sees it',
    );
    assert.deepEqual((await soql('manager', q)).body.records, [], 'a record share is not enough');
    assert.deepEqual((await soql('agent2', 'SELECT Id FROM ContentDocument')).body.records, []);
    const byId = await soql('manager', `SELECT Id, Title FROM ContentVersion WHERE Id IN ('${shared}')`);
    assert.deepEqual(
      byId.body.records!.map((r) => r.Id),
      [shared],
      'by id the shared file is there',
    );
  });

  test('ContentDocumentLink needs a LinkedEntityId or ContentDocumentId filter', async () => {
    const bare = await soql('manager', 'SELECT Id FROM ContentDocumentLink');
    assert.equal(bare.status, 400);
    assert.equal(bare.body[0] && (bare.body[0] as { errorCode: string }).errorCode, 'MALFORMED_QUERY');
    assert.match(
      (bare.body[0] as { message: string }).message,
      /^Implementation restriction: ContentDocumentLink requires a filter by a single Id on ContentDocumentId or LinkedEntityId/,
    );
    const other = await soql('manager', `SELECT Id FROM ContentDocumentLink WHERE ShareType = 'V'`);
    assert.equal(other.status, 400);
    const ok = await soql(
      'manager',
      `SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '${printer}'`,
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.body.records!.length, 1);
  });

  test('the related-list UI API lists the case files for a user who does not own them', async () => {
    const fields = 'ContentDocumentLink.Id,ContentDocumentLink.ContentDocument.LatestPublishedVersionId';
    const res = await api(
      'agent2',
      `/ui-api/related-list-records/${printer}/ContentDocumentLinks?fields=${fields}&pageSize=10`,
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown> & {
      records: { apiName: string; id: string; fields: Record<string, { value: unknown; displayValue: unknown }> }[];
    };
    for (const key of [
      'count',
      'currentPageToken',
      'currentPageUrl',
      'fields',
      'listReference',
      'nextPageToken',
      'pageSize',
      'parentRecordId',
      'previousPageToken',
      'records',
      'sortBy',
    ])
      assert.ok(key in body, `collection has ${key}`);
    assert.equal(body.count, 1);
    assert.equal(body.parentRecordId, printer);
    assert.deepEqual(body.listReference, {
      id: null,
      inContextOfRecordId: printer,
      listViewApiName: 'ContentDocumentLinks',
      objectApiName: 'ContentDocumentLink',
      parentObjectApiName: 'Case',
      recordTypeId: null,
      relatedListId: 'ContentDocumentLinks',
      type: 'relatedList',
    });
    const [link] = body.records;
    assert.equal(link!.apiName, 'ContentDocumentLink');
    const doc = link!.fields.ContentDocument!.value as { apiName: string; fields: Record<string, { value: unknown }> };
    assert.equal(doc.apiName, 'ContentDocument');
    assert.equal(doc.fields.LatestPublishedVersionId!.value, shared);
    assert.deepEqual(link!.fields.Id, { displayValue: null, value: link!.id });

    const badField = await api(
      'agent2',
      `/ui-api/related-list-records/${printer}/ContentDocumentLinks?fields=ContentDocumentLink.Nope`,
    );
    assert.equal(badField.status, 400);
    assert.equal(((await badField.json()) as { errorCode: string }[])[0]!.errorCode, 'INVALID_FIELD');
    const badList = await api('agent2', `/ui-api/related-list-records/${printer}/Nothing`);
    assert.equal(badList.status, 400);
  });

  test('VersionData needs the Bearer header; the file servlet serves the org session with ranges', async () => {
    const cookie = await signIn(sf, SF.users.agent2.username, SF.users.agent2.password);
    const rest = await fetch(`${sf}/services/data/v62.0/sobjects/ContentVersion/${shared}/VersionData`, {
      headers: { cookie },
    });
    assert.equal(rest.status, 401);
    const bearer = await api('agent2', `/sobjects/ContentVersion/${shared}/VersionData`);
    assert.equal(bearer.status, 200);
    const servlet = (range?: string, id = shared) =>
      fetch(`${sf}/sfc/servlet.shepherd/version/download/${id}`, { headers: { cookie, ...(range ? { range } : {}) } });
    const whole = await servlet();
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'video/webm');
    assert.equal(await whole.text(), '0123456789');
    const tail = await servlet('bytes=-3');
    assert.equal(tail.status, 206);
    assert.equal(tail.headers.get('content-range'), 'bytes 7-9/10');
    assert.equal(tail.headers.get('content-type'), 'video/webm');
    assert.equal(await tail.text(), '789');
    assert.equal((await servlet('bytes=20-')).status, 416);
    assert.equal((await servlet(undefined, personal)).status, 404, "another user's own file is not shared");
  });

  test('a JSON body takes 37.5 MB of base64 at most (the real error shape); the same file goes through multipart', async () => {
    const bytes = Buffer.alloc(29 * 1024 * 1024, 7); // 38.7 MB once base64-encoded
    const json = await api('agent', '/sobjects/ContentVersion', {
      method: 'POST',
      body: JSON.stringify({ Title: 'Big', PathOnClient: 'big.webm', VersionData: bytes.toString('base64') }),
    });
    assert.equal(json.status, 413);
    const [error] = (await json.json()) as { errorCode: string; message: string }[];
    assert.equal(error!.errorCode, 'JSON_PARSER_ERROR');
    assert.match(error!.message, /^Maximum size of request reached\. Maximum size of request is 39321600 bytes/);
    const boundary = 'b0undary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="entity_content"\r\nContent-Type: application/json\r\n\r\n` +
        `${JSON.stringify({ Title: 'Big', PathOnClient: 'big.webm', FirstPublishLocationId: printer })}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="VersionData"; filename="big.webm"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    const multipart = await fetch(`${sf}/services/data/v62.0/sobjects/ContentVersion`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    });
    assert.equal(multipart.status, 201);
    const { id } = (await multipart.json()) as { id: string };
    const back = Buffer.from(await (await api('agent', `/sobjects/ContentVersion/${id}/VersionData`)).arrayBuffer());
    assert.ok(back.equals(bytes), 'the binary part is stored as sent');
  });
});

describe('Salesforce emailSimple', () => {
  let t: TestSandbox;
  let sf: string;
  let token: string;
  const send = async (version: string, inputs: Record<string, unknown>[]) => {
    const res = await fetch(`${sf}/services/data/v${version}/actions/standard/emailSimple`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>[] };
  };
  const base = { emailSubject: 'Join', emailBody: 'Link' };

  before(async () => {
    t = await startTestSandbox({ emailDailyLimit: 8, emailRecipientsPerMessage: 15 });
    sf = t.sandbox.salesforceUrl;
    token = await passwordToken(sf);
  });
  after(() => t.close());

  test('input names are those of the API version', async () => {
    const newer = await send('62.0', [{ ...base, recipientAddresses: 'a@b.example' }]);
    assert.equal(newer.status, 400);
    assert.equal(newer.body[0]!.errorCode, 'INVALID_INPUT');
    assert.match(String(newer.body[0]!.message), /API version 62\.0: recipientAddresses/);
    const cc = await send('61.0', [{ ...base, emailAddresses: 'a@b.example', ccRecipientAddressList: 'c@d.example' }]);
    assert.equal(cc.status, 400, 'ccRecipientAddressList arrived in 62.0');
  });

  test('recipientId adds the contact, logEmailOnSend writes an EmailMessage on the case, org-wide sender', async () => {
    const ok = await send('62.0', [
      {
        ...base,
        recipientId: SF.contacts.jane.id,
        relatedRecordId: printer,
        logEmailOnSend: true,
        senderType: 'OrgWideEmailAddress',
        senderAddress: SF.orgWideAddress.address,
      },
    ]);
    assert.equal(ok.status, 200);
    assert.equal(ok.body[0]!.isSuccess, true);
    const q = await fetch(
      `${sf}/services/data/v62.0/query?q=${encodeURIComponent(`SELECT Subject, ToAddress, FromAddress FROM EmailMessage WHERE ParentId = '${printer}'`)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const rows = ((await q.json()) as { records: Record<string, unknown>[] }).records;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.ToAddress, SF.contacts.jane.email, 'recipientId brought the contact in');
    assert.equal(rows[0]!.FromAddress, SF.orgWideAddress.address);
    const unverified = await send('62.0', [
      { ...base, emailAddresses: 'a@b.example', senderType: 'OrgWideEmailAddress', senderAddress: 'x@evil.example' },
    ]);
    assert.equal(unverified.status, 400);
    assert.equal(unverified.body[0]!.isSuccess, false);
  });

  test('recipient caps per email and the daily limit, each result with its own errors', async () => {
    const six = Array.from({ length: 6 }, (_, i) => `p${i}@x.example`).join(',');
    const capped = await send('62.0', [{ ...base, emailAddresses: six }]);
    assert.equal(capped.status, 400);
    assert.deepEqual((capped.body[0]!.errors as { statusCode: string }[])[0]!.statusCode, 'INVALID_EMAIL_ADDRESS');
    const wide = Array.from({ length: 16 }, (_, i) => `w${i}@x.example`);
    const tooMany = await send('64.0', [
      { ...base, emailAddresses: 'a@x.example', ccRecipientAddressCollection: wide },
    ]);
    assert.match(String((tooMany.body[0]!.errors as { message: string }[])[0]!.message), /up to 15 recipients/);
    // One already sent today; the limit is 8: five more pass, the next two do not.
    const mixed = await send('62.0', [
      { ...base, emailAddresses: 'a@x.example,b@x.example,c@x.example,d@x.example,e@x.example' },
      { ...base, emailAddresses: 'f@x.example,g@x.example,h@x.example' },
    ]);
    assert.equal(mixed.status, 400);
    assert.equal(mixed.body[0]!.isSuccess, true);
    assert.equal(mixed.body[1]!.isSuccess, false);
    assert.equal((mixed.body[1]!.errors as { statusCode: string }[])[0]!.statusCode, 'SINGLE_EMAIL_LIMIT_EXCEEDED');
  });
});

describe('ServiceNow attachment properties', () => {
  let t: TestSandbox;
  let sn: string;
  let token: string;
  before(async () => {
    t = await startTestSandbox({ attachmentMaxSizeMb: 1, attachmentExtensions: ['mp4', 'webm', 'txt'] });
    sn = t.sandbox.servicenowUrl;
    const res = await fetch(`${sn}/oauth_token.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: DEMO.oauthClient.clientId,
        client_secret: DEMO.oauthClient.clientSecret,
        username: DEMO.servicenow.users.agent.username,
        password: DEMO.servicenow.users.agent.password,
      }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(() => t.close());

  const attach = (name: string, bytes: number) =>
    fetch(
      `${sn}/api/now/attachment/file?table_name=incident&table_sys_id=${DEMO.servicenow.incidents.vpn.id}&file_name=${name}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: Buffer.alloc(bytes),
      },
    );

  test('com.glide.attachment.max_size and the extension allowlist refuse, in the API error shape', async () => {
    assert.equal((await attach('ok.webm', 1000)).status, 201);
    const big = await attach('big.webm', 1024 * 1024 + 1);
    assert.equal(big.status, 400);
    const body = (await big.json()) as { error: { message: string; detail: string }; status: string };
    assert.equal(body.status, 'failure');
    assert.match(body.error.detail, /com\.glide\.attachment\.max_size = 1 MB/);
    const exe = await attach('tool.exe', 10);
    assert.equal(exe.status, 400);
    assert.match(((await exe.json()) as { error: { detail: string } }).error.detail, /\.exe is not allowed/);
  });
});
