// HandOffCodes on its own: one use, expiry, bound to one session, dies with it, bounded per session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandOffCodes } from '../src/sessions/HandOffCodes.ts';
import { handOffCodeSchema } from '../src/protocol/index.ts';
import { FakeClock } from './helpers/core.ts';

const make = (clock = new FakeClock()) => ({ clock, codes: new HandOffCodes({ ttlMs: 120_000, clock }) });

test('a code is valid for its session until spent, then never again', () => {
  const { codes } = make();
  const { code } = codes.issue('s_aaaaaaaaaaaaaaaaaaaaaa');
  assert.ok(handOffCodeSchema.safeParse(code).success, 'the wire schema accepts what is issued');
  assert.equal(codes.check('s_aaaaaaaaaaaaaaaaaaaaaa', code), 'ok', 'checking does not spend');
  assert.equal(codes.redeem('s_aaaaaaaaaaaaaaaaaaaaaa', code), 'ok');
  assert.equal(codes.redeem('s_aaaaaaaaaaaaaaaaaaaaaa', code), 'unknown');
  assert.equal(codes.size, 0);
});

test('a code expires after its lifetime', () => {
  const { codes, clock } = make();
  const { code, expiresAt } = codes.issue('s_a');
  assert.equal(expiresAt, clock.now() + 120_000);
  clock.advance(119_999);
  assert.equal(codes.check('s_a', code), 'ok');
  clock.advance(1);
  assert.equal(codes.redeem('s_a', code), 'expired');
  assert.equal(codes.redeem('s_a', code), 'unknown', 'an expired code is gone');
});

test('a code presented for another session is refused and spent', () => {
  const { codes } = make();
  const { code } = codes.issue('s_a');
  assert.equal(codes.redeem('s_b', code), 'other_session');
  assert.equal(codes.redeem('s_a', code), 'unknown');
});

test('forged codes are unknown; codes die with their session; old codes make room for new ones', () => {
  const { codes } = make();
  assert.equal(codes.check('s_a', 'A'.repeat(32)), 'unknown');
  const a = codes.issue('s_a').code;
  const b = codes.issue('s_b').code;
  codes.forgetSession('s_a');
  assert.equal(codes.check('s_a', a), 'unknown');
  assert.equal(codes.check('s_b', b), 'ok');
  const many = Array.from({ length: 7 }, () => codes.issue('s_b').code);
  assert.equal(codes.check('s_b', b), 'unknown', 'the oldest is dropped past five per session');
  assert.equal(codes.check('s_b', many[1]!), 'unknown');
  assert.deepEqual(
    many.slice(2).map((c) => codes.check('s_b', c)),
    ['ok', 'ok', 'ok', 'ok', 'ok'],
  );
});
