// The app's recording question and indicator (src/RecordingConsent.ts), as the renderer drives them from
// the sessions the relay sends: asked once when the agent starts recording after the customer joined,
// the answer sent as `recording-consent`, the indicator exactly while the recording runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingConsent, recordingView, type RecordingView } from '../src/RecordingConsent.ts';

function harness(answeredAtJoin?: boolean) {
  const sent: boolean[] = [];
  const views: RecordingView[] = [];
  const consent = new RecordingConsent({ recordingConsent: (allow) => sent.push(allow) }, answeredAtJoin, (v) =>
    views.push(v),
  );
  return { consent, sent, views };
}

test('asked when the agent starts recording after the customer joined; allowing sends it once and shows the indicator', () => {
  const { consent, sent, views } = harness();
  consent.follow({ recording: 'off' });
  consent.follow({ recording: 'asking' });
  assert.deepEqual(views.at(-1), { ask: true, indicator: false });
  assert.equal(consent.answer(true), true);
  assert.deepEqual(sent, [true]);
  assert.deepEqual(views.at(-1), { ask: false, indicator: false }, 'the question closes at once');
  assert.equal(consent.answer(false), false, 'a second answer is not sent');
  consent.follow({ recording: 'on' });
  assert.deepEqual(views.at(-1), { ask: false, indicator: true });
  consent.follow({ recording: 'off' });
  assert.deepEqual(views.at(-1), { ask: false, indicator: false }, 'the indicator goes when the recording stops');
  assert.deepEqual(sent, [true]);
});

test('refusing sends the refusal and never shows the indicator', () => {
  const { consent, sent, views } = harness();
  consent.follow({ recording: 'asking' });
  assert.equal(consent.answer(false), true);
  consent.follow({ recording: 'refused' });
  assert.deepEqual(sent, [false]);
  assert.ok(views.every((v) => !v.indicator));
  assert.deepEqual(views.at(-1), { ask: false, indicator: false });
});

test('a customer who answered at join is not asked again (another guest may be the one asked)', () => {
  const { consent, sent, views } = harness(true);
  consent.follow({ recording: 'asking' });
  assert.ok(views.every((v) => !v.ask));
  assert.equal(consent.answer(true), false);
  assert.deepEqual(sent, []);
});

test('no answer without an open question; the view is rendered only when it changes', () => {
  const { consent, sent, views } = harness();
  assert.equal(consent.answer(true), false, 'nothing asked yet');
  consent.follow({ recording: 'off' });
  consent.follow({ recording: 'off' });
  consent.follow({ recording: 'not_allowed' });
  assert.equal(views.length, 1);
  assert.deepEqual(sent, []);
  assert.deepEqual(recordingView('on', false), { ask: false, indicator: true }, 'the indicator follows the relay');
});
