// The people pages: sign-in, the case page (fields, escaped task descriptions, playable files, emails,
// related leads, the Sightline mount point), the outbox with clickable links, the incident page, and
// the UI session authenticating same-origin /services/data calls only.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO } from '../src/index.ts';
import { passwordToken, signIn, startTestSandbox, type TestSandbox } from './helpers.ts';

const printer = DEMO.salesforce.cases.printer;

describe('people pages', () => {
  let t: TestSandbox;
  let build: string;
  let sf: string;
  let sn: string;
  let cookie: string;
  let api: (path: string, init?: RequestInit) => Promise<Response>;

  before(async () => {
    build = await mkdtemp(join(tmpdir(), 'sightline-build-'));
    await writeFile(join(build, 'case-page.js'), 'export const mounted = true;\n');
    t = await startTestSandbox({}, undefined, build);
    sf = t.sandbox.salesforceUrl;
    sn = t.sandbox.servicenowUrl;
    t.sandbox.setRelayUrl('http://127.0.0.1:9/');
    const token = await passwordToken(sf);
    api = (path, init = {}) =>
      fetch(`${sf}/services/data/v62.0${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
    cookie = await signIn(sf, DEMO.salesforce.users.manager.username, DEMO.salesforce.users.manager.password);
  });
  after(async () => {
    await t.close();
    await rm(build, { recursive: true, force: true });
  });

  test('pages need sign-in; wrong passwords and cross-site sign-in are refused', async () => {
    const anon = await fetch(`${sf}/lightning/r/Case/${printer}/view`, { redirect: 'manual' });
    assert.equal(anon.status, 302);
    const login = anon.headers.get('location')!;
    assert.equal(login, `/login?returnTo=${encodeURIComponent(`/lightning/r/Case/${printer}/view`)}`);
    assert.match(await (await fetch(`${sf}${login}`)).text(), /name="returnTo" value="\/lightning\/r\/Case\//);
    const wrong = await fetch(`${sf}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: sf },
      body: 'username=alex.agent%40sightline.demo&password=x',
    });
    assert.equal(wrong.status, 401);
    const crossSite = await fetch(`${sf}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: `username=${encodeURIComponent(DEMO.salesforce.users.agent.username)}&password=sightline-demo`,
    });
    assert.equal(crossSite.status, 403);
    const open = await fetch(`${sf}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: sf },
      body: `username=${encodeURIComponent(DEMO.salesforce.users.agent.username)}&password=sightline-demo&returnTo=${encodeURIComponent('//evil.example/')}`,
    });
    assert.equal(open.headers.get('location'), '/', 'only local return paths');
    // Every people page but the outbox stays behind the sign-in, on both servers.
    for (const [base, path] of [
      [sf, '/'],
      [sf, '/leads'],
      [sn, '/'],
      [sn, '/incident_list.do'],
      [sn, `/incident.do?sys_id=${DEMO.servicenow.incidents.vpn.id}`],
    ] as const) {
      const res = await fetch(`${base}${path}`, { redirect: 'manual' });
      assert.equal(res.status, 302, `${base}${path}`);
      assert.match(res.headers.get('location')!, /^\/login\?returnTo=/);
    }
  });

  test('the case page shows fields, escaped tasks, a playable file, emails, leads and the mount point', async () => {
    const lead = await api('/sobjects/Lead', {
      method: 'POST',
      body: JSON.stringify({ LastName: 'Guest', Company: 'Unknown', Email: 'guest@visitor.example' }),
    });
    assert.equal(lead.status, 201);
    const task = await api('/sobjects/Task', {
      method: 'POST',
      body: JSON.stringify({
        Subject: 'Screen share <b>session</b>',
        WhatId: printer,
        Status: 'Completed',
        Description:
          'Attendees:\n  Jane Customer <jane.customer@acme.example>\n  Guest <guest@visitor.example>\n<script>alert(1)</script>',
        Sightline_Session_Id__c: 's-1',
      }),
    });
    assert.equal(task.status, 201);
    const attendeeLead = await api('/sobjects/Lead', {
      method: 'POST',
      body: JSON.stringify({ LastName: 'Attendee', Company: 'Unknown', Email: 'attendee@visitor.example' }),
    });
    const attendee = await api('/sobjects/Sightline_Attendee__c', {
      method: 'POST',
      body: JSON.stringify({
        Name: 'Attendee',
        Case__c: printer,
        Lead__c: ((await attendeeLead.json()) as { id: string }).id,
        Session_Id__c: 's-1',
      }),
    });
    assert.equal(attendee.status, 201);
    const webm = Buffer.from('1a45dfa3', 'hex');
    const cv = await api('/sobjects/ContentVersion', {
      method: 'POST',
      body: JSON.stringify({
        Title: 'Recording',
        PathOnClient: 'rec.webm',
        VersionData: webm.toString('base64'),
        FirstPublishLocationId: printer,
      }),
    });
    const cvId = ((await cv.json()) as { id: string }).id;
    await api('/actions/standard/emailSimple', {
      method: 'POST',
      body: JSON.stringify({
        inputs: [
          {
            emailAddresses: DEMO.salesforce.contacts.jane.email,
            emailSubject: 'Join our screen share',
            emailBody: 'Click http://127.0.0.1:9/j/abc?x=1&y=2 to join',
            relatedRecordId: printer,
            logEmailOnSend: true,
          },
        ],
      }),
    });

    const res = await fetch(`${sf}/lightning/r/Case/${printer}/view`, { headers: { cookie } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await res.text();
    assert.match(html, /Label printer stops after every job/);
    assert.match(html, /Jane Customer &lt;jane.customer@acme.example&gt;/);
    assert.match(html, /Screen share &lt;b&gt;session&lt;\/b&gt;/);
    assert.match(html, /<pre>Attendees:\n {2}Jane Customer &lt;jane.customer@acme.example&gt;/);
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.match(
      html,
      new RegExp(`<video controls preload="metadata" src="/sfc/servlet.shepherd/version/download/${cvId}"`),
    );
    assert.match(html, /<h2>Emails \(1\)<\/h2>/, 'the logged EmailMessage is on the case');
    assert.match(html, /Join our screen share<pre>Click http:\/\/127.0.0.1:9\/j\/abc\?x=1&amp;y=2 to join<\/pre>/);
    assert.match(html, /guest@visitor.example<\/td>/);
    assert.match(html, /attendee@visitor.example<\/td>/);
    assert.match(
      html,
      new RegExp(
        `<div id="sightline-mount" data-record-id="${printer}" data-relay-url="http://127.0.0.1:9" data-user-id="${DEMO.salesforce.users.manager.id}" data-api-version="62.0"></div>`,
      ),
    );
    assert.match(html, /<script type="module" src="\/sightline-components\/case-page.js"><\/script>/);
    const bundle = await fetch(`${sf}/sightline-components/case-page.js`);
    assert.match(await bundle.text(), /mounted = true/);
    // The REST blob URL wants a Bearer header; the page's session reads the file servlet.
    const rest = await fetch(`${sf}/services/data/v62.0/sobjects/ContentVersion/${cvId}/VersionData`, {
      headers: { cookie },
    });
    assert.equal(rest.status, 401);
    assert.equal(((await rest.json()) as { errorCode: string }[])[0]!.errorCode, 'INVALID_SESSION_ID');
    const video = await fetch(`${sf}/sfc/servlet.shepherd/version/download/${cvId}`, { headers: { cookie } });
    assert.equal(video.status, 200);
    assert.equal(video.headers.get('content-type'), 'video/webm');
    assert.equal(video.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await video.arrayBuffer()), webm);
    const part = await fetch(`${sf}/sfc/servlet.shepherd/version/download/${cvId}`, {
      headers: { cookie, range: 'bytes=1-2' },
    });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1-2/${webm.length}`);
    assert.equal(part.headers.get('content-type'), 'video/webm');
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), webm.subarray(1, 3));
    const anonymous = await fetch(`${sf}/sfc/servlet.shepherd/version/download/${cvId}`, { redirect: 'manual' });
    assert.equal(anonymous.status, 302, 'the servlet wants a signed-in user');
  });

  test('the UI session authenticates same-origin API calls only', async () => {
    const same = await fetch(`${sf}/services/data/v62.0/sobjects/Lead`, {
      method: 'POST',
      headers: { cookie, origin: sf, 'content-type': 'application/json' },
      body: JSON.stringify({ LastName: 'Page', Company: 'UI' }),
    });
    assert.equal(same.status, 201);
    const created = ((await same.json()) as { id: string }).id;
    const lead = (await (
      await fetch(`${sf}/services/data/v62.0/sobjects/Lead/${created}`, { headers: { cookie } })
    ).json()) as { OwnerId: string };
    assert.equal(lead.OwnerId, DEMO.salesforce.users.manager.id);
    const cross = await fetch(`${sf}/services/data/v62.0/sobjects/Lead`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{"LastName":"X","Company":"Y"}',
    });
    assert.equal(cross.status, 401);
    const noOrigin = await fetch(`${sf}/services/data/v62.0/sobjects/Lead`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"LastName":"X","Company":"Y"}',
    });
    assert.equal(noOrigin.status, 401);
  });

  test('the outbox makes emailed links clickable; leads list', async () => {
    const html = await (await fetch(`${sf}/outbox`, { headers: { cookie } })).text();
    assert.match(html, /<a href="http:\/\/127.0.0.1:9\/j\/abc\?x=1&amp;y=2">/);
    const leads = await (await fetch(`${sf}/leads`, { headers: { cookie } })).text();
    assert.match(leads, /Pat Prospect/);
    assert.match(leads, /Chris Converted/);
  });

  test('ServiceNow incident page: work notes, attachments, emails; its outbox shows both CRMs', async () => {
    const snCookie = await signIn(sn, DEMO.servicenow.users.agent.username, DEMO.servicenow.users.agent.password);
    const inc = DEMO.servicenow.incidents.vpn.id;
    const headers = { cookie: snCookie, origin: sn, 'content-type': 'application/json' };
    assert.equal(
      (
        await fetch(`${sn}/api/now/table/incident/${inc}`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify({ work_notes: 'Session log <i>x</i>' }),
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await fetch(`${sn}/api/now/attachment/file?table_name=incident&table_sys_id=${inc}&file_name=rec.webm`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'video/webm' },
          body: 'webm',
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await fetch(`${sn}/api/now/table/sys_email`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            type: 'send-ready',
            recipients: DEMO.servicenow.callers.jane.email,
            subject: 'Join (ServiceNow)',
            body: 'Open http://127.0.0.1:9/j/sn',
            instance: inc,
          }),
        })
      ).status,
      201,
    );
    const html = await (await fetch(`${sn}/incident.do?sys_id=${inc}`, { headers: { cookie: snCookie } })).text();
    assert.match(html, /INC0010001: VPN drops every few minutes/);
    assert.match(html, /<pre>Session log &lt;i&gt;x&lt;\/i&gt;<\/pre>/);
    assert.match(html, /<video controls preload="metadata" src="\/api\/now\/attachment\/[0-9a-f]{32}\/file">/);
    assert.match(html, /Join \(ServiceNow\)/);
    const outbox = await (await fetch(`${sn}/outbox`, { headers: { cookie: snCookie } })).text();
    assert.match(outbox, /<a href="http:\/\/127.0.0.1:9\/j\/sn">/);
    assert.match(outbox, /Join our screen share/);
  });
  test('the outbox reads without signing in, like a mail catcher: escaped, clickable, same CSP', async () => {
    const sent = await api('/actions/standard/emailSimple', {
      method: 'POST',
      body: JSON.stringify({
        inputs: [
          {
            emailAddresses: 'mallory@example.com',
            emailSubject: '<script>alert(1)</script> hello',
            emailBody: 'See <img src=x onerror=alert(1)> http://127.0.0.1:9/j/xyz',
          },
        ],
      }),
    });
    assert.equal(sent.status, 200, await sent.text());
    for (const base of [sf, sn]) {
      const res = await fetch(`${base}/outbox`, { redirect: 'manual' });
      assert.equal(res.status, 200, `${base}/outbox without a cookie`);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const html = await res.text();
      assert.match(html, /<h1>Outbox<\/h1>/);
      assert.doesNotMatch(html, /Sign out/, 'nobody is signed in');
      assert.match(html, /<a href="http:\/\/127.0.0.1:9\/j\/abc\?x=1&amp;y=2">/, 'the Salesforce email');
      assert.match(html, /<a href="http:\/\/127.0.0.1:9\/j\/sn">/, 'the ServiceNow email');
      assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; hello/);
      assert.match(html, /See &lt;img src=x onerror=alert\(1\)&gt; <a href="http:\/\/127.0.0.1:9\/j\/xyz">/);
      assert.doesNotMatch(html, /<script>alert|<img src=x/);
    }
    // Signed in, the same page names the user.
    const signedIn = await (await fetch(`${sf}/outbox`, { headers: { cookie } })).text();
    assert.match(signedIn, /Sign out/);
  });
});
