import { createElement } from 'lwc';
import ConsentForm from 'sl/consentForm';

const flush = () => Promise.resolve();

function mount(props) {
  const el = createElement('sl-consent-form', { is: ConsentForm });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

const q = (el, s) => el.shadowRoot.querySelector(s);
const qa = (el, s) => [...el.shadowRoot.querySelectorAll(s)];

function check(input) {
  input.checked = true;
  input.dispatchEvent(new CustomEvent('change'));
}

function share(el) {
  q(el, 'form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));
}

describe('sl-consent-form', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('shows the host, the terms and the recording prompt', () => {
    const el = mount({ hostName: 'Alex Agent', terms: 'Be nice.', recordingPrompt: true });
    expect(q(el, 'h1').textContent).toBe('Share your screen with Alex Agent');
    expect(q(el, '.terms').textContent).toBe('Be nice.');
    expect(q(el, 'legend').textContent).toBe('May this session be recorded?');
    expect(qa(el, 'input[type="radio"]').map((r) => r.value)).toEqual(['allow', 'refuse']);
  });

  it('moves the focus to its heading when it appears', () => {
    const el = mount({});
    expect(el.shadowRoot.activeElement).toBe(q(el, 'h1'));
  });

  it('hides the recording prompt when the policy does not ask', () => {
    const el = mount({ recordingPrompt: false });
    expect(q(el, 'fieldset')).toBeNull();
  });

  it('requires the terms and a recording answer before sharing', async () => {
    const el = mount({ recordingPrompt: true });
    const handler = jest.fn();
    el.addEventListener('accept', handler);
    share(el);
    await flush();
    expect(handler).not.toHaveBeenCalled();
    expect(q(el, '.error').textContent).toBe('Please accept the terms to share your screen.');
    expect(q(el, 'input[type="checkbox"]').getAttribute('aria-invalid')).toBe('true');
    expect(qa(el, '.error')[1].textContent).toBe('Please choose whether the session may be recorded.');
  });

  it('accepts with the recording answer', async () => {
    const el = mount({ recordingPrompt: true });
    const handler = jest.fn();
    el.addEventListener('accept', handler);
    check(q(el, 'input[type="checkbox"]'));
    check(q(el, 'input[value="refuse"]'));
    share(el);
    await flush();
    expect(handler.mock.calls[0][0].detail).toEqual({ recording: false, chatOnly: false });
  });

  it('accepts without a recording answer when none is asked', async () => {
    const el = mount({ recordingPrompt: false });
    const handler = jest.fn();
    el.addEventListener('accept', handler);
    check(q(el, 'input[type="checkbox"]'));
    share(el);
    await flush();
    expect(handler.mock.calls[0][0].detail).toEqual({ recording: undefined, chatOnly: false });
  });

  it('declines with one click, saying whether the terms were accepted', async () => {
    const el = mount({});
    const handler = jest.fn();
    el.addEventListener('decline', handler);
    const decline = qa(el, 'button').find((b) => b.textContent === "No, don't share");
    decline.click();
    check(q(el, 'input[type="checkbox"]'));
    await flush();
    decline.click();
    expect(handler.mock.calls.map((c) => c[0].detail)).toEqual([{ acceptedTerms: false }, { acceptedTerms: true }]);
  });
});
