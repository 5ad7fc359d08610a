// The ServiceNow-compatible server: OAuth (state required, PKCE, form-encoded token endpoint), Table
// API (encoded queries, reference fields, display values, X-Total-Count), journal work notes and the
// Attachment API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO } from '../src/index.ts';
import { REDIRECT, authorize, form, pkce, startTestSandbox, type TestSandbox } from './helpers.ts';

const agent = DEMO.servicenow.users.agent;
const { clientId, clientSecret } = DEMO.oauthClient;
const vpn = DEMO.servicenow.incidents.vpn;
/** The relay's registry entry requires PKCE: every authorize request carries this pair unless a test says otherwise. */
const P = pkce();

describe('ServiceNow sandbox', () => {
  let t: TestSandbox;
  let base: string;
  let auth: Record<string, string>;

  const authUrl = (extra: Record<string, string> = {}) =>
    `${base}/oauth_auth.do?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 'st-1', code_challenge: P.challenge, code_challenge_method: 'S256', ...extra })}`;
  const token = (values: Record<string, string>) =>
    fetch(
      `${base}/oauth_token.do`,
      form({
        client_id: clientId,
        ...(values.grant_type === 'authorization_code' ? { code_verifier: P.verifier } : {}),
        ...values,
      }),
    );
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        ...auth,
        'content-type': 'application/json',
        accept: 'application/json',
        ...(init.headers as Record<string, string>),
      },
    });

  before(async () => {
    t = await startTestSandbox({ maxUploadBytes: 64 * 1024 });
    base = t.sandbox.servicenowUrl;
    const { challenge, verifier } = pkce();
    const cb = await authorize(
      authUrl({ code_challenge: challenge, code_challenge_method: 'S256' }),
      agent.username,
      agent.password,
    );
    assert.equal(cb.searchParams.get('state'), 'st-1');
    const res = await token({
      grant_type: 'authorization_code',
      code: cb.searchParams.get('code')!,
      client_secret: clientSecret,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    auth = { authorization: `Bearer ${String(body.access_token)}` };
  });
  after(() => t.close());

  test('PKCE is required by the registry entry; tokens live 30 minutes (expires_in 1799) at most', async () => {
    const noChallenge = await fetch(
      `${base}/oauth_auth.do?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 's' })}`,
    );
    assert.equal(noChallenge.status, 400);
    assert.match(await noChallenge.text(), /code_challenge is required/);
    // This sandbox was told 60 s (config/test.json); a longer setting is capped at ServiceNow's 1800.
    const cb = await authorize(authUrl(), agent.username, agent.password);
    const res = await token({
      grant_type: 'authorization_code',
      code: cb.searchParams.get('code')!,
      client_secret: clientSecret,
      redirect_uri: REDIRECT,
    });
    assert.equal(((await res.json()) as { expires_in: number }).expires_in, 59);
    const long = await startTestSandbox({ accessTokenTtlSeconds: 7200 });
    try {
      const pw = await fetch(
        `${long.sandbox.servicenowUrl}/oauth_token.do`,
        form({
          grant_type: 'password',
          client_id: clientId,
          client_secret: clientSecret,
          username: agent.username,
          password: agent.password,
        }),
      );
      assert.equal(((await pw.json()) as { expires_in: number }).expires_in, 1799);
    } finally {
      await long.close();
    }
  });

  test('revoking a refresh token ends the access tokens issued from it; refresh keeps the refresh token', async () => {
    const cb = await authorize(authUrl(), agent.username, agent.password);
    const granted = (await (
      await token({
        grant_type: 'authorization_code',
        code: cb.searchParams.get('code')!,
        client_secret: clientSecret,
        redirect_uri: REDIRECT,
      })
    ).json()) as { access_token: string; refresh_token: string };
    const refreshed = (await (
      await token({ grant_type: 'refresh_token', refresh_token: granted.refresh_token, client_secret: clientSecret })
    ).json()) as { access_token: string; refresh_token: string };
    assert.equal(refreshed.refresh_token, granted.refresh_token, 'ServiceNow does not rotate refresh tokens');
    const read = (t: string) =>
      fetch(`${base}/api/now/table/incident?sysparm_limit=1`, {
        headers: { authorization: `Bearer ${t}`, accept: 'application/json' },
      });
    assert.equal((await read(refreshed.access_token)).status, 200);
    await fetch(`${base}/oauth_revoke_token.do`, form({ token: granted.refresh_token }));
    assert.equal((await read(granted.access_token)).status, 401);
    assert.equal((await read(refreshed.access_token)).status, 401);
    const again = await token({
      grant_type: 'refresh_token',
      refresh_token: granted.refresh_token,
      client_secret: clientSecret,
    });
    assert.equal(again.status, 401);
  });

  test('OAuth errors: missing state, reused code, wrong secret, bad verifier, JSON body', async () => {
    const noState = await fetch(
      `${base}/oauth_auth.do?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT })}`,
    );
    assert.equal(noState.status, 400);
    assert.match(await noState.text(), /state is required/);
    const denied = { error: 'server_error', error_description: 'access_denied' };
    const cb = await authorize(authUrl(), agent.username, agent.password);
    const code = cb.searchParams.get('code')!;
    const wrongSecret = await token({
      grant_type: 'authorization_code',
      code,
      client_secret: 'wrong',
      redirect_uri: REDIRECT,
    });
    assert.equal(wrongSecret.status, 401);
    assert.deepEqual(await wrongSecret.json(), denied);
    const cb2 = await authorize(authUrl(), agent.username, agent.password);
    const ok = await token({
      grant_type: 'authorization_code',
      code: cb2.searchParams.get('code')!,
      client_secret: clientSecret,
      redirect_uri: REDIRECT,
    });
    assert.equal(ok.status, 200);
    const reused = await token({
      grant_type: 'authorization_code',
      code: cb2.searchParams.get('code')!,
      client_secret: clientSecret,
      redirect_uri: REDIRECT,
    });
    assert.equal(reused.status, 401);
    assert.deepEqual(await reused.json(), denied);
    const cb3 = await authorize(authUrl({ code_challenge: pkce().challenge }), agent.username, agent.password);
    const badVerifier = await token({
      grant_type: 'authorization_code',
      code: cb3.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    assert.equal(badVerifier.status, 401);
    const json = await fetch(`${base}/oauth_token.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password' }),
    });
    assert.equal(json.status, 400);
    const refresh = (await ok.json()) as { refresh_token: string };
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: refresh.refresh_token,
      client_secret: clientSecret,
    });
    assert.equal(refreshed.status, 200);
    const password = await token({
      grant_type: 'password',
      client_secret: clientSecret,
      username: agent.username,
      password: agent.password,
    });
    assert.equal(password.status, 200);
  });

  test('Table API: current user, encoded queries, reference fields, display values, paging headers', async () => {
    const me = (await (
      await api(
        '/api/now/table/sys_user?sysparm_query=sys_id=javascript:gs.getUserID()&sysparm_fields=sys_id,user_name,name',
      )
    ).json()) as { result: Array<Record<string, string>> };
    assert.deepEqual(me.result, [{ sys_id: agent.id, user_name: 'alex.agent', name: 'Alex Agent' }]);
    const mine = await api(
      '/api/now/table/incident?sysparm_query=assigned_to=javascript:gs.getUserID()^ORDERBYDESCnumber&sysparm_limit=1',
    );
    assert.equal(mine.headers.get('x-total-count'), '2');
    assert.match(mine.headers.get('link') ?? '', /rel="next"/);
    const first = ((await mine.json()) as { result: Array<Record<string, unknown>> }).result[0]!;
    assert.equal(first.number, 'INC0010002');
    assert.deepEqual(first.caller_id, {
      link: `${base}/api/now/table/sys_user/${DEMO.servicenow.callers.raj.id}`,
      value: DEMO.servicenow.callers.raj.id,
    });
    const q = (s: string) =>
      api(`/api/now/table/incident?sysparm_query=${encodeURIComponent(s)}&sysparm_fields=number`).then(async (r) =>
        ((await r.json()) as { result: Array<{ number: string }> }).result.map((x) => x.number),
      );
    assert.deepEqual(await q('caller_id.emailLIKEacme'), ['INC0010001']);
    assert.deepEqual(await q('short_descriptionSTARTSWITHvpn^ORshort_descriptionLIKEoutlook^ORDERBYnumber'), [
      'INC0010001',
      'INC0010002',
    ]);
    assert.deepEqual(await q('numberININC0010002,INC0099999'), ['INC0010002']);
    assert.deepEqual(await q('priority=3^numberINC0010001^NQnumber=INC0010002'), ['INC0010002']);
    assert.deepEqual(await q('no_such_field=1'), []);
    const display = (await (
      await api(
        `/api/now/table/incident/${vpn.id}?sysparm_display_value=true&sysparm_exclude_reference_link=true&sysparm_fields=caller_id,assigned_to`,
      )
    ).json()) as { result: Record<string, unknown> };
    assert.deepEqual(display.result, { caller_id: 'Jane Customer', assigned_to: 'Alex Agent' });
    const all = (await (
      await api(`/api/now/table/incident/${vpn.id}?sysparm_display_value=all&sysparm_fields=caller_id,state`)
    ).json()) as { result: Record<string, unknown> };
    assert.deepEqual(all.result.state, { display_value: '2', value: '2' });
    assert.equal((all.result.caller_id as { display_value: string }).display_value, 'Jane Customer');
  });

  test('work_notes writes go to sys_journal_field and read back as a journal', async () => {
    const res = await api(`/api/now/table/incident/${vpn.id}?sysparm_fields=sys_id,work_notes`, {
      method: 'PATCH',
      body: JSON.stringify({ work_notes: 'Screen share session ended.\nAttendees: Jane' }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { result: unknown }).result, { sys_id: vpn.id, work_notes: '' });
    const journal = (await (
      await api(
        `/api/now/table/sys_journal_field?sysparm_query=${encodeURIComponent(`element_id=${vpn.id}^element=work_notes^valueLIKEAttendees: Jane`)}`,
      )
    ).json()) as { result: Array<Record<string, string>> };
    assert.equal(journal.result.length, 1);
    assert.equal(journal.result[0]!.name, 'incident');
    assert.equal(journal.result[0]!.sys_created_by, 'alex.agent');
    const shown = (await (
      await api(`/api/now/table/incident/${vpn.id}?sysparm_display_value=true&sysparm_fields=work_notes`)
    ).json()) as { result: { work_notes: string } };
    assert.match(shown.result.work_notes, /Alex Agent \(Work notes\)\nScreen share session ended\./);
  });

  test('create, delete, and the error shapes', async () => {
    const created = await api('/api/now/table/incident', {
      method: 'POST',
      body: JSON.stringify({
        short_description: 'New one',
        caller_id: DEMO.servicenow.callers.jane.id,
        unknown_field: 'ignored',
      }),
    });
    assert.equal(created.status, 201);
    const record = ((await created.json()) as { result: Record<string, unknown> }).result;
    assert.equal(record.number, 'INC0010003');
    assert.equal(record.unknown_field, undefined);
    assert.equal(record.state, '1');
    const del = await api(`/api/now/table/incident/${String(record.sys_id)}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    const gone = await api(`/api/now/table/incident/${String(record.sys_id)}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(await gone.json(), {
      error: { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" },
      status: 'failure',
    });
    const table = await api('/api/now/table/not_a_table');
    assert.equal(table.status, 400);
    assert.deepEqual(await table.json(), {
      error: { message: 'Invalid table not_a_table', detail: null },
      status: 'failure',
    });
    const anon = await fetch(`${base}/api/now/table/incident`);
    assert.equal(anon.status, 401);
    assert.equal(((await anon.json()) as { status: string }).status, 'failure');
    const basic = await fetch(`${base}/api/now/table/incident?sysparm_limit=1`, {
      headers: { authorization: `Basic ${Buffer.from(`${agent.username}:${agent.password}`).toString('base64')}` },
    });
    assert.equal(basic.status, 200);
    const email = await api('/api/now/table/sys_email', {
      method: 'POST',
      body: JSON.stringify({
        type: 'send-ready',
        recipients: 'jane.customer@acme.example',
        subject: 'Join',
        body: 'http://127.0.0.1:1/j/x',
        instance: vpn.id,
        target_table: 'incident',
      }),
    });
    assert.equal(email.status, 201);
  });

  test('Attachment API: file, upload (file part last), download, list, limits', async () => {
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
    const file = await api(
      `/api/now/attachment/file?table_name=incident&table_sys_id=${vpn.id}&file_name=session.webm`,
      { method: 'POST', headers: { 'content-type': 'video/webm' }, body: bytes },
    );
    assert.equal(file.status, 201);
    const meta = ((await file.json()) as { result: Record<string, string> }).result;
    assert.equal(meta.size_bytes, '3000');
    assert.equal(meta.download_link, `${base}/api/now/attachment/${meta.sys_id!}/file`);
    const download = await api(`/api/now/attachment/${meta.sys_id!}/file`);
    assert.equal(download.headers.get('content-type'), 'video/webm');
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);

    const upload = new FormData();
    upload.append('table_name', 'incident');
    upload.append('table_sys_id', vpn.id);
    upload.append('uploadFile', new Blob([bytes], { type: 'video/webm' }), 'second.webm');
    const up = await fetch(`${base}/api/now/attachment/upload`, { method: 'POST', headers: auth, body: upload });
    assert.equal(up.status, 201);
    assert.equal(((await up.json()) as { result: { file_name: string } }).result.file_name, 'second.webm');

    const wrongOrder = new FormData();
    wrongOrder.append('uploadFile', new Blob([bytes]), 'x.bin');
    wrongOrder.append('table_name', 'incident');
    wrongOrder.append('table_sys_id', vpn.id);
    const bad = await fetch(`${base}/api/now/attachment/upload`, { method: 'POST', headers: auth, body: wrongOrder });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { status: string }).status, 'failure');

    const list = await api(
      `/api/now/attachment?sysparm_query=${encodeURIComponent(`table_sys_id=${vpn.id}^file_name=session.webm`)}`,
    );
    assert.equal(list.headers.get('x-total-count'), '1');
    const big = await api(`/api/now/attachment/file?table_name=incident&table_sys_id=${vpn.id}&file_name=big.bin`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(70 * 1024),
    });
    assert.equal(big.status, 413);
    const noRecord = await api(
      `/api/now/attachment/file?table_name=incident&table_sys_id=${'0'.repeat(32)}&file_name=a.txt`,
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
    );
    assert.equal(noRecord.status, 400);
  });
});
