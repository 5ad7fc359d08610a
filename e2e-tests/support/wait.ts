// Bounded waits on real conditions: poll a probe until it says yes, fail with the last answer.
import assert from 'node:assert/strict';

export const TIMEOUT = 20_000;

export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = TIMEOUT): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline)
      assert.fail(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await probe();
  }
  return last;
}
