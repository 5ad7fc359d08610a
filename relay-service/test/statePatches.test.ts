// State changes go out as what changed: a socket gets the whole session once (welcome), then patches.
// Before, every join re-sent the full state to everyone (400 guests: ~29 MiB to everyone per join).
// Real relay, real sockets; bytes counted as they arrived on the sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOST, RECORD, policy } from './helpers/core.ts';
import { startTestRelay, type TestRelay } from './helpers/relay.ts';
import { TestClient } from './helpers/wsClient.ts';
import { applySessionPatch, diffSessions, type Participant, type SessionSnapshot } from '../src/protocol/index.ts';

const person = (id: string, connected = true): Participant => ({
  id,
  role: 'guest',
  displayName: `Guest ${id}`,
  contact: { email: `${id}@example.com` },
  connected,
  joinedAt: '2026-11-21T09:00:00.000Z',
});

const base: SessionSnapshot = {
  id: 's_1',
  key: '123456',
  status: 'waiting',
  record: { crm: 'salesforce', id: '500000000000001AAA', label: 'Case' },
  participants: [person('a'), person('b')],
  lobby: [person('w')],
  presenterId: null,
  handover: null,
  controllerId: null,
  paused: false,
  recording: 'off',
  streams: [],
  decoders: ['av1', 'vp9', 'vp8', 'h264'],
};

test('a patch turns the old state into the new one and carries only what changed', () => {
  const after: SessionSnapshot = {
    ...base,
    status: 'in_progress',
    presenterId: 'a',
    participants: [person('a'), person('b', false), person('c')],
    lobby: [],
  };
  const patch = diffSessions(base, after)!;
  assert.deepEqual(patch.set, { status: 'in_progress', presenterId: 'a' });
  assert.deepEqual(
    patch.participants?.upsert.map((p) => p.id),
    ['b', 'c'],
  );
  assert.deepEqual(patch.lobby, { upsert: [], remove: ['w'] });
  assert.deepEqual(applySessionPatch(base, patch), after);
  assert.equal(diffSessions(after, structuredClone(after)), null, 'nothing changed: nothing to send');
});

/** Waits until everything the relay sent this client so far has arrived (a pong follows it). */
async function drained(client: TestClient): Promise<void> {
  const t = Math.random();
  client.send({ type: 'ping', t });
  await client.waitFor('pong', (m) => m.t === t);
}

async function joinGuest(relay: TestRelay, sessionId: string, n: number): Promise<TestClient> {
  const joined = relay.registry.join(sessionId, {
    name: `Guest ${String(n).padStart(3, '0')}`,
    email: `g${n}@example.com`,
  });
  return TestClient.connect(relay.wsUrl, joined.ticket);
}

test('a join costs the others a few hundred bytes, the same with 10 guests as with 100', async (t) => {
  const relay = await startTestRelay();
  t.after(() => relay.close());
  const { sessionId } = relay.registry.create({
    host: HOST,
    record: RECORD,
    policy: policy({ openSessions: true, maxGuests: 100 }),
  });
  const host = await TestClient.connect(relay.wsUrl, relay.registry.agentTicket(sessionId, HOST).ticket);
  const guests: TestClient[] = [];
  t.after(() => [host, ...guests].forEach((c) => c.close()));

  /** Bytes the host and the first guest received for the join of one more guest. */
  async function nextJoin(): Promise<{ host: number; guest: number }> {
    const watched = [host, guests[0] ?? host];
    await Promise.all(watched.map(drained));
    const before = watched.map((c) => c.textBytes);
    guests.push(await joinGuest(relay, sessionId, guests.length + 1));
    await Promise.all(watched.map(drained));
    const [h, g] = watched.map((c, i) => c.textBytes - before[i]!);
    return { host: h!, guest: g! };
  }

  while (guests.length < 10) await nextJoin();
  const at10 = await nextJoin(); // the 11th guest joins 10
  while (guests.length < 99) await nextJoin();
  const at99 = await nextJoin(); // the 100th guest joins 99

  const full = Buffer.byteLength(JSON.stringify(relay.registry.get(sessionId)!.snapshot));
  t.diagnostic(
    `per join at 10 / 99 guests: host ${at10.host} / ${at99.host} B, guest ${at10.guest} / ${at99.guest} B; one full state at 101 people: ${full} B`,
  );
  // The host also gets the join's log entries; each is a line, not the session.
  assert.ok(at10.host < 2048 && at99.host < 2048, `host got ${at10.host} and ${at99.host} bytes per join`);
  assert.ok(at10.guest < 1024 && at99.guest < 1024, `a guest got ${at10.guest} and ${at99.guest} bytes per join`);
  // O(1) in the number of participants: the 100th join costs what the 11th did (names differ by a digit).
  assert.ok(at99.host <= at10.host + 16, `host: ${at10.host} bytes at 10 guests, ${at99.host} at 99`);
  assert.ok(at99.guest <= at10.guest + 16, `guest: ${at10.guest} bytes at 10 guests, ${at99.guest} at 99`);

  // What the patches built is what the relay holds, and a guest's copy hides other guests' contacts.
  const relayView = relay.registry.get(sessionId)!.snapshot;
  const hostView = host.sessions.at(-1)!;
  const byId = (list: Participant[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  assert.deepEqual(byId(hostView.participants), byId(relayView.participants));
  assert.equal(hostView.participants.length, 101);
  assert.equal(hostView.status, relayView.status);
  const firstGuest = guests[0]!.sessions.at(-1)!;
  assert.equal(firstGuest.participants.length, 101);
  assert.equal(firstGuest.id, '', 'guests are never told the session id');
  const others = firstGuest.participants.filter((p) => p.role === 'guest' && p.displayName !== 'Guest 001');
  assert.equal(others.length, 99);
  assert.ok(
    others.every((p) => Object.keys(p.contact).length === 0),
    "no other guest's contact details",
  );
  assert.ok(!guests[0]!.has('patch', (m) => m.type === 'patch' && m.patch.lobby !== undefined));
});
