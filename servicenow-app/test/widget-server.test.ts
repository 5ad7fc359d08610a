// The widget's server script, run by the harness in Node's vm against the local CRM sandbox's real
// ServiceNow Table API, as the demo agent and manager: its data, its states and its errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO } from '@sightline/crm-sandbox';
import { runServerScript, ServerScriptError, type ServerJob } from './harness/runServerScript.ts';
import { widgetSource } from './harness/widgetSource.ts';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';

const { serverScript } = widgetSource();
const VPN = DEMO.servicenow.incidents.vpn.id;
const EMAIL_INCIDENT = DEMO.servicenow.incidents.email.id;
const AGENT = 'x_sightline_share.agent';
const MANAGER = 'x_sightline_share.manager';
const PROPS = {
  'x_sightline_share.relay_url': 'http://127.0.0.1:8080/',
  'x_sightline_share.recording': 'host',
};

let sb: TestSandbox;
let agentToken: string;
let managerToken: string;

interface Data {
  error: { code: string; message: string } | null;
  canStart: boolean;
  canReview: boolean;
  relayUrl: string;
  relayMissing?: boolean;
  recordingPolicy: string;
  record: { table: string; sys_id: string; number: string; shortDescription: string; contactEmail: string } | null;
  recordings: { sys_id: string; fileName: string; contentType: string; sizeBytes: number; url: string }[];
  sessions: {
    sessionId: string;
    endReason: string;
    recording: string;
    attendees: { role: string; name: string; email: string; phone: string; leftAt: string }[];
  }[];
  skippedRows: number;
}

async function run(over: Partial<ServerJob> & { as?: 'agent' | 'manager'; roles?: string[] } = {}) {
  const token = over.as === 'manager' ? managerToken : agentToken;
  const result = await runServerScript({
    script: serverScript,
    filename: 'server_script.js',
    backend: { baseUrl: sb.url, headers: { authorization: `Bearer ${token}` } },
    user: {
      userId: DEMO.servicenow.users[over.as ?? 'agent'].id,
      userName: DEMO.servicenow.users[over.as ?? 'agent'].username,
      roles: over.roles ?? [AGENT],
      properties: PROPS,
    },
    params: { table: 'incident', sys_id: VPN },
    options: {},
    ...over,
  });
  return { data: result.data as unknown as Data, logs: result.logs };
}

before(async () => {
  sb = await startTestSandbox();
  agentToken = await sb.token('agent');
  managerToken = await sb.token('manager');
});
after(() => sb.close());

describe('widget server script over the sandbox Table API', () => {
  test('an agent on a fresh incident: may start, sees the record and its caller, nothing recorded yet', async () => {
    const { data } = await run();
    assert.equal(data.error, null);
    assert.equal(data.canStart, true);
    assert.equal(data.canReview, true);
    assert.equal(data.relayUrl, 'http://127.0.0.1:8080');
    assert.equal(data.recordingPolicy, 'host');
    assert.deepEqual(data.record, {
      table: 'incident',
      sys_id: VPN,
      number: DEMO.servicenow.incidents.vpn.number,
      shortDescription: data.record!.shortDescription,
      contactEmail: DEMO.servicenow.callers.jane.email,
    });
    assert.ok(data.record!.shortDescription.length > 0);
    assert.deepEqual(data.recordings, []);
    assert.deepEqual(data.sessions, []);
  });

  test('recordings: only sightline-*.webm/mp4 attachments of this record, with the URL from the property', async () => {
    const webm = await sb.attach(
      agentToken,
      VPN,
      'sightline-s_rec1.webm',
      'video/webm',
      new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]),
    );
    await sb.attach(agentToken, VPN, 'screenshot.png', 'image/png', new Uint8Array([0x89, 0x50]));
    await sb.attach(agentToken, VPN, 'sightline-notes.txt', 'text/plain', new Uint8Array([0x41]));
    await sb.attach(agentToken, EMAIL_INCIDENT, 'sightline-other.webm', 'video/webm', new Uint8Array([1]));
    const { data } = await run({
      user: {
        userId: DEMO.servicenow.users.agent.id,
        userName: 'alex.agent',
        roles: [AGENT],
        properties: { ...PROPS, 'x_sightline_share.attachment_url': `${sb.url}/api/now/attachment/{sys_id}/file` },
      },
    });
    assert.deepEqual(
      data.recordings.map((r) => ({ ...r })),
      [
        {
          sys_id: webm,
          fileName: 'sightline-s_rec1.webm',
          contentType: 'video/webm',
          sizeBytes: 4,
          createdOn: (data.recordings[0] as unknown as { createdOn: string }).createdOn,
          url: `${sb.url}/api/now/attachment/${webm}/file`,
        },
      ],
    );
    const file = await fetch(data.recordings[0]!.url, { headers: { authorization: `Bearer ${agentToken}` } });
    assert.equal(file.status, 200);
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]));
  });

  test("attendees come from the app's attendee table, grouped by session; a work note is not read", async () => {
    const session = {
      session_id: 's_row1',
      incident: VPN,
      session_started: '2026-11-21 03:00:00',
      session_ended: '2026-11-21 03:12:00',
      end_reason: 'host_ended',
      recording: 'sightline-s_row1.webm',
    };
    await sb.addAttendee(agentToken, {
      ...session,
      attendee_key: 's_row1:p1',
      role: 'host',
      name: 'Alex Agent',
      email: 'alex.agent@sightline.demo',
      joined_at: '2026-11-21 03:00:00',
      left_at: '2026-11-21 03:12:00',
    });
    await sb.addAttendee(agentToken, {
      ...session,
      attendee_key: 's_row1:p2',
      role: 'guest',
      name: 'Jane Customer',
      email: 'jane.customer@acme.example',
      phone: '+1 555 0100',
      joined_at: '2026-11-21 03:01:00',
    });
    await sb.addAttendee(agentToken, {
      ...session,
      session_id: 's_badrole',
      attendee_key: 's_badrole:p1',
      role: 'boss',
    });
    // Another incident's row, and a note in the old block form: neither is this record's attendee.
    await sb.addAttendee(agentToken, {
      ...session,
      incident: EMAIL_INCIDENT,
      session_id: 's_other',
      attendee_key: 's_other:p1',
      role: 'guest',
    });
    await sb.addWorkNote(
      agentToken,
      VPN,
      '```sightline-attendees\n{"v":1,"sessionId":"s_note","attendees":[]}\n```\n\n[sightline:s_note]',
    );

    const { data, logs } = await run();
    assert.deepEqual(
      data.sessions.map((s) => s.sessionId),
      ['s_row1'],
    );
    const s = data.sessions[0]!;
    assert.equal(s.endReason, 'host_ended');
    assert.equal(s.recording, 'sightline-s_row1.webm');
    assert.deepEqual(
      s.attendees.map((a) => [a.role, a.name, a.email, a.phone, a.leftAt]),
      [
        ['host', 'Alex Agent', 'alex.agent@sightline.demo', '', '2026-11-21 03:12:00'],
        ['guest', 'Jane Customer', 'jane.customer@acme.example', '+1 555 0100', ''],
      ],
    );
    assert.equal(data.skippedRows, 1);
    assert.equal(logs.filter((l) => l.level === 'warn' && /malformed attendee row/.test(l.message)).length, 1);
  });

  test('a manager reviews but does not start', async () => {
    const { data } = await run({ as: 'manager', roles: [MANAGER] });
    assert.equal(data.error, null);
    assert.equal(data.canStart, false);
    assert.equal(data.canReview, true);
    assert.equal(data.sessions.length, 1);
  });

  test('a user without a Sightline role gets not_authorized and no record data', async () => {
    const { data } = await run({ roles: ['itil'] });
    assert.equal(data.error?.code, 'not_authorized');
    assert.equal(data.canStart, false);
    assert.equal(data.record, null);
    assert.deepEqual(data.recordings, []);
  });

  test('record errors: malformed sys_id, unknown record, unsupported and absent tables', async () => {
    assert.equal((await run({ params: { table: 'incident', sys_id: 'x' } })).data.error?.code, 'no_record');
    assert.equal((await run({ params: { table: 'incident' } })).data.error?.code, 'no_record');
    const missing = (await run({ params: { table: 'incident', sys_id: 'f'.repeat(32) } })).data;
    assert.equal(missing.error?.code, 'not_found');
    assert.equal(missing.canStart, false);
    assert.equal((await run({ params: { table: 'sys_user', sys_id: VPN } })).data.error?.code, 'unsupported_table');
    // The sandbox has no CSM plugin, so the case table does not exist there.
    const csm = (await run({ params: { table: 'sn_customerservice_case', sys_id: VPN } })).data;
    assert.equal(csm.error?.code, 'unsupported_table');
    assert.match(csm.error!.message, /no sn_customerservice_case table/);
  });

  test('input: refresh reads the record named in input; any other action is refused', async () => {
    const refreshed = await run({
      params: {},
      input: { action: 'refresh', table: 'incident', sys_id: EMAIL_INCIDENT },
    });
    assert.equal(refreshed.data.error, null);
    assert.equal(refreshed.data.record?.number, DEMO.servicenow.incidents.email.number);
    const bad = await run({ input: { action: 'delete' } });
    assert.equal(bad.data.error?.code, 'bad_input');
    assert.match(bad.data.error!.message, /Unknown action: delete/);
  });

  test('options: sys_id from the instance options; recordings and attendees can be hidden', async () => {
    const { data } = await run({
      params: {},
      options: { sys_id: VPN, show_recordings: 'false', show_attendees: false },
    });
    assert.equal(data.record?.sys_id, VPN);
    assert.deepEqual(data.recordings, []);
    assert.deepEqual(data.sessions, []);
  });

  test('without a valid relay URL the widget shows records but cannot start', async () => {
    const { data } = await run({
      user: {
        userId: 'x',
        userName: 'alex.agent',
        roles: [AGENT],
        properties: { 'x_sightline_share.relay_url': 'javascript:alert(1)' },
      },
    });
    assert.equal(data.relayMissing, true);
    assert.equal(data.canStart, false);
    assert.equal(data.relayUrl, '');
    assert.equal(data.error, null);
    assert.equal(data.recordingPolicy, 'host');
  });

  test('an expired token surfaces as a harness error naming the HTTP status', async () => {
    await assert.rejects(
      runServerScript({
        script: serverScript,
        filename: 'server_script.js',
        backend: { baseUrl: sb.url, headers: { authorization: 'Bearer not-a-token' } },
        user: { userId: 'x', userName: 'x', roles: [AGENT], properties: PROPS },
        params: { table: 'incident', sys_id: VPN },
        options: {},
      }),
      (err: unknown) => err instanceof ServerScriptError && /HTTP 401/.test(err.message),
    );
  });
});
