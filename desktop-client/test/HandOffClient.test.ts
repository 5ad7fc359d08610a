// The app's hand-off against a real relay: only configured relays, only well-formed links, one join.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handOffResponseSchema } from '@sightline/relay-service/protocol';
import { startPlainRelay } from '../../relay-service/test/helpers/plainRelay.ts';
import { HandOffClient, HandOffError } from '../src/HandOffClient.ts';

test('looks up, joins once, and says why a second join is refused', async (t) => {
  const relay = await startPlainRelay(t);
  const { sessionId, token } = relay.createSession();
  const { appUrl } = handOffResponseSchema.parse(await (await relay.post('/api/desktop/handoff', { token })).json());
  const client = new HandOffClient({ allowedRelays: [relay.url] });
  const link = client.parse(appUrl);
  assert.equal(link.relay, relay.url);
  const info = await client.lookup(link);
  assert.equal(info.hostName, 'Alex Agent');
  const joined = await client.join(link, { contact: { name: 'Casey' }, acceptedTerms: true });
  assert.ok(relay.relay.registry.session(sessionId)!.participants.has(joined.participantId));
  await assert.rejects(
    client.join(link, { contact: {}, acceptedTerms: true }),
    (e: unknown) => e instanceof HandOffError && /already used/.test(e.message),
  );
});

test('refuses links to relays it is not configured for, and anything that is not a hand-off link', () => {
  const client = new HandOffClient({ allowedRelays: ['https://relay.example.com'] });
  const code = 'c'.repeat(32);
  const ok = `sightline://join?relay=https%3A%2F%2Frelay.example.com&code=${code}`;
  assert.equal(client.parse(ok).relay, 'https://relay.example.com');
  assert.throws(
    () => client.parse(ok.replace('relay.example.com', 'evil.example')),
    /does not connect to evil\.example/,
  );
  assert.throws(() => client.parse(ok.replace('sightline:', 'https:')), HandOffError);
  assert.throws(() => client.parse(ok.replace(code, 'short')), HandOffError);
  assert.throws(() => client.parse('not a url'), HandOffError);
});
