import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SessionRegistry } from '../src/sessions/SessionRegistry.ts';
import {
  ContactPolicyError,
  KeyInUseError,
  KeyRateLimitedError,
  SessionNotFoundError,
} from '../src/sessions/errors.ts';
import type { SessionReport } from '../src/sessions/types.ts';
import type { JournaledSession, SessionJournal } from '../src/sessions/SessionJournal.ts';
import { journalSessions } from '../src/sessions/journalSessions.ts';
import { FakeClock, GUEST, HOST, OTHER_AGENT, RECORD, logger, policy, testConfig } from './helpers/core.ts';

function registry(limits = {}) {
  const clock = new FakeClock();
  const reg = new SessionRegistry({ config: testConfig(limits), logger, clock, graceMs: 60_000 });
  const reports: SessionReport[] = [];
  reg.on('ended', (r) => reports.push(r));
  return { reg, clock, reports };
}

test('create: random digit key of the policy length, 192-bit link token, 10-minute expiry', () => {
  const { reg, clock } = registry();
  const a = reg.create({ host: HOST, record: RECORD, policy: policy({ keyLength: 8 }) });
  const b = reg.create({ host: HOST, record: RECORD, policy: policy({ keyLength: 8 }) });
  assert.match(a.key!, /^\d{8}$/);
  assert.notEqual(a.key, b.key);
  assert.match(a.token, /^[A-Za-z0-9_-]{32}$/);
  assert.equal(Buffer.from(a.token, 'base64url').length * 8, 192);
  assert.equal(a.status, 'waiting');
  assert.equal(a.expiresAt, new Date(clock.now() + 10 * 60_000).toISOString());
  assert.equal(reg.get(a.sessionId)?.snapshot.status, 'waiting');
  assert.deepEqual(
    reg.activeFor('salesforce', RECORD.id).map((s) => s.snapshot.id),
    [a.sessionId, b.sessionId],
  );
});

test('keyless and fixed-key policies; a fixed key cannot serve two live sessions', async () => {
  const { reg } = registry();
  const none = reg.create({ host: HOST, record: RECORD, policy: policy({ keyMode: 'none' }) });
  assert.equal(none.key, null);
  const fixed = reg.create({ host: HOST, record: RECORD, policy: policy({ keyMode: 'fixed', fixedKey: '4242' }) });
  assert.equal(fixed.key, '4242');
  assert.equal((await reg.lookupByKey('4242', '10.0.0.1'))?.sessionId, fixed.sessionId);
  assert.throws(
    () => reg.create({ host: HOST, record: RECORD, policy: policy({ keyMode: 'fixed', fixedKey: '4242' }) }),
    KeyInUseError,
  );
  await reg.end(fixed.sessionId, 'host_ended');
  assert.equal(
    reg.create({ host: HOST, record: RECORD, policy: policy({ keyMode: 'fixed', fixedKey: '4242' }) }).key,
    '4242',
  );
});

test('lookup by key and by token; wrong keys are rate-limited per source, never relay-wide', async () => {
  const { reg } = registry({ wrongKeysPerSourcePerMinute: 3 });
  const s = reg.create({ host: HOST, record: RECORD, policy: policy() });
  const info = await reg.lookupByKey(s.key!, '10.0.0.1');
  assert.deepEqual(info, {
    sessionId: s.sessionId,
    recordLabel: RECORD.label,
    hostName: HOST.displayName,
    contactFields: { name: 'required', email: 'required', phone: 'optional' },
    recordingPrompt: false,
  });
  assert.equal(reg.lookupByToken(s.token)?.sessionId, s.sessionId);
  assert.equal(reg.lookupByToken(s.token.slice(0, -1) + (s.token.endsWith('A') ? 'B' : 'A')), null);

  const wrong = s.key === '000000' ? '000001' : '000000';
  for (let i = 0; i < 3; i++) assert.equal(await reg.lookupByKey(wrong, '10.0.0.1'), null);
  // The 4th try from that source is refused even with the right key.
  const limited = await reg.lookupByKey(s.key!, '10.0.0.1').catch((e: unknown) => e);
  assert.ok(limited instanceof KeyRateLimitedError);
  assert.equal(limited.scope, 'source');
  assert.ok(limited.retryAfterMs > 0 && limited.retryAfterMs <= 60_000);
  // Wrong keys from many other sources never lock the right key out (no relay-wide budget).
  for (let n = 2; n < 60; n++) assert.equal(await reg.lookupByKey(wrong, `10.0.1.${n}`), null);
  assert.equal((await reg.lookupByKey(s.key!, '10.0.0.2'))?.sessionId, s.sessionId);
  // One IPv6 client holds a whole /64: its addresses count together.
  for (let i = 1; i <= 3; i++) assert.equal(await reg.lookupByKey(wrong, `2001:db8:1:2::${i}`), null);
  const v6 = await reg.lookupByKey(s.key!, '2001:db8:1:2:ffff::9').catch((e: unknown) => e);
  assert.ok(v6 instanceof KeyRateLimitedError);
});

test('join validates contact details against the policy and never stores "off" fields', () => {
  const { reg } = registry();
  const s = reg.create({
    host: HOST,
    record: RECORD,
    policy: policy({ contactFields: { name: 'required', email: 'required', phone: 'off' } }),
  });
  assert.throws(
    () => reg.join(s.sessionId, { name: 'Casey' }),
    (e: unknown) => e instanceof ContactPolicyError && e.issues[0]?.path === 'contact.email',
  );
  const { participant, ticket } = reg.join(s.sessionId, GUEST);
  assert.deepEqual(participant.contact, { name: GUEST.name, email: GUEST.email });
  assert.equal(participant.role, 'guest');
  assert.equal(participant.displayName, GUEST.name);
  assert.ok(Buffer.from(ticket, 'base64url').length >= 16);
  assert.equal(reg.resolveTicket(ticket)?.participantId, participant.id);
  assert.equal(reg.resolveTicket(ticket + 'x'), null);
  assert.throws(() => reg.join('s_nope', GUEST), SessionNotFoundError);
});

test('agent tickets: the host gets the host role, a console reload the same participant with a new ticket', () => {
  const { reg } = registry();
  const s = reg.create({ host: HOST, record: RECORD, policy: policy() });
  const first = reg.agentTicket(s.sessionId, HOST);
  const again = reg.agentTicket(s.sessionId, HOST);
  assert.equal(first.participant.role, 'host');
  assert.equal(again.participant.id, first.participant.id);
  assert.equal(reg.resolveTicket(first.ticket), null, 'the older ticket is revoked');
  assert.equal(reg.resolveTicket(again.ticket)?.participantId, first.participant.id);
  assert.throws(() => reg.agentTicket(s.sessionId, OTHER_AGENT), SessionNotFoundError, 'not invited');
  const invited = { ...OTHER_AGENT, email: 'morgan.manager@sightline.demo' };
  const invitation = reg.session(s.sessionId)!.admission.invite(invited.email);
  const other = reg.agentTicket(s.sessionId, invited, invitation);
  assert.equal(other.participant.role, 'agent');
  assert.ok(reg.isAgentOf(s.sessionId, OTHER_AGENT));
  assert.throws(() => reg.agentTicket(s.sessionId, { ...invited, userId: '005000000000009AAA' }, invitation));
  assert.deepEqual(
    reg.get(s.sessionId)?.agents.map((a) => a.userId),
    [HOST.userId, OTHER_AGENT.userId],
  );
});

test('a session nobody joins expires after policy.waitingTimeoutMinutes (fake clock), its key dies', async () => {
  const { reg, clock, reports } = registry();
  const s = reg.create({ host: HOST, record: RECORD, policy: policy({ waitingTimeoutMinutes: 10 }) });
  clock.advance(9 * 60_000);
  reg.sweep();
  assert.equal(reg.size, 1);
  clock.advance(60_000);
  reg.sweep();
  await new Promise((r) => setImmediate(r));
  assert.equal(reg.size, 0);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.endReason, 'expired');
  assert.equal(reports[0]!.durationSeconds, 600);
  assert.equal(await reg.lookupByKey(s.key!, '10.0.0.9'), null, 'one-time key is dead');
  assert.equal(reg.lookupByToken(s.token), null);
});

test('the sweeper runs on node-cron with the injected clock', async () => {
  const clock = new FakeClock();
  const reg = new SessionRegistry({ config: testConfig(), logger, clock, sweepSchedule: '* * * * * *' });
  reg.create({ host: HOST, record: RECORD, policy: policy({ waitingTimeoutMinutes: 1 }) });
  clock.advance(61_000);
  const ended = new Promise((r) => reg.once('ended', r));
  reg.start();
  try {
    await ended;
    assert.equal(reg.size, 0);
  } finally {
    reg.stop();
  }
});

test("node-cron's warning of a missed sweep goes to the relay's log, not the console", async (t) => {
  const lines: Array<{ level: number; msg: string; component?: string }> = [];
  const captured = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const consoleWarn = t.mock.method(console, 'warn', () => {});
  const reg = new SessionRegistry({ config: testConfig(), logger: captured, sweepSchedule: '* * * * * *' });
  reg.start();
  try {
    const until = Date.now() + 2500;
    while (Date.now() < until); // the event loop blocked through two beats of the sweeper
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    reg.stop();
  }
  const missed = lines.filter((l) => /missed execution/.test(l.msg));
  assert.ok(missed.length > 0, 'the missed beats were logged');
  assert.ok(missed.every((l) => l.level === 40 && l.component === 'sweeper'));
  assert.equal(consoleWarn.mock.callCount(), 0, 'nothing went to the console');
});

test('customer absent: all guests gone, then the session ends as last_guest_left after the grace period', async () => {
  const { reg, clock, reports } = registry();
  const s = reg.create({ host: HOST, record: RECORD, policy: policy() });
  const session = reg.session(s.sessionId)!;
  const { participant } = reg.join(s.sessionId, GUEST);
  session.connect(participant.id, false);
  assert.equal(session.status, 'in_progress');
  session.disconnect(participant.id);
  assert.equal(session.status, 'customer_absent');
  clock.advance(30_000);
  reg.sweep();
  session.connect(participant.id, true); // back within the grace period
  assert.equal(session.status, 'in_progress');
  session.disconnect(participant.id);
  clock.advance(61_000);
  reg.sweep();
  await new Promise((r) => setImmediate(r));
  assert.equal(reports[0]?.endReason, 'last_guest_left');
  assert.equal(reg.size, 0);
});

test('the last guest leaving ends the session; refusing consent ends it too', async () => {
  const { reg, reports } = registry();
  const a = reg.create({ host: HOST, record: RECORD, policy: policy() });
  const g1 = reg.join(a.sessionId, GUEST).participant;
  const g2 = reg.join(a.sessionId, { name: 'Second', email: 'second@example.com' }).participant;
  const sa = reg.session(a.sessionId)!;
  const h = reg.agentTicket(a.sessionId, HOST).participant;
  sa.admit(h.id, g2.id); // the key admitted the first guest; the host lets the second in
  sa.connect(g1.id, false);
  sa.connect(g2.id, false);
  sa.leave(g1.id);
  assert.equal(sa.status, 'in_progress');
  sa.leave(g2.id);
  await new Promise((r) => setImmediate(r));
  assert.equal(reports.at(-1)?.endReason, 'last_guest_left');

  const b = reg.create({ host: HOST, record: RECORD, policy: policy() });
  const g = reg.join(b.sessionId, GUEST).participant;
  reg.session(b.sessionId)!.connect(g.id, false);
  reg.session(b.sessionId)!.consent(g.id, false, undefined);
  await new Promise((r) => setImmediate(r));
  assert.equal(reports.at(-1)?.endReason, 'consent_refused');
  assert.equal(reg.size, 0);
});

test('host end: one report with attendees and the log, then nothing of the session stays in memory', async () => {
  const { reg, clock, reports } = registry();
  const s = reg.create({ host: HOST, record: RECORD, policy: policy() });
  const host = reg.agentTicket(s.sessionId, HOST);
  const guest = reg.join(s.sessionId, GUEST);
  let session = reg.session(s.sessionId);
  session!.connect(host.participant.id, false);
  session!.connect(guest.participant.id, false);
  session!.consent(guest.participant.id, true, false);
  session!.chat(guest.participant.id, 'hello');
  session!.note(host.participant.id, 'printer driver is outdated');
  clock.advance(125_000);
  const weak = new WeakRef(session!);
  session = undefined;

  const report = await reg.end(s.sessionId, 'host_ended', HOST.displayName);
  assert.equal(await reg.end(s.sessionId, 'host_ended'), null, 'ending twice is a no-op');
  assert.equal(reports.length, 1);
  assert.equal(report, reports[0]);
  assert.equal(report!.endReason, 'host_ended');
  assert.equal(report!.durationSeconds, 125);
  assert.ok(!JSON.stringify(report).includes(s.key!), 'the session key is in nothing that outlives the session');
  assert.deepEqual(report!.record, RECORD);
  assert.deepEqual(
    report!.attendees.map((a) => [a.role, a.displayName, a.contact.email, a.leftAt !== null]),
    [
      ['host', HOST.displayName, HOST.email, true],
      ['guest', GUEST.name, GUEST.email, true],
    ],
  );
  const kinds = report!.log.map((e) => `${e.kind}:${e.actor}:${e.text}`);
  for (const expected of [
    `join:${GUEST.name}:joined as a guest (casey@example.com, +1 555 0100)`,
    `consent:${GUEST.name}:allowed the agent to see the shared screen`,
    `consent:${GUEST.name}:refused recording`,
    `chat:${GUEST.name}:hello`,
    `note:${HOST.displayName}:printer driver is outdated`,
    `session:${HOST.displayName}:session ended (host ended)`,
  ])
    assert.ok(kinds.includes(expected), `log has ${expected}\n${kinds.join('\n')}`);
  assert.equal(report!.recording, null);

  assert.equal(reg.size, 0);
  assert.equal(reg.get(s.sessionId), undefined);
  assert.equal(reg.resolveTicket(host.ticket), null);
  assert.equal(reg.resolveTicket(guest.ticket), null);
  assert.equal(reg.lookupByToken(s.token), null);
  assert.deepEqual(reg.counts(), { sessions: {}, participants: 0 });
  // The session object itself is garbage: nothing in the registry references it any more.
  reports.length = 0;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 5 && weak.deref(); i++) {
    await new Promise((r) => setTimeout(r, 10));
    gc();
  }
  assert.equal(weak.deref(), undefined, 'the ended session was garbage-collected');
});

test('restore: a session rebuilt from its journal on another node goes on with the same key, tickets, consents and log', async () => {
  // The node that dies: its journal as journalSessions writes it (a stand-in store in memory).
  const { reg: dead } = registry();
  const rows = new Map<string, JournaledSession>();
  const journal: SessionJournal = {
    save: (state) => rows.set(state.sessionId, { state, log: rows.get(state.sessionId)?.log ?? [] }),
    append: (id, entry) => rows.get(id)?.log.push(entry),
    ending: () => {},
    remove: (id) => rows.delete(id),
    leftOver: () => Promise.resolve([]),
    close: () => {},
  };
  journalSessions({ registry: dead, journal, deliver: () => {}, logger });
  const created = dead.create({ host: HOST, record: RECORD, policy: policy() });
  const guest = dead.join(created.sessionId, GUEST);
  const host = dead.agentTicket(created.sessionId, HOST);
  const s = dead.session(created.sessionId)!;
  s.connect(guest.participant.id, false);
  s.connect(host.participant.id, false);
  s.consent(guest.participant.id, true, false);
  s.chat(guest.participant.id, 'hello before the failure');
  const journaled = structuredClone(rows.get(created.sessionId)!);
  const row = JSON.stringify(journaled);
  assert.ok(!row.includes(guest.ticket) && !row.includes(host.ticket), 'tickets are journaled as digests only');

  const { reg: next, reports } = registry();
  assert.equal(next.restore(journaled), true);
  assert.equal(next.restore(journaled), false, 'restored once');
  assert.equal((await next.lookupByKey(created.key!, '10.0.0.1'))?.sessionId, created.sessionId);
  assert.equal(next.lookupByToken(created.token)?.sessionId, created.sessionId);
  const back = next.resolveTicket(guest.ticket);
  assert.equal(back?.participantId, guest.participant.id, 'the guest comes back with the ticket it holds');
  assert.equal(next.resolveTicket(host.ticket)?.participantId, host.participant.id);
  assert.equal(next.resolveTicket('x'.repeat(43)), null);
  const restored = back!.session;
  assert.equal(restored.status, 'customer_absent', 'nobody is connected until the clients come back');
  assert.equal(restored.participants.get(guest.participant.id)?.consentView, true, 'consent holds');
  restored.connect(guest.participant.id, true);
  assert.equal(restored.status, 'in_progress');
  // A console reload gets a fresh ticket for the same participant; the journaled one stops working.
  const again = next.agentTicket(created.sessionId, HOST);
  assert.equal(again.participant.id, host.participant.id);
  assert.equal(next.resolveTicket(host.ticket), null);

  await next.end(created.sessionId, 'host_ended', HOST.displayName);
  assert.equal(reports.length, 1);
  const texts = reports[0]!.log.map((e) => e.text);
  assert.ok(texts.includes('hello before the failure'), 'the log from before the move');
  assert.ok(texts.some((t) => t.startsWith('session moved to another relay node')));
  assert.equal(texts.at(-1), 'session ended (host ended)');
  assert.equal(next.resolveTicket(guest.ticket), null, 'ended: the tickets stop working');
});
