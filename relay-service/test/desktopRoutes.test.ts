// The desktop hand-off over real HTTP: the join page's code opens the session in the app once, for a
// short while, for that session only (the app never names a session); forged, reused and expired
// codes are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  desktopLookupResponseSchema,
  handOffResponseSchema,
  joinResponseSchema,
  parseHandOffLink,
} from '../src/protocol/index.ts';
import { TestClient } from './helpers/wsClient.ts';
import { startPlainRelay } from './helpers/plainRelay.ts';

const JOIN = { contact: { name: 'Casey Customer' }, acceptedTerms: true };

test('the join page gets a code and a sightline:// link; the app looks up, joins once, connects', async (t) => {
  const relay = await startPlainRelay(t);
  const { sessionId, token } = relay.createSession();
  const res = await relay.post('/api/desktop/handoff', { token });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const handOff = handOffResponseSchema.parse(await res.json());
  assert.equal(handOff.downloadUrl, `${relay.url}/download`);
  assert.ok(!handOff.appUrl.includes(token), 'the link token never goes into the app link');
  assert.ok(!handOff.appUrl.includes(sessionId), 'guests are not told the session id');
  const link = parseHandOffLink(handOff.appUrl);
  assert.deepEqual(link, { relay: relay.url, code: handOff.code });

  const lookup = await relay.post('/api/desktop/lookup', { code: handOff.code });
  assert.equal(lookup.status, 200);
  const info = desktopLookupResponseSchema.parse(await lookup.json());
  assert.equal(info.hostName, 'Alex Agent');
  assert.equal(info.controlAllowed, true);
  assert.ok(info.terms.includes('Alex Agent'));
  assert.ok(!JSON.stringify(info).includes(sessionId));

  const join = await relay.post('/api/desktop/join', { code: handOff.code, ...JOIN });
  assert.equal(join.status, 201);
  const joined = joinResponseSchema.parse(await join.json());
  assert.equal(joined.waiting, false, 'the first guest by link goes straight in');
  const guest = await TestClient.connect(joined.wsUrl, joined.ticket);
  const welcome = guest.messages.find((m) => m.type === 'welcome')!;
  assert.equal(welcome.type === 'welcome' && welcome.role, 'guest');
  const p = relay.relay.registry.session(sessionId)!.participants.get(joined.participantId);
  assert.equal(p?.displayName, 'Casey Customer', 'the code joined the session it was made for');
  guest.close();

  const reused = await relay.post('/api/desktop/join', { code: handOff.code, ...JOIN });
  assert.equal(reused.status, 404, 'a spent code is refused');
  assert.match(((await reused.json()) as { message: string }).message, /already used/);
  assert.equal((await relay.post('/api/desktop/lookup', { code: handOff.code })).status, 404);
  const named = await relay.post('/api/desktop/join', { sessionId, code: handOff.code, ...JOIN });
  assert.equal(named.status, 400, 'the app cannot name a session, only present a code');
});

test('forged and expired codes are refused; codes die with the session', async (t) => {
  const relay = await startPlainRelay(t, { desktop: { handOffTtlSeconds: 60 } });
  const a = relay.createSession();
  const b = relay.createSession();

  const forged = await relay.post('/api/desktop/join', { code: 'x'.repeat(32), ...JOIN });
  assert.equal(forged.status, 404);
  const malformed = await relay.post('/api/desktop/join', { code: 'short', ...JOIN });
  assert.equal(malformed.status, 400);
  const noToken = await relay.post('/api/desktop/handoff', { token: 'N'.repeat(32) });
  assert.equal(noToken.status, 404, 'a code is only made for a session the caller can name');

  const issue = async (token: string) =>
    handOffResponseSchema.parse(await (await relay.post('/api/desktop/handoff', { token })).json()).code;

  const stale = await issue(a.token);
  await relay.advanceClock(59_000);
  assert.equal((await relay.post('/api/desktop/lookup', { code: stale })).status, 200);
  await relay.advanceClock(1_000);
  const expired = await relay.post('/api/desktop/join', { code: stale, ...JOIN });
  assert.equal(expired.status, 404);
  assert.match(((await expired.json()) as { message: string }).message, /expired/);

  const doomed = await issue(b.token);
  await relay.relay.registry.end(b.sessionId, 'host_ended');
  assert.equal((await relay.post('/api/desktop/lookup', { code: doomed })).status, 404);
});

test('the download page lists the configured installers, the visitor platform first, escaped', async (t) => {
  const relay = await startPlainRelay(t, {
    desktop: {
      downloads: {
        windows: 'https://downloads.example.com/Sightline-Setup.exe',
        linux: 'https://downloads.example.com/Sightline.AppImage?a=1&b=2',
      },
    },
  });
  const res = await fetch(`${relay.url}/download`, {
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140' },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy')!, /default-src 'none'/);
  const html = await res.text();
  assert.ok(html.indexOf('data-platform="linux"') < html.indexOf('data-platform="windows"'), 'this computer first');
  assert.match(html, /href="https:\/\/downloads\.example\.com\/Sightline\.AppImage\?a=1&amp;b=2"/);
  assert.match(html, /href="https:\/\/downloads\.example\.com\/Sightline-Setup\.exe"/);
  assert.match(html, /macOS[^<]*: not published on this relay yet/);
});
