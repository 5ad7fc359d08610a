// Shared test setup: a sandbox on ephemeral ports over a fresh temporary data dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { loadConfig, type ConfigInput, type SightlineConfig } from '@sightline/config';
import { DEMO, startSandbox, type RunningSandbox } from '../src/index.ts';

export interface TestSandbox {
  sandbox: RunningSandbox;
  config: SightlineConfig;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestSandbox(
  sandbox: Partial<NonNullable<ConfigInput['sandbox']>> = {},
  dataDir?: string,
  browserBuildDir?: string,
): Promise<TestSandbox> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'sightline-sandbox-')));
  const config = loadConfig({
    env: { SIGHTLINE_ENV: 'test' },
    overrides: {
      log: { level: 'silent' },
      sandbox: { salesforcePort: 0, servicenowPort: 0, dataDir: dir, ...sandbox },
    },
  });
  const running = await startSandbox({ config, browserBuildDir: browserBuildDir ?? join(dir, 'no-browser-build') });
  return {
    sandbox: running,
    config,
    dataDir: dir,
    close: async () => {
      await running.close();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export const form = (values: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(values).toString(),
  redirect: 'manual' as const,
});

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Walks the real authorize page: GET it, post the sign-in form it renders, return the redirect. */
export async function authorize(authorizeUrl: string, username: string, password: string): Promise<URL> {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}: ${await page.text()}`);
  const html = await page.text();
  const action = /<form class="signin" method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('no sign-in form on the authorize page');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]!] = unescapeHtml(m[2]!);
  const res = await fetch(new URL(action, authorizeUrl), form({ ...fields, username, password, decision: 'allow' }));
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`authorize post answered ${res.status}`);
  return new URL(location);
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export async function passwordToken(salesforceUrl: string, user = DEMO.salesforce.users.agent): Promise<string> {
  const res = await fetch(
    `${salesforceUrl}/services/oauth2/token`,
    form({
      grant_type: 'password',
      client_id: DEMO.oauthClient.clientId,
      client_secret: DEMO.oauthClient.clientSecret,
      username: user.username,
      password: user.password,
    }),
  );
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export const REDIRECT = 'http://127.0.0.1:45678/auth/salesforce/callback';

/** Signs in on a sandbox's sign-in page; returns the UI session cookie (`name=value`). */
export async function signIn(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ username, password, returnTo: '/outbox' }),
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/outbox');
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly; SameSite=Lax/);
  return cookie.split(';')[0]!;
}
