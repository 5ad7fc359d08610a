import { createElement } from 'lwc';
import ScreenView from 'sl/screenView';

const flush = () => Promise.resolve();

function mount(props = {}) {
  const el = createElement('sl-screen-view', { is: ScreenView });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

describe('sl-screen-view', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('waits for the customer until live, and exposes its canvas', async () => {
    const el = mount();
    expect(el.shadowRoot.querySelector('.waiting').textContent).toContain('Waiting for the customer');
    el.live = true;
    el.width = 1280;
    el.height = 720;
    await flush();
    expect(el.shadowRoot.querySelector('.waiting')).toBeNull();
    expect(el.getCanvas()).toBe(el.shadowRoot.querySelector('canvas'));
    expect(el.shadowRoot.querySelector('.hint').textContent).toBe('1280 × 720');
  });

  it('toggles between fit and actual size', async () => {
    const el = mount({ live: true });
    const toggle = el.shadowRoot.querySelector('button');
    expect(toggle.textContent).toBe('Actual size');
    expect(el.shadowRoot.querySelector('.stage').className).toBe('stage fit');
    toggle.click();
    await flush();
    expect(toggle.textContent).toBe('Fit to window');
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(el.shadowRoot.querySelector('.stage').className).toBe('stage actual');
  });

  it('reports the pointer as fractions of the picture, and its leaving', () => {
    const el = mount({ live: true });
    const canvas = el.getCanvas();
    canvas.getBoundingClientRect = () => ({ left: 10, top: 20, width: 200, height: 100 });
    const seen = [];
    el.addEventListener('pointer', (e) => seen.push(e.detail));
    canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: 60, clientY: 70 }));
    canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: 500, clientY: 0 }));
    canvas.dispatchEvent(new MouseEvent('mouseleave'));
    expect(seen).toEqual([
      { x: 0.25, y: 0.5, visible: true },
      { x: 1, y: 0, visible: true },
      { x: 0, y: 0, visible: false },
    ]);
  });
});
