// Salesforce wire behaviour beyond the happy path: every OAuth, SOQL, DML and multipart error the
// issue lists, in the exact shapes Salesforce sends.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO } from '../src/index.ts';
import { REDIRECT, authorize, form, passwordToken, pkce, startTestSandbox, type TestSandbox } from './helpers.ts';

const agent = DEMO.salesforce.users.agent;
const { clientId, clientSecret } = DEMO.oauthClient;
/** The relay's client requires PKCE: every authorize request carries this pair unless a test says otherwise. */
const P = pkce();

const defined = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));

function authorizeUrl(base: string, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(
    defined({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      scope: 'api refresh_token',
      state: 's1',
      code_challenge: P.challenge,
      code_challenge_method: 'S256',
      ...extra,
    }),
  );
  return `${base}/services/oauth2/authorize?${q}`;
}

function multipart(
  parts: Array<{ name: string; filename?: string; type: string; data: string | Buffer }>,
  boundary = 'b0undary',
): { body: Buffer; type: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${p.type}\r\n\r\n`),
      Buffer.from(p.data),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

describe('Salesforce OAuth errors', () => {
  let t: TestSandbox;
  let base: string;
  before(async () => {
    t = await startTestSandbox();
    base = t.sandbox.salesforceUrl;
  });
  after(() => t.close());

  const exchange = (code: string, extra: Record<string, string | undefined> = {}) =>
    fetch(
      `${base}/services/oauth2/token`,
      form(
        defined({
          grant_type: 'authorization_code',
          code,
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uri: REDIRECT,
          code_verifier: P.verifier,
          ...extra,
        }),
      ),
    );
  const refresh = (token: string) =>
    fetch(
      `${base}/services/oauth2/token`,
      form({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId, client_secret: clientSecret }),
    );

  test('a bad PKCE verifier is refused with invalid_grant', async () => {
    const { challenge } = pkce();
    const cb = await authorize(
      authorizeUrl(base, { code_challenge: challenge, code_challenge_method: 'S256' }),
      agent.username,
      agent.password,
    );
    const res = await exchange(cb.searchParams.get('code')!, { code_verifier: pkce().verifier });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_grant', error_description: 'invalid code verifier' });
  });

  test('a missing verifier for a PKCE code is refused', async () => {
    const { challenge } = pkce();
    const cb = await authorize(authorizeUrl(base, { code_challenge: challenge }), agent.username, agent.password);
    const res = await exchange(cb.searchParams.get('code')!, { code_verifier: undefined });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
  });

  test('a wrong client secret is refused with invalid_client', async () => {
    const cb = await authorize(authorizeUrl(base), agent.username, agent.password);
    const res = await exchange(cb.searchParams.get('code')!, { client_secret: 'not-the-secret' });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_client', error_description: 'invalid client credentials' });
  });

  test('an authorization code works once', async () => {
    const { challenge, verifier } = pkce();
    const cb = await authorize(authorizeUrl(base, { code_challenge: challenge }), agent.username, agent.password);
    const code = cb.searchParams.get('code')!;
    const first = await exchange(code, { code_verifier: verifier });
    assert.equal(first.status, 200);
    const body = (await first.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'id',
      'instance_url',
      'issued_at',
      'refresh_token',
      'scope',
      'signature',
      'token_type',
    ]);
    assert.equal(body.id, `${base}/id/${DEMO.salesforce.orgId}/${agent.id}`);
    assert.match(String(body.issued_at), /^\d{13}$/);
    const again = await exchange(code, { code_verifier: verifier });
    assert.equal(again.status, 400);
    assert.deepEqual(await again.json(), { error: 'invalid_grant', error_description: 'expired authorization code' });
  });

  test('state comes back unchanged, and an unacceptable state is refused', async () => {
    const state = '{"returnTo":"/console?x=1&y=2"}';
    const cb = await authorize(authorizeUrl(base, { state }), agent.username, agent.password);
    assert.equal(cb.searchParams.get('state'), state);
    const res = await fetch(authorizeUrl(base, { state: 'x'.repeat(5000) }));
    assert.equal(res.status, 400);
    assert.match(await res.text(), /invalid_request/);
  });

  test('redirect URIs: non-loopback refused at authorize, mismatch refused at token', async () => {
    const res = await fetch(authorizeUrl(base, { redirect_uri: 'https://evil.example/cb' }));
    assert.equal(res.status, 400);
    assert.match(await res.text(), /redirect_uri_mismatch/);
    const cb = await authorize(authorizeUrl(base), agent.username, agent.password);
    const token = await exchange(cb.searchParams.get('code')!, { redirect_uri: 'http://127.0.0.1:1/other' });
    assert.equal(token.status, 400);
    assert.equal(((await token.json()) as { error: string }).error, 'redirect_uri_mismatch');
  });

  test('unknown client, plain PKCE, denial and a wrong password', async () => {
    const unknown = await fetch(authorizeUrl(base, { client_id: 'nobody' }));
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /invalid_client_id/);
    const plain = await fetch(
      authorizeUrl(base, { code_challenge: pkce().challenge, code_challenge_method: 'plain' }),
      { redirect: 'manual' },
    );
    assert.equal(plain.status, 302);
    assert.equal(new URL(plain.headers.get('location')!).searchParams.get('error'), 'invalid_request');
    const params = Object.fromEntries(new URL(authorizeUrl(base)).searchParams);
    const deny = await fetch(`${base}/services/oauth2/authorize`, form({ ...params, decision: 'deny' }));
    const denied = new URL(deny.headers.get('location')!);
    assert.equal(denied.searchParams.get('error'), 'access_denied');
    assert.equal(denied.searchParams.get('state'), 's1');
    const badLogin = await fetch(
      `${base}/services/oauth2/authorize`,
      form({ ...params, username: agent.username, password: 'nope', decision: 'allow' }),
    );
    assert.equal(badLogin.status, 401);
    assert.match(await badLogin.text(), /check your username and password/);
  });

  test('the External Client App requires PKCE: an authorize request without a challenge goes back refused', async () => {
    const res = await fetch(authorizeUrl(base, { code_challenge: undefined, code_challenge_method: undefined }), {
      redirect: 'manual',
    });
    assert.equal(res.status, 302);
    const back = new URL(res.headers.get('location')!);
    assert.equal(back.searchParams.get('error'), 'invalid_request');
    assert.equal(back.searchParams.get('error_description'), 'missing required code challenge');
    assert.equal(back.searchParams.get('state'), 's1');
    assert.equal(back.searchParams.get('code'), null);
  });

  test('refresh-token rotation: each refresh returns a new refresh token, the old one is dead', async () => {
    const cb = await authorize(authorizeUrl(base), agent.username, agent.password);
    const first = (await (await exchange(cb.searchParams.get('code')!)).json()) as { refresh_token: string };
    const one = await refresh(first.refresh_token);
    assert.equal(one.status, 200);
    const rotated = (await one.json()) as { access_token: string; refresh_token: string };
    assert.ok(rotated.access_token);
    assert.match(rotated.refresh_token, /^5Aep/);
    assert.notEqual(rotated.refresh_token, first.refresh_token);
    const reused = await refresh(first.refresh_token);
    assert.equal(reused.status, 400);
    assert.deepEqual(await reused.json(), {
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    });
    // Two refreshes racing with one token: exactly one wins, the other gets invalid_grant.
    const race = await Promise.all([refresh(rotated.refresh_token), refresh(rotated.refresh_token)]);
    assert.deepEqual(race.map((r) => r.status).sort(), [200, 400]);
  });

  test('revoking a refresh token revokes the access tokens issued from it, after rotation too', async () => {
    const cb = await authorize(authorizeUrl(base), agent.username, agent.password);
    const granted = (await (await exchange(cb.searchParams.get('code')!)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const rotated = (await (await refresh(granted.refresh_token)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const other = await passwordToken(base);
    const read = (token: string) =>
      fetch(`${base}/services/data/v62.0/sobjects/Case/${DEMO.salesforce.cases.printer}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    assert.equal((await read(granted.access_token)).status, 200);
    assert.equal((await fetch(`${base}/services/oauth2/revoke`, form({ token: rotated.refresh_token }))).status, 200);
    assert.equal((await read(granted.access_token)).status, 401, 'the first access token of the grant is revoked');
    assert.equal((await read(rotated.access_token)).status, 401, 'the rotated access token is revoked');
    assert.equal((await read(other)).status, 200, 'another grant of the same user is untouched');
    assert.equal((await refresh(rotated.refresh_token)).status, 400);
  });

  test('token endpoint: form encoding only, grant types', async () => {
    const json = await fetch(`${base}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password' }),
    });
    assert.equal(json.status, 400);
    const unsupported = await fetch(
      `${base}/services/oauth2/token`,
      form({ grant_type: 'implicit', client_id: clientId }),
    );
    assert.deepEqual(await unsupported.json(), {
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    });
    const badPassword = await fetch(
      `${base}/services/oauth2/token`,
      form({
        grant_type: 'password',
        client_id: clientId,
        client_secret: clientSecret,
        username: agent.username,
        password: 'x',
      }),
    );
    assert.deepEqual(await badPassword.json(), { error: 'invalid_grant', error_description: 'authentication failure' });
    const cc = await fetch(
      `${base}/services/oauth2/token`,
      form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    );
    assert.equal(cc.status, 200);
  });

  test('revoke ends a token; identity and userinfo need a live token', async () => {
    const token = await passwordToken(base);
    const id = await fetch(`${base}/id/${DEMO.salesforce.orgId}/${agent.id}?version=62.0`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(((await id.json()) as { urls: { rest: string } }).urls.rest, `${base}/services/data/v62.0/`);
    const info = (await (
      await fetch(`${base}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as Record<string, unknown>;
    assert.equal(info.preferred_username, agent.username);
    assert.equal(info.organization_id, DEMO.salesforce.orgId);
    const revoke = await fetch(`${base}/services/oauth2/revoke`, form({ token }));
    assert.equal(revoke.status, 200);
    const after = await fetch(`${base}/services/data/v62.0/sobjects/Case/${DEMO.salesforce.cases.printer}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(after.status, 401);
    assert.deepEqual(await after.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });
});

describe('Salesforce REST errors and DML rules', () => {
  let t: TestSandbox;
  let base: string;
  let headers: Record<string, string>;
  before(async () => {
    t = await startTestSandbox({ maxUploadBytes: 4096 });
    base = t.sandbox.salesforceUrl;
    headers = { authorization: `Bearer ${await passwordToken(base)}`, 'content-type': 'application/json' };
  });
  after(() => t.close());

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}/services/data/v62.0${path}`, {
      ...init,
      headers: { ...headers, ...(init.headers as Record<string, string>) },
    });
  const query = async (q: string) => {
    const res = await api(`/query?q=${encodeURIComponent(q)}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };

  test('SOQL errors: MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE', async () => {
    const malformed = await query('SELECT Id FROM');
    assert.equal(malformed.status, 400);
    assert.equal((malformed.body as Array<{ errorCode: string }>)[0]!.errorCode, 'MALFORMED_QUERY');
    assert.equal(
      ((await query("SELECT Id FROM Case WHERE Subject = 'unterminated")).body as Array<{ errorCode: string }>)[0]!
        .errorCode,
      'MALFORMED_QUERY',
    );
    const field = await query('SELECT Id, Nope__c FROM Case');
    assert.equal((field.body as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_FIELD');
    const rel = await query('SELECT Contact.Nope FROM Case');
    assert.equal((rel.body as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_FIELD');
    const type = await query('SELECT Id FROM Nope');
    assert.equal((type.body as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_TYPE');
    const missingQ = await api('/query');
    assert.equal(((await missingQ.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'MALFORMED_QUERY');
  });

  test('SOQL semantics: NOT, parentheses, IN, LIKE, OFFSET, polymorphic What.Type, semi-join', async () => {
    const r1 = (
      await query(`SELECT CaseNumber FROM Case WHERE NOT (Priority = 'High' OR Priority = 'Low') ORDER BY CaseNumber`)
    ).body as { records: Array<{ CaseNumber: string }> };
    assert.deepEqual(
      r1.records.map((r) => r.CaseNumber),
      ['00001002'],
    );
    const r2 = (
      await query(
        `SELECT CaseNumber FROM Case WHERE Priority IN ('High','Low') ORDER BY CaseNumber DESC LIMIT 1 OFFSET 1`,
      )
    ).body as { records: Array<{ CaseNumber: string }> };
    assert.deepEqual(
      r2.records.map((r) => r.CaseNumber),
      ['00001001'],
    );
    const r3 = (await query(`SELECT Name FROM Contact WHERE Account.Name LIKE 'acme%'`)).body as {
      records: Array<{ Name: string }>;
    };
    assert.deepEqual(
      r3.records.map((r) => r.Name),
      ['Jane Customer'],
    );
    const task = await api('/sobjects/Task', {
      method: 'POST',
      body: JSON.stringify({
        Subject: 'Call',
        WhatId: DEMO.salesforce.cases.printer,
        WhoId: DEMO.salesforce.contacts.jane.id,
      }),
    });
    assert.equal(task.status, 201);
    const r4 = (
      await query(
        `SELECT Subject, What.Type, What.Name, Who.Name FROM Task WHERE WhatId = '${DEMO.salesforce.cases.printer.slice(0, 15)}'`,
      )
    ).body as {
      records: Array<{ What: { Type: string; Name: string; attributes: { type: string } }; Who: { Name: string } }>;
    };
    assert.equal(r4.records[0]!.What.Type, 'Case');
    assert.equal(r4.records[0]!.What.attributes.type, 'Case');
    assert.equal(r4.records[0]!.Who.Name, 'Jane Customer');
    const r5 = (
      await query(`SELECT Name FROM Contact WHERE Id IN (SELECT ContactId FROM Case WHERE Priority = 'High')`)
    ).body as { records: Array<{ Name: string }> };
    assert.deepEqual(
      r5.records.map((r) => r.Name),
      ['Jane Customer'],
    );
    const r6 = (await query(`SELECT COUNT(Id) n FROM Case WHERE CreatedDate < TODAY`)).body as {
      records: Array<{ n: number }>;
    };
    assert.equal(r6.records[0]!.n, 3);
  });

  test('Lead without LastName and Company: REQUIRED_FIELD_MISSING', async () => {
    const res = await api('/sobjects/Lead', { method: 'POST', body: JSON.stringify({ Email: 'x@y.example' }) });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), [
      {
        message: 'Required fields are missing: [LastName, Company]',
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: ['LastName', 'Company'],
      },
    ]);
  });

  test('Task whose WhoId is a Lead and that has a WhatId: FIELD_INTEGRITY_EXCEPTION (create and update)', async () => {
    const res = await api('/sobjects/Task', {
      method: 'POST',
      body: JSON.stringify({
        Subject: 'x',
        WhoId: DEMO.salesforce.leads.open.id,
        WhatId: DEMO.salesforce.cases.printer,
      }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as Array<{ errorCode: string; fields: string[] }>;
    assert.equal(body[0]!.errorCode, 'FIELD_INTEGRITY_EXCEPTION');
    const ok = await api('/sobjects/Task', {
      method: 'POST',
      body: JSON.stringify({ Subject: 'x', WhoId: DEMO.salesforce.leads.open.id }),
    });
    assert.equal(ok.status, 201);
    const { id } = (await ok.json()) as { id: string };
    const patch = await api(`/sobjects/Task/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ WhatId: DEMO.salesforce.cases.printer }),
    });
    assert.equal(((await patch.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'FIELD_INTEGRITY_EXCEPTION');
  });

  test('unknown field, read-only field, wrong reference type, bad id, unknown object', async () => {
    const unknown = await api('/sobjects/Case', {
      method: 'POST',
      body: JSON.stringify({ Subject: 'x', Bogus__c: 1 }),
    });
    assert.deepEqual(await unknown.json(), [
      {
        message: "No such column 'Bogus__c' on sobject of type Case",
        errorCode: 'INVALID_FIELD',
        fields: ['Bogus__c'],
      },
    ]);
    const readOnly = await api('/sobjects/Case', { method: 'POST', body: JSON.stringify({ CaseNumber: '1' }) });
    assert.equal(
      ((await readOnly.json()) as Array<{ errorCode: string }>)[0]!.errorCode,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
    );
    const wrongRef = await api('/sobjects/Case', {
      method: 'POST',
      body: JSON.stringify({ ContactId: DEMO.salesforce.accounts.acme }),
    });
    assert.equal(((await wrongRef.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'FIELD_INTEGRITY_EXCEPTION');
    const missing = await api('/sobjects/Case/500Sl0000009999');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'NOT_FOUND');
    const type = await api('/sobjects/Nope', { method: 'POST', body: '{}' });
    assert.equal(((await type.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_TYPE');
    const badJson = await api('/sobjects/Case', { method: 'POST', body: '{"Subject":' });
    assert.equal(((await badJson.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'JSON_PARSER_ERROR');
    const noAuth = await fetch(`${base}/services/data/v62.0/sobjects`);
    assert.equal(noAuth.status, 401);
  });

  test('describe lists the package custom fields; versions list and resources', async () => {
    const task = (await (await api('/sobjects/Task/describe')).json()) as {
      fields: Array<{ name: string; custom: boolean }>;
    };
    assert.ok(task.fields.some((f) => f.name === 'Sightline_Session_Id__c' && f.custom));
    const cv = (await (await api('/sobjects/ContentVersion/describe')).json()) as { fields: Array<{ name: string }> };
    assert.ok(cv.fields.some((f) => f.name === 'Sightline_Session_Id__c'));
    assert.ok(cv.fields.some((f) => f.name === 'Sightline_Duration_Seconds__c'));
    const attendee = (await (await api('/sobjects/Sightline_Attendee__c/describe')).json()) as {
      custom: boolean;
      keyPrefix: string;
      fields: Array<{ name: string; relationshipName: string | null }>;
    };
    assert.equal(attendee.custom, true);
    assert.equal(attendee.fields.find((f) => f.name === 'Case__c')?.relationshipName, 'Case__r');
    const missingName = await api('/sobjects/Sightline_Attendee__c', {
      method: 'POST',
      body: JSON.stringify({ Case__c: DEMO.salesforce.cases.printer }),
    });
    assert.equal(((await missingName.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'REQUIRED_FIELD_MISSING');
    const created = await api('/sobjects/Sightline_Attendee__c', {
      method: 'POST',
      body: JSON.stringify({
        Name: 'Jane Customer',
        Case__c: DEMO.salesforce.cases.printer,
        Email__c: DEMO.salesforce.contacts.jane.email,
        Session_Id__c: 's-9',
        Joined_At__c: '2026-11-21T03:00:00.000Z',
      }),
    });
    assert.equal(created.status, 201);
    assert.ok(((await created.json()) as { id: string }).id.startsWith(attendee.keyPrefix));
    const rows = (
      await query(
        `SELECT Name, Case__r.CaseNumber, Joined_At__c FROM Sightline_Attendee__c WHERE Session_Id__c = 's-9'`,
      )
    ).body as {
      records: Array<{ Name: string; Case__r: { CaseNumber: string }; Joined_At__c: string }>;
    };
    assert.equal(rows.records[0]!.Case__r.CaseNumber, '00001001');
    assert.equal(rows.records[0]!.Joined_At__c, '2026-11-21T03:00:00.000+0000');
    const badId = await query(`SELECT Id FROM Case WHERE Id = 'not-an-id'`);
    assert.equal((badId.body as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
    const versions = (await (await fetch(`${base}/services/data`)).json()) as Array<{ version: string; url: string }>;
    assert.ok(versions.some((v) => v.version === '62.0' && v.url === '/services/data/v62.0'));
    const global = (await (await api('/sobjects')).json()) as { sobjects: Array<{ name: string; keyPrefix: string }> };
    assert.equal(global.sobjects.find((o) => o.name === 'Case')?.keyPrefix, '500');
  });

  test('upsert by External ID: 201 created, 200 (204 before v46) updated, unknown field, duplicates refused', async () => {
    const key = `s-up:${Date.now()}`;
    const url = `/sobjects/Sightline_Attendee__c/Attendee_Key__c/${encodeURIComponent(key)}`;
    const body = (extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        Name: 'Ursula Upsert',
        Case__c: DEMO.salesforce.cases.printer,
        Session_Id__c: 's-up',
        ...extra,
      });
    const first = await api(url, { method: 'PATCH', body: body() });
    assert.equal(first.status, 201);
    const created = (await first.json()) as { id: string; success: boolean; created: boolean };
    assert.equal(created.created, true);
    assert.equal(created.success, true);
    const again = await api(url, { method: 'PATCH', body: body({ Email__c: 'ursula@upsert.example' }) });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { id: created.id, success: true, errors: [], created: false });
    const old = await fetch(`${base}/services/data/v45.0${url}`, {
      method: 'PATCH',
      headers,
      body: body({ Phone__c: '+1 555 0199' }),
    });
    assert.equal(old.status, 204);
    const rows = (
      await query(
        `SELECT Id, Attendee_Key__c, Email__c, Phone__c FROM Sightline_Attendee__c WHERE Session_Id__c = 's-up'`,
      )
    ).body as { records: Array<Record<string, unknown>> };
    assert.equal(rows.records.length, 1, 'one row for the key, however often it is upserted');
    assert.deepEqual(
      [rows.records[0]!.Id, rows.records[0]!.Attendee_Key__c, rows.records[0]!.Email__c, rows.records[0]!.Phone__c],
      [created.id, key, 'ursula@upsert.example', '+1 555 0199'],
    );
    const notExternal = await api('/sobjects/Sightline_Attendee__c/Email__c/x@y.example', {
      method: 'PATCH',
      body: body(),
    });
    assert.equal(notExternal.status, 404);
    assert.equal(((await notExternal.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'NOT_FOUND');
    const mismatch = await api(url, { method: 'PATCH', body: body({ Attendee_Key__c: 'other' }) });
    assert.equal(((await mismatch.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_FIELD');
    const duplicate = await api('/sobjects/Sightline_Attendee__c', {
      method: 'POST',
      body: body({ Attendee_Key__c: key }),
    });
    assert.equal(duplicate.status, 400);
    assert.equal(((await duplicate.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'DUPLICATE_VALUE');
    const describe = (await (await api('/sobjects/Sightline_Attendee__c/describe')).json()) as {
      fields: Array<{ name: string; externalId: boolean; unique: boolean }>;
    };
    const field = describe.fields.find((f) => f.name === 'Attendee_Key__c')!;
    assert.deepEqual([field.externalId, field.unique], [true, true]);
  });

  test('multipart: both part orders and names, missing JSON part, malformed body, oversized file', async () => {
    const json = JSON.stringify({
      Title: 'Rec',
      PathOnClient: 'rec.webm',
      FirstPublishLocationId: DEMO.salesforce.cases.login,
    });
    const post = (m: { body: Buffer; type: string }) =>
      api('/sobjects/ContentVersion', {
        method: 'POST',
        headers: { 'content-type': m.type },
        body: new Uint8Array(m.body),
      });
    const docFirst = await post(
      multipart([
        { name: 'entity_content', type: 'application/json', data: json },
        { name: 'VersionData', filename: 'rec.webm', type: 'application/octet-stream', data: 'abc' },
      ]),
    );
    assert.equal(docFirst.status, 201);
    const binFirst = await post(
      multipart([
        { name: 'VersionData', filename: 'rec.webm', type: 'application/octet-stream', data: 'abcd' },
        { name: 'ContentVersion', type: 'application/json', data: json },
      ]),
    );
    assert.equal(binFirst.status, 201);
    const noJson = await post(
      multipart([{ name: 'VersionData', filename: 'rec.webm', type: 'application/octet-stream', data: 'abc' }]),
    );
    assert.equal(noJson.status, 400);
    assert.deepEqual(await noJson.json(), [
      { message: 'Multipart message must include a non-binary part', errorCode: 'INVALID_MULTIPART_REQUEST' },
    ]);
    const truncated = multipart([
      { name: 'entity_content', type: 'application/json', data: json },
      { name: 'VersionData', filename: 'rec.webm', type: 'application/octet-stream', data: 'abc' },
    ]);
    const broken = await post({ body: truncated.body.subarray(0, truncated.body.length - 40), type: truncated.type });
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_MULTIPART_REQUEST');
    const noBoundary = await api('/sobjects/ContentVersion', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'x',
    });
    assert.equal(
      ((await noBoundary.json()) as Array<{ errorCode: string }>)[0]!.errorCode,
      'INVALID_MULTIPART_REQUEST',
    );
    const big = await post(
      multipart([
        { name: 'entity_content', type: 'application/json', data: json },
        { name: 'VersionData', filename: 'rec.webm', type: 'application/octet-stream', data: Buffer.alloc(5000) },
      ]),
    );
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'MAXIMUM_SIZE_OF_ATTACHMENT');
    const count = (await query(`SELECT COUNT() FROM ContentVersion`)).body as { totalSize: number };
    assert.equal(count.totalSize, 2, 'failed uploads left nothing behind');
  });

  test('emailSimple lands in the outbox; more than 5 recipients is refused', async () => {
    const ok = await api('/actions/standard/emailSimple', {
      method: 'POST',
      body: JSON.stringify({
        inputs: [
          {
            emailAddresses: 'jane.customer@acme.example',
            emailSubject: 'Join',
            emailBody: 'Open http://127.0.0.1:1/j/tok',
            senderType: 'CurrentUser',
            relatedRecordId: DEMO.salesforce.cases.printer,
          },
        ],
      }),
    });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as Array<{ isSuccess: boolean; actionName: string }>;
    assert.equal(body[0]!.isSuccess, true);
    assert.equal(body[0]!.actionName, 'emailSimple');
    const tooMany = await api('/actions/standard/emailSimple', {
      method: 'POST',
      body: JSON.stringify({
        inputs: [{ emailAddresses: 'a@x.io,b@x.io,c@x.io,d@x.io,e@x.io,f@x.io', emailSubject: 'x', emailBody: 'y' }],
      }),
    });
    assert.equal(tooMany.status, 400);
    assert.equal(((await tooMany.json()) as Array<{ isSuccess: boolean }>)[0]!.isSuccess, false);
  });
});

describe('an OAuth client not installed in the org', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox({ installedClientIds: ['PlatformCLI'] });
  });
  after(() => t.close());

  test('gets the unknown-client error at authorize and at the token endpoint, on both CRMs', async () => {
    const base = t.sandbox.salesforceUrl;
    const page = await fetch(authorizeUrl(base));
    assert.equal(page.status, 400);
    assert.match(await page.text(), /error=invalid_client_id[\s\S]*client identifier invalid/);
    const token = await fetch(
      `${base}/services/oauth2/token`,
      form({
        grant_type: 'password',
        client_id: clientId,
        client_secret: clientSecret,
        username: agent.username,
        password: agent.password,
      }),
    );
    assert.equal(token.status, 400);
    assert.deepEqual(await token.json(), {
      error: 'invalid_client_id',
      error_description: 'client identifier invalid',
    });
    const sn = await fetch(
      `${t.sandbox.servicenowUrl}/oauth_auth.do?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 's', code_challenge: P.challenge })}`,
    );
    assert.equal(sn.status, 400);
    assert.match(await sn.text(), /Invalid client id or redirect URL/);
  });
});
