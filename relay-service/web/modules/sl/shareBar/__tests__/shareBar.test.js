import { createElement } from 'lwc';
import ShareBar from 'sl/shareBar';

const flush = () => Promise.resolve();

function mount(props) {
  const el = createElement('sl-share-bar', { is: ShareBar });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

const buttons = (el) => [...el.shadowRoot.querySelectorAll('button')].map((b) => b.textContent);
const bar = (el) => el.shadowRoot.querySelector('[role="status"]');

describe('sl-share-bar', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('is yellow with Stop sharing and Leave while the screen is visible', () => {
    const el = mount({ sharing: true });
    expect(bar(el).className).toContain('visible');
    expect(bar(el).textContent).toContain('Your screen is visible');
    expect(bar(el).getAttribute('aria-live')).toBe('assertive');
    expect(buttons(el)).toEqual(['Stop sharing', 'Leave']);
  });

  it('is red while the agent controls the screen, with a way to take control back', () => {
    const el = mount({ sharing: true, controlled: true });
    expect(bar(el).className).toContain('controlled');
    expect(bar(el).textContent).toContain('The agent is controlling your screen');
    expect(buttons(el)).toEqual(['Take back control', 'Stop sharing', 'Leave']);
  });

  it('offers Resume sharing after a stop and says when it is reconnecting', async () => {
    const el = mount({ sharing: false });
    expect(bar(el).className).toContain('idle');
    expect(buttons(el)).toEqual(['Resume sharing', 'Leave']);
    el.reconnecting = true;
    await flush();
    expect(bar(el).textContent).toContain('reconnecting');
  });

  it('fires one event per button', () => {
    const el = mount({ sharing: true, controlled: true });
    const seen = [];
    for (const name of ['stopshare', 'leave', 'revokecontrol']) el.addEventListener(name, () => seen.push(name));
    for (const b of el.shadowRoot.querySelectorAll('button')) b.click();
    expect(seen).toEqual(['revokecontrol', 'stopshare', 'leave']);
  });
});
