// HandOffCodes on its own: one use, expiry, bound to one session, dies with it, bounded per session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandOffCodes } from '../src/sessions/HandOffCodes.ts';
import { handOffCodeSchema } from '../src/protocol/index.ts';
import { FakeClock } from './helpers/core.ts';

const make = (clock = new FakeClock()) => ({ clock, codes: new HandOffCodes({ ttlMs: 120_000, clock }) });
const OK_A = { ok: true, sessionId: 's_a' };
const UNKNOWN = { ok: false, reason: 'unknown' };

test('a code names its session until spent, then never again', () => {
  const { codes } = make();
  const { code } = codes.issue('s_a');
  codes.issue('s_b');
  assert.ok(handOffCodeSchema.safeParse(code).success, 'the wire schema accepts what is issued');
  assert.deepEqual(codes.check(code), OK_A, 'checking does not spend; the code is bound to s_a');
  assert.deepEqual(codes.redeem(code), OK_A);
  assert.deepEqual(codes.redeem(code), UNKNOWN);
  assert.equal(codes.size, 1);
});

test('a code expires after its lifetime', () => {
  const { codes, clock } = make();
  const { code, expiresAt } = codes.issue('s_a');
  assert.equal(expiresAt, clock.now() + 120_000);
  clock.advance(119_999);
  assert.deepEqual(codes.check(code), OK_A);
  clock.advance(1);
  assert.deepEqual(codes.redeem(code), { ok: false, reason: 'expired' });
  assert.deepEqual(codes.redeem(code), UNKNOWN, 'an expired code is gone');
});

test('forged codes are unknown; codes die with their session; old codes make room for new ones', () => {
  const { codes } = make();
  assert.deepEqual(codes.check('A'.repeat(32)), UNKNOWN);
  const a = codes.issue('s_a').code;
  const b = codes.issue('s_b').code;
  codes.forgetSession('s_a');
  assert.deepEqual(codes.check(a), UNKNOWN);
  assert.deepEqual(codes.check(b), { ok: true, sessionId: 's_b' });
  const many = Array.from({ length: 7 }, () => codes.issue('s_b').code);
  assert.deepEqual(codes.check(b), UNKNOWN, 'the oldest is dropped past five per session');
  assert.deepEqual(codes.check(many[1]!), UNKNOWN);
  assert.deepEqual(
    many.slice(2).map((c) => codes.check(c).ok),
    [true, true, true, true, true],
  );
});
