import { createElement } from 'lwc';
import RecordingIndicator from 'sl/recordingIndicator';

function mount(state) {
  const el = createElement('sl-recording-indicator', { is: RecordingIndicator });
  if (state !== undefined) el.state = state;
  document.body.appendChild(el);
  return el;
}
const status = (el) => el.shadowRoot.querySelector('[role="status"]');

describe('sl-recording-indicator', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('says the session is being recorded while the recording runs, politely announced', () => {
    const el = mount('on');
    expect(status(el).textContent.trim()).toBe('Recording: this session is being recorded');
    expect(status(el).getAttribute('aria-live')).toBe('polite');
  });

  it.each(['off', 'refused', 'not_allowed', undefined])('says nothing when the state is %s', (state) => {
    const el = mount(state);
    expect(status(el).textContent.trim()).toBe('');
  });

  it('goes away when the recording stops', async () => {
    const el = mount('on');
    el.state = 'off';
    await Promise.resolve();
    expect(status(el).textContent.trim()).toBe('');
  });
});
