import { createElement } from 'lwc';
import PresenterControls from 'sl/presenterControls';

const PEOPLE = [
  { id: 'h1', role: 'host', displayName: 'Alex Agent', contact: {}, connected: true, joinedAt: '' },
  { id: 'g1', role: 'guest', displayName: 'Ada', contact: {}, connected: true, joinedAt: '' },
  { id: 'g2', role: 'guest', displayName: 'Bo', contact: {}, connected: true, joinedAt: '' },
];

function mount(props) {
  const el = createElement('sl-presenter-controls', { is: PresenterControls });
  Object.assign(el, { participants: PEOPLE, selfId: 'h1', ...props });
  document.body.appendChild(el);
  return el;
}

const buttons = (el) => [...el.shadowRoot.querySelectorAll('button')].map((b) => b.textContent);

describe('sl-presenter-controls', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('offers Show my screen only where the policy allows it, and asks any guest who does not present', () => {
    const off = mount({ presenterId: 'g1', mayShow: false });
    expect(off.shadowRoot.querySelector('.who').textContent).toBe('Ada is presenting.');
    expect(buttons(off)).toEqual(['Ask Bo to present']);
    const on = mount({ presenterId: 'h1', mayShow: true, showing: true });
    expect(on.shadowRoot.querySelector('.who').textContent).toBe('You are presenting: the customer sees your screen.');
    expect(buttons(on)).toEqual(['Stop showing my screen', 'Ask Ada to present', 'Ask Bo to present']);
  });

  it("says whom it waits for after an ask, and answers a guest's request with their id", async () => {
    const asked = mount({
      presenterId: 'h1',
      showing: true,
      handover: { participantId: 'g1', kind: 'asked', by: 'h1' },
    });
    expect(asked.shadowRoot.querySelector('.who').textContent).toBe(
      'Waiting for Ada to answer your request to present.',
    );
    const askAda = [...asked.shadowRoot.querySelectorAll('button')].find((b) => b.textContent === 'Ask Ada to present');
    expect(askAda.disabled).toBe(true);

    const el = mount({
      presenterId: 'h1',
      showing: true,
      handover: { participantId: 'g2', kind: 'requested', by: 'g2' },
    });
    const answers = [];
    el.addEventListener('answer', (e) => answers.push(e.detail));
    expect(el.shadowRoot.querySelector('.request span').textContent).toBe('Bo asks to present their screen.');
    const [letThem, notNow] = el.shadowRoot.querySelectorAll('.request button');
    letThem.click();
    notNow.click();
    expect(answers).toEqual([
      { participantId: 'g2', accept: true },
      { participantId: 'g2', accept: false },
    ]);
  });
});
