// The app's session page: the same steps and rules as the browser join page (who asks and for what,
// the contact fields the policy asks for, the terms, the recording prompt), then the monitor choice.
// It reuses the relay's page libraries: GuestSession (relay socket + WebCodecs screen encoder).
import { GuestSession } from '../../relay-service/web/lib/guestSession.js';
import { RecordingConsent } from '../src/RecordingConsent.ts';

const api = window.sightline;
const root = document.getElementById('app');
/** @type {GuestSession | null} */
let guest = null;

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
const show = (...children) => root.replaceChildren(...children);
/** The recording question and indicator stay above the page whatever step it shows. */
const recordingArea = document.getElementById('recording');

api.onHandOff((info) => {
  if (info.error)
    return show(el('h1', { textContent: 'This session could not be opened' }), el('p', { textContent: info.error }));
  const asks = info.controlAllowed ? 'to see your screen, and may ask to control it' : 'to see your screen';
  const fields = Object.entries(info.contactFields).filter(([, mode]) => mode !== 'off');
  const inputs = fields.map(([name, mode]) =>
    el(
      'label',
      {},
      `${name[0].toUpperCase()}${name.slice(1)}${mode === 'required' ? ' (required)' : ''} `,
      el('input', { name, required: mode === 'required', type: name === 'email' ? 'email' : 'text' }),
    ),
  );
  const terms = el('input', { type: 'checkbox', required: true, name: 'terms' });
  const recording = el('input', { type: 'checkbox', name: 'recording' });
  const form = el(
    'form',
    {},
    ...inputs.map((i) => el('p', {}, i)),
    el('p', { textContent: info.terms }),
    el('label', {}, terms, ' I accept these terms'),
    ...(info.recordingPrompt
      ? [el('p', {}, el('label', {}, recording, ' Allow the agent to record this session'))]
      : []),
    el('p', {}, el('button', { type: 'submit', textContent: 'Join' })),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const contact = Object.fromEntries(
      fields.map(([name]) => [name, form.elements[name].value.trim()]).filter(([, v]) => v),
    );
    void join(contact, info.recordingPrompt ? recording.checked : undefined);
  });
  show(
    el('h1', { textContent: `${info.hostName} asks ${asks}` }),
    el('p', { textContent: `${info.recordLabel} · via ${info.relayHost}` }),
    form,
  );
});

async function join(contact, recording) {
  const joined = await api.join({ contact, acceptedTerms: true });
  guest = new GuestSession(joined);
  guest.addEventListener('message', (e) => api.fromRelay(e.detail));
  const consent = new RecordingConsent(guest, recording, (view) => showRecording(view, consent));
  guest.addEventListener('session', (e) => consent.follow(e.detail));
  await guest.connect();
  guest.consent(true, recording);
  const monitors = await api.monitors();
  show(
    el('h1', { textContent: 'Choose the screen to share' }),
    el(
      'div',
      { className: 'monitors' },
      ...monitors.map((m) => {
        const b = el('button', {}, el('img', { src: m.thumbnail, alt: '' }), `${m.label}${m.primary ? ' (main)' : ''}`);
        b.addEventListener('click', () => void share(m.id));
        return b;
      }),
    ),
    ...(joined.controlAvailable
      ? []
      : [el('p', { textContent: 'Remote control is not available on this computer; the agent can see your screen.' })]),
  );
}

/**
 * @param {import('../src/RecordingConsent.ts').RecordingView} view
 * @param {RecordingConsent} consent
 */
function showRecording(view, consent) {
  const parts = [];
  if (view.indicator)
    parts.push(
      el('p', { className: 'recording-on', role: 'status', textContent: 'Recording: this session is being recorded' }),
    );
  if (view.ask) {
    const allow = el('button', { textContent: 'Allow recording' });
    const refuse = el('button', { textContent: 'Refuse recording' });
    allow.addEventListener('click', () => consent.answer(true));
    refuse.addEventListener('click', () => consent.answer(false));
    parts.push(
      el(
        'div',
        { className: 'request', role: 'alertdialog' },
        el('p', {
          textContent:
            'The agent would like to record this session. Nothing is recorded unless you allow it; the recording is stored with your support case.',
        }),
        allow,
        refuse,
      ),
    );
  }
  recordingArea.replaceChildren(...parts);
}

async function share(monitorId) {
  await api.share(monitorId);
  // The main process answers this request with the chosen monitor; no other picker appears.
  const stream = await navigator.mediaDevices.getDisplayMedia({
    video: { frameRate: { ideal: 30, max: 30 } },
    audio: false,
  });
  guest.startSharing(stream);
  show(
    el('h1', { textContent: 'Your screen is visible' }),
    el('p', { textContent: 'A yellow border shows what the agent sees; it turns red while they control it.' }),
  );
}

api.onToRelay((message) => {
  if (!guest) return;
  if (message.type === 'leave') guest.leave();
  else if (message.type === 'stream-stop') guest.stopSharing();
  else guest.socket.send(message);
});

api.onControlRequest(({ fromName }) => {
  const allow = el('button', { textContent: 'Allow control' });
  const deny = el('button', { textContent: 'Not now' });
  const box = el(
    'div',
    { className: 'request', role: 'alertdialog' },
    el('p', {
      textContent: `${fromName} asks to control your mouse and keyboard. You can take control back at any moment; moving your own mouse pauses theirs.`,
    }),
    allow,
    deny,
  );
  allow.addEventListener('click', () => (api.action('grant'), box.remove()));
  deny.addEventListener('click', () => (api.action('decline'), box.remove()));
  root.prepend(box);
});
