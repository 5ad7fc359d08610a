import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../src/logger.ts';

test('the logger redacts secrets wherever they sit in a log object', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ config: { log: { level: 'info' } } }, sink);
  logger.info(
    {
      req: { headers: { authorization: 'Bearer SECRET-A', cookie: 'sightline_sid=SECRET-B' } },
      tokens: { access_token: 'SECRET-C', refreshToken: 'SECRET-D' },
      ticket: 'SECRET-E',
      session: { key: 'SECRET-F' },
      res: { headers: { 'set-cookie': 'SECRET-G' } },
      sessionId: 's_visible',
    },
    'hello',
  );
  const out = lines.join('');
  assert.doesNotMatch(out, /SECRET-/);
  assert.match(out, /s_visible/);
  assert.match(out, /\[redacted\]/);
});
