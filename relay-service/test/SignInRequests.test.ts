// The sign-in requests of the components' hand-off: the outcome reaches the component only once the
// window has landed on its last page (or after the fallback when it never does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignInRequests } from '../src/auth/SignInRequests.ts';

const ok = { ok: true as const, value: 'alex' };

test('the outcome waits for the window to land, then is handed out once', async () => {
  const requests = new SignInRequests<string>({ releaseAfterMs: 60_000 });
  const { requestId, secret } = requests.create('salesforce', '005000000000001AAA');
  assert.equal(requests.complete(requestId, ok), true);
  assert.equal(requests.complete(requestId, ok), false, 'decided once');
  // Decided, but the window is still following the callback's redirect: the component must not
  // send it elsewhere yet.
  assert.equal(await requests.wait(requestId, secret, 20), 'pending');
  const waiting = requests.wait(requestId, secret, 60_000);
  requests.landed(requestId);
  assert.deepEqual(await waiting, ok);
  assert.equal(await requests.wait(requestId, secret, 20), null, 'handed out once');
  requests.close();
});

test('a window that never lands (closed after Allow) still hands the outcome over after the fallback', async () => {
  const requests = new SignInRequests<string>({ releaseAfterMs: 10 });
  const { requestId, secret } = requests.create('servicenow', 'a'.repeat(32));
  requests.complete(requestId, ok);
  assert.deepEqual(await requests.wait(requestId, secret, 60_000), ok);
  requests.close();
});

test('landing before any decision, or on an unknown request, releases nothing', async () => {
  const requests = new SignInRequests<string>({ releaseAfterMs: 60_000 });
  const { requestId, secret } = requests.create('salesforce', '005000000000001AAA');
  requests.landed(requestId);
  requests.landed('x'.repeat(24));
  assert.equal(await requests.wait(requestId, secret, 20), 'pending');
  requests.close();
});
