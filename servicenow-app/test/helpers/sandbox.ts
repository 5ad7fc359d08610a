// A fresh local CRM sandbox for a test file, and the ServiceNow calls the tests make on it as a
// given demo user (what the relay's write-back would do: work notes, attachments, attendee rows).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfig, type SightlineConfig } from '@sightline/config';
import { DEMO, startSandbox, type RunningSandbox } from '@sightline/crm-sandbox';

const tokenSchema = z.object({ access_token: z.string().min(1) });
const attachmentSchema = z.object({ result: z.object({ sys_id: z.string().regex(/^[0-9a-f]{32}$/) }) });

export interface TestSandbox {
  sandbox: RunningSandbox;
  config: SightlineConfig;
  url: string;
  token(user: 'agent' | 'manager'): Promise<string>;
  addWorkNote(token: string, incidentId: string, note: string): Promise<void>;
  /** A row of the app's x_sightline_share_attendee table, as the relay writes it. */
  addAttendee(token: string, row: Record<string, string>): Promise<void>;
  attach(
    token: string,
    incidentId: string,
    fileName: string,
    type: string,
    bytes: Uint8Array<ArrayBuffer>,
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startTestSandbox(overrides: Record<string, unknown> = {}): Promise<TestSandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-sn-app-'));
  const config = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: { sandbox: { salesforcePort: 0, servicenowPort: 0, dataDir }, ...overrides } as never,
  });
  const sandbox = await startSandbox({ config });
  const url = sandbox.servicenowUrl;

  const call = async (path: string, init: RequestInit, expect: number) => {
    const res = await fetch(url + path, init);
    const body = await res.text();
    if (res.status !== expect) throw new Error(`sandbox ${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${body}`);
    return body ? (JSON.parse(body) as unknown) : null;
  };

  return {
    sandbox,
    config,
    url,
    async token(user) {
      const u = DEMO.servicenow.users[user];
      const body = await call(
        '/oauth_token.do',
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'password',
            username: u.username,
            password: u.password,
            client_id: DEMO.oauthClient.clientId,
            client_secret: DEMO.oauthClient.clientSecret,
          }),
        },
        200,
      );
      return tokenSchema.parse(body).access_token;
    },
    async addWorkNote(token, incidentId, note) {
      await call(
        `/api/now/table/incident/${incidentId}`,
        {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ work_notes: note }),
        },
        200,
      );
    },
    async addAttendee(token, row) {
      await call(
        '/api/now/table/x_sightline_share_attendee',
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(row),
        },
        201,
      );
    },
    async attach(token, incidentId, fileName, type, bytes) {
      const q = new URLSearchParams({ table_name: 'incident', table_sys_id: incidentId, file_name: fileName });
      const body = await call(
        `/api/now/attachment/file?${q}`,
        { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: bytes },
        201,
      );
      return attachmentSchema.parse(body).result.sys_id;
    },
    async close() {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
