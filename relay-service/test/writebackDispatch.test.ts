// WriteBack as one module: a burst of ended sessions costs one pass over the outbox, not one per
// session (each pass reads up to 500 due rows: thousands of sessions ending at once, as when a relay
// stops or the benchmark's capacity phase ends, stalled the relay for seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pino } from 'pino';
import { loadConfig } from '@sightline/config';
import { openDatabase } from '../src/auth/openDatabase.ts';
import { TokenCipher } from '../src/auth/TokenCipher.ts';
import { Outbox } from '../src/writeback/Outbox.ts';
import { WriteBack } from '../src/writeback/WriteBack.ts';
import { report } from './helpers/reports.ts';
import { tmpDir } from './helpers/tmp.ts';

const HOST = { crm: 'salesforce' as const, userId: '005000000000001AAA', username: 'a@x', displayName: 'Alex Agent' };
const CASE = { crm: 'salesforce' as const, id: '500000000000001AAA', label: 'Case 1' };

/** Counts the passes over the outbox (due() starts each one). */
class CountingOutbox extends Outbox {
  passes = 0;
  override due(limit?: number) {
    this.passes++;
    return super.due(limit);
  }
}

test('sessions ending in one turn of the event loop are dispatched in one pass over the outbox', async (t) => {
  const db = openDatabase(tmpDir(t), 'outbox.db');
  t.after(() => db.close());
  const outbox = new CountingOutbox(db, new TokenCipher(Buffer.alloc(32, 7)));
  const writeBack = new WriteBack({
    outbox,
    // The CRM is unreachable: what is counted is the dispatching, not the delivery.
    adapterFor: () => {
      throw new Error('no CRM in this test');
    },
    logger: pino({ level: 'silent' }),
    settings: loadConfig({ env: { SIGHTLINE_ENV: 'test' } }).writeBack,
  });
  for (let i = 0; i < 50; i++) writeBack.accept({ ...report(HOST, CASE), sessionId: `s_burst${i}` });
  assert.equal(outbox.count('pending'), 50, 'each session is in the outbox when accept returns');
  await nextTurn();
  assert.equal(outbox.passes, 1, `passes over the outbox for 50 sessions: ${outbox.passes}`);
  await writeBack.stop();
});
