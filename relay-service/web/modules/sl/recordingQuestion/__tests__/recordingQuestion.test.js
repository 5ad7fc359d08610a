import { createElement } from 'lwc';
import RecordingQuestion from 'sl/recordingQuestion';

const flush = () => Promise.resolve();

function mount(props = {}) {
  const el = createElement('sl-recording-question', { is: RecordingQuestion });
  Object.assign(el, props);
  document.body.appendChild(el);
  const answers = [];
  el.addEventListener('answer', (e) => answers.push(e.detail));
  return { el, answers };
}

const buttons = (el) => [...el.shadowRoot.querySelectorAll('button')];

describe('sl-recording-question', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('asks in the name of the agent and says nothing is recorded without consent', () => {
    const { el } = mount({ hostName: 'Alex Agent' });
    expect(el.shadowRoot.querySelector('h2').textContent).toBe('Alex Agent would like to record this session');
    expect(el.shadowRoot.querySelector('p').textContent).toMatch(/Nothing is recorded unless you allow it/);
    expect(buttons(el).map((b) => b.textContent)).toEqual(['Allow recording', 'Refuse recording']);
  });

  it.each([
    [0, true],
    [1, false],
  ])('button %i answers allow=%s, once', async (index, allow) => {
    const { el, answers } = mount();
    buttons(el)[index].click();
    await flush();
    buttons(el)[1 - index].click();
    buttons(el)[index].click();
    expect(answers).toEqual([{ allow }]);
    expect(buttons(el).every((b) => b.disabled)).toBe(true);
  });
});
